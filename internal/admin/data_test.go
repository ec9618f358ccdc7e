package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

const fixtures = "../importer/testdata/"

// The export and import routes: the owner and the operator only.
func init() {
	site := func(format string) func(e *env, site int64) req {
		return func(e *env, site int64) req { return req{method: "GET", path: fmt.Sprintf(format, site)} }
	}
	job := func(suffix string) func(e *env, site int64) req {
		return func(e *env, site int64) req {
			id := e.finishedJob(e.siteA.ID)
			return req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/import/%d%s", site, id, suffix)}
		}
	}
	routes := []siteRoute{
		{"GET /dashboard/sites/{site}/export", site("/dashboard/sites/%d/export")},
		{"GET /dashboard/sites/{site}/export/download", site("/dashboard/sites/%d/export/download?format=wxr")},
		{"GET /dashboard/sites/{site}/import", site("/dashboard/sites/%d/import")},
		{"POST /dashboard/sites/{site}/import", func(e *env, site int64) req {
			return upload(site, map[string]string{"thread_key": "path"}, readFixture(e.t, "wordpress-1.0.xml"))
		}},
		{"GET /dashboard/sites/{site}/import/{job}", job("")},
		{"GET /dashboard/sites/{site}/import/{job}/report.json", job("/report.json")},
	}
	siteRoutes = append(siteRoutes, routes...)
	for _, r := range routes {
		ownerOnlyRoutes[r.pattern] = true
	}
}

func readFixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// upload is the import form posted with fields and file (none when nil).
func upload(site int64, fields map[string]string, file []byte) req {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "export.xml")
		fw.Write(file)
	}
	mw.Close()
	return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/import", site), body: b.String(),
		header: map[string]string{"Content-Type": mw.FormDataContentType()}}
}

// finishedJob records an ended import of site, with a report.
func (e *env) finishedJob(site int64) int64 {
	ctx, now := context.Background(), time.Now()
	job := &store.ImportJob{SiteID: site, Format: "wordpress"}
	if err := e.st.CreateImportJob(ctx, job, now); err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.FinishImportJob(ctx, job.ID, store.ImportDone, store.ImportProgress{}, `{"format":"wordpress","complete":true}`, "", now); err != nil {
		e.t.Fatal(err)
	}
	return job.ID
}

// useTempDir points the dashboard's uploads at a directory of the test's,
// so that a test can see that nothing is left in it.
func (e *env) useTempDir(maxUpload int64) string {
	dir := e.t.TempDir()
	e.dash.Imports = admin.ImportSettings{MaxUpload: maxUpload, TempDir: dir}
	return dir
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// awaitImport follows the redirect of an upload to the status page and
// reloads it, as its meta refresh does, until the import has ended.
func (e *env) awaitImport(w *httptest.ResponseRecorder, token string) string {
	e.t.Helper()
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !regexp.MustCompile(`^/dashboard/sites/\d+/import/\d+$`).MatchString(loc) {
		e.t.Fatalf("upload: %d to %q: %s", w.Code, loc, w.Body)
	}
	for range 500 {
		page := e.do(req{method: "GET", path: loc, token: token})
		body := page.Body.String()
		if page.Code != http.StatusOK {
			e.t.Fatalf("status page: %d %s", page.Code, body)
		}
		if !strings.Contains(body, `http-equiv="refresh"`) {
			return body
		}
		if !strings.Contains(body, `id="import-read"`) {
			e.t.Fatalf("a running import's page shows no progress: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatal("the import did not end")
	return ""
}

// comments counts site A's comments in every state.
func (e *env) siteComments() int {
	e.t.Helper()
	counts, err := e.st.StatusCounts(context.Background(), e.siteA.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func eachDialect(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

func TestExportDownload(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		path := fmt.Sprintf("/dashboard/sites/%d/export", e.siteA.ID)
		// The home page links the export for the owner, not for the moderator.
		if home := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}).Body.String(); !strings.Contains(home, `href="`+path+`"`) {
			t.Errorf("the owner's home page does not link the export: %s", home)
		}
		if home := e.do(req{method: "GET", path: "/dashboard", token: e.modTok}).Body.String(); strings.Contains(home, `href="`+path+`"`) {
			t.Errorf("the moderator's home page links the export: %s", home)
		}
		page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String()
		if !strings.Contains(page, `action="`+path+`/download"`) || !strings.Contains(page, `value="wxr"`) {
			t.Errorf("export page: %s", page)
		}
		for _, tt := range []struct {
			query, ctype, file string
			has, hasNot        []string
		}{
			{"format=parley", "application/json; charset=utf-8", ".json", []string{"First held.", "gus@example.com"}, []string{"Held on B."}},
			{"format=wxr", "application/xml; charset=utf-8", ".xml", []string{"Second held.", "gus@example.com"}, []string{"Held on B."}},
			{"format=parley&personal=omit", "application/json; charset=utf-8", ".json", []string{"First held."}, []string{"gus@example.com"}},
		} {
			w := e.do(req{method: "GET", path: path + "/download?" + tt.query, token: e.opTok})
			body := w.Body.String()
			disp := w.Header().Get("Content-Disposition")
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != tt.ctype || !strings.HasPrefix(disp, `attachment; filename="parley-a.example-`) ||
				!strings.HasSuffix(disp, tt.file+`"`) || w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d %q %q", tt.query, w.Code, w.Header().Get("Content-Type"), disp)
			}
			for _, s := range tt.has {
				if !strings.Contains(body, s) {
					t.Errorf("%s: the file lacks %q", tt.query, s)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("%s: the file holds %q", tt.query, s)
				}
			}
		}
		if w := e.do(req{method: "GET", path: path + "/download?format=csv", token: e.ownerTok}); w.Code != http.StatusBadRequest {
			t.Errorf("unknown format: %d, want 400", w.Code)
		}
		// A moderator sees the emails in the queue, but may not take them all away.
		if w := e.do(req{method: "GET", path: path + "/download?format=parley", token: e.modTok}); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "gus@") {
			t.Errorf("moderator: %d, want 404", w.Code)
		}
		// The operator may, also when moderating the site too.
		if err := e.st.SetSiteMember(context.Background(), e.siteA.ID, e.operator.ID, model.RoleModerator); err != nil {
			t.Fatal(err)
		}
		if w := e.do(req{method: "GET", path: path + "/download?format=parley", token: e.opTok}); w.Code != http.StatusOK {
			t.Errorf("operator who moderates the site: %d, want 200", w.Code)
		}
	})
}

func TestImportThroughDashboard(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		dir := e.useTempDir(0)
		// The widget has read the page before: its cached thread must go.
		thread := func() string {
			return e.do(req{method: "GET", path: "/api/v1/thread?site=a.example&path=/2026/hello/"}).Body.String()
		}
		if before := thread(); strings.Contains(before, "Thanks!") {
			t.Fatalf("thread before the import: %s", before)
		}
		for _, tt := range []struct {
			file   string
			fields map[string]string
			want   []string
		}{
			{"wordpress-1.0.xml", map[string]string{"thread_key": "path"},
				[]string{"Imported wordpress comments into a.example", "added           4 (4 approved)", "pingback         1"}},
			{"disqus.xml", map[string]string{"thread_key": "path", "format": "disqus"},
				[]string{"Imported disqus comments into a.example", "added           7 (", "thread_deleted   1"}},
			{"disqus.xml", map[string]string{"thread_key": "path", "dry_run": "1"},
				[]string{"Dry run, nothing written: would import disqus comments", "already present 7"}},
		} {
			before := e.siteComments()
			body := e.awaitImport(e.do(withToken(upload(e.siteA.ID, tt.fields, readFixture(t, tt.file)), e.ownerTok)), e.ownerTok)
			for _, s := range append(tt.want, `class="done"`) {
				if !strings.Contains(body, s) {
					t.Errorf("%s %v: the report lacks %q: %s", tt.file, tt.fields, s, body)
				}
			}
			if added := regexp.MustCompile(`added +(\d+)`).FindStringSubmatch(body); added == nil || fmt.Sprint(e.siteComments()-before) != added[1] {
				t.Errorf("%s: %d comments written, the report says %v", tt.file, e.siteComments()-before, added)
			}
			assertEmptyDir(t, dir)
		}
		if after := thread(); !strings.Contains(after, "Thanks!") {
			t.Errorf("the widget does not show the imported comments: %s", after)
		}
		// The import page lists the three imports; each report downloads.
		page := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/import", e.siteA.ID), token: e.ownerTok}).Body.String()
		jobs, _ := e.st.ImportJobs(context.Background(), e.siteA.ID, 10, time.Now())
		if len(jobs) != 3 || strings.Count(page, "/import/") != 3 {
			t.Fatalf("%d jobs; page: %s", len(jobs), page)
		}
		w := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/import/%d/report.json", e.siteA.ID, jobs[0].ID), token: e.opTok})
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"dryRun":true`) || !strings.Contains(w.Body.String(), `"alreadyPresent":7`) {
			t.Errorf("report.json: %d %s", w.Code, w.Body)
		}
	})
}

func withToken(r req, token string) req { r.token = token; return r }

// TestImportFailuresWriteNothing: a broken file, a file of no known format
// and a file with posts but no comments end with the error shown, nothing
// written and no file left.
func TestImportFailuresWriteNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		dir := e.useTempDir(0)
		empty := `<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>` +
			`<item><link>https://a.example/p/</link><wp:post_id>1</wp:post_id></item></channel></rss>`
		for _, tt := range []struct {
			name, file string
			want       []string
		}{
			{"malformed", `<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><wp:comment>`,
				[]string{`id="import-error"`, "The import failed.", "XML syntax error"}},
			{"unknown format", "just some text", []string{"cannot tell the format of this file"}},
			{"document type", string(readFixture(t, "billion-laughs-wxr.xml")), []string{"document type"}},
			{"nothing read", empty, []string{"WARNING: the file holds 1 posts but no comment was read", "No comments were read from a wordpress file"}},
		} {
			before := e.siteComments()
			body := e.awaitImport(e.do(withToken(upload(e.siteA.ID, map[string]string{"thread_key": "path"}, []byte(tt.file)), e.ownerTok)), e.ownerTok)
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("%s: the page lacks %q: %s", tt.name, s, body)
				}
			}
			if n := e.siteComments(); n != before {
				t.Errorf("%s: %d comments written", tt.name, n-before)
			}
			assertEmptyDir(t, dir)
		}
		// Told that the site has no comments, the same file is fine.
		body := e.awaitImport(e.do(withToken(upload(e.siteA.ID, map[string]string{"thread_key": "path", "allow_empty": "1"}, []byte(empty)), e.ownerTok)), e.ownerTok)
		if !strings.Contains(body, `class="done"`) || strings.Contains(body, `id="import-error"`) {
			t.Errorf("allowed empty import: %s", body)
		}
	})
}

// TestImportRefusals: uploads refused before any import starts show why
// next to the field, record no import and leave no file.
func TestImportRefusals(t *testing.T) {
	e := newEnv(t, "sqlite")
	dir := e.useTempDir(1 << 20)
	big := bytes.Repeat([]byte("x"), 1<<20+1)
	for _, tt := range []struct {
		name   string
		r      req
		chunk  bool // no Content-Length: the limit is found while reading
		status int
		want   string
	}{
		{"too large", upload(e.siteA.ID, map[string]string{"thread_key": "path"}, big), false, http.StatusRequestEntityTooLarge,
			`id="file-error">The file is larger than 1 MiB, the most the dashboard accepts.`},
		{"too large, streamed", upload(e.siteA.ID, map[string]string{"thread_key": "path"}, big), true, http.StatusRequestEntityTooLarge,
			`id="file-error">The file is larger than 1 MiB`},
		{"no file", upload(e.siteA.ID, map[string]string{"thread_key": "path", "format": "disqus"}, nil), false, http.StatusBadRequest,
			`id="file-error">Choose the export file to import.`},
		{"bad format", upload(e.siteA.ID, map[string]string{"thread_key": "path", "format": "blogger"}, []byte("<x/>")), false, http.StatusBadRequest,
			`id="format-error">Choose a format from the list`},
		{"bad thread key", upload(e.siteA.ID, map[string]string{"thread_key": "title"}, []byte("<x/>")), false, http.StatusBadRequest,
			`id="thread_key-error">Choose how threads become pages.`},
		{"not a form of files", req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/import", e.siteA.ID), body: "thread_key=path",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, false, http.StatusBadRequest, "The upload could not be read"},
	} {
		tt.r.token, tt.r.chunked = e.ownerTok, tt.chunk
		w := e.do(tt.r)
		if body := w.Body.String(); w.Code != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, want %d with %q: %s", tt.name, w.Code, tt.status, tt.want, body)
		}
	}
	if jobs, _ := e.st.ImportJobs(context.Background(), e.siteA.ID, 10, time.Now()); len(jobs) != 0 {
		t.Errorf("refused uploads recorded imports: %+v", jobs)
	}
	assertEmptyDir(t, dir)

	// A cross-origin upload and a moderator's are refused, and record nothing.
	r := withToken(upload(e.siteA.ID, map[string]string{"thread_key": "path"}, readFixture(t, "disqus.xml")), e.ownerTok)
	r.header["Sec-Fetch-Site"] = "cross-site"
	if w := e.do(r); w.Code != http.StatusForbidden {
		t.Errorf("cross-site upload: %d, want 403", w.Code)
	}
	if w := e.do(withToken(upload(e.siteA.ID, map[string]string{"thread_key": "path"}, readFixture(t, "disqus.xml")), e.modTok)); w.Code != http.StatusNotFound {
		t.Errorf("moderator's upload: %d, want 404", w.Code)
	}
	if jobs, _ := e.st.ImportJobs(context.Background(), e.siteA.ID, 10, time.Now()); len(jobs) != 0 || e.siteComments() != 2 {
		t.Errorf("refused uploads imported: %d jobs, %d comments", len(jobs), e.siteComments())
	}
}

// TestOneImportPerSite: while an import of the site runs, another is
// refused; one whose server stopped (no update for store.ImportStaleAfter)
// shows as interrupted and no longer blocks.
func TestOneImportPerSite(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dir := e.useTempDir(0)
		running := &store.ImportJob{SiteID: e.siteA.ID, Format: "disqus"}
		if err := e.st.CreateImportJob(ctx, running, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := e.st.CreateImportJob(ctx, &store.ImportJob{SiteID: e.siteA.ID}, time.Now()); err != store.ErrImportRunning {
			t.Errorf("a second running job of the site: %v, want ErrImportRunning", err)
		}
		up := withToken(upload(e.siteA.ID, map[string]string{"thread_key": "path"}, readFixture(t, "disqus.xml")), e.ownerTok)
		if w := e.do(up); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "An import is already running for this site") {
			t.Errorf("upload during an import: %d %s", w.Code, w.Body)
		}
		assertEmptyDir(t, dir)

		// Its server stopped two minutes ago.
		stale := &store.ImportJob{SiteID: e.siteB.ID, Format: "disqus"}
		if err := e.st.CreateImportJob(ctx, stale, time.Now().Add(-2*store.ImportStaleAfter)); err != nil {
			t.Fatal(err)
		}
		page := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/import/%d", e.siteB.ID, stale.ID), token: e.strangerTok}).Body.String()
		if !strings.Contains(page, "The import was interrupted") || strings.Contains(page, `http-equiv="refresh"`) {
			t.Errorf("a stale import's page: %s", page)
		}
		up.path, up.token = fmt.Sprintf("/dashboard/sites/%d/import", e.siteB.ID), e.strangerTok
		if body := e.awaitImport(e.do(up), e.strangerTok); !strings.Contains(body, "Imported disqus comments into b.example") {
			t.Errorf("import after a stale one: %s", body)
		}
		if job, _ := e.st.ImportJob(ctx, e.siteB.ID, stale.ID, time.Now()); job.Status != store.ImportInterrupted || job.FinishedAt == nil {
			t.Errorf("the stale job is %s, finished %v; want interrupted", job.Status, job.FinishedAt)
		}
	})
}

// TestSiteDeletionTakesImports: the import records go with their site.
func TestSiteDeletionTakesImports(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		e.finishedJob(e.siteA.ID)
		if err := e.st.DeleteSite(context.Background(), e.siteA.ID); err != nil {
			t.Fatal(err)
		}
		if jobs, err := e.st.ImportJobs(context.Background(), e.siteA.ID, 10, time.Now()); err != nil || len(jobs) != 0 {
			t.Errorf("after deleting the site: %d import jobs, %v", len(jobs), err)
		}
	})
}

// TestStoppedServerInterruptsImports: a server that stops (Close, as
// parley serve does on its way out) records its running imports as
// interrupted, with what to do, and leaves no file behind.
func TestStoppedServerInterruptsImports(t *testing.T) {
	e := newEnv(t, "sqlite")
	dir := e.useTempDir(0)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><link>https://a.example/big/</link><wp:post_id>1</wp:post_id>`)
	for i := range 20000 { // seconds of work: the import is surely running when the server stops
		fmt.Fprintf(&b, `<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>R</wp:comment_author>`+
			`<wp:comment_date_gmt>2026-11-01 10:00:00</wp:comment_date_gmt><wp:comment_content>Comment %d</wp:comment_content>`+
			`<wp:comment_approved>1</wp:comment_approved></wp:comment>`, i+1, i+1)
	}
	b.WriteString(`</item></channel></rss>`)
	w := e.do(withToken(upload(e.siteA.ID, map[string]string{"thread_key": "path"}, []byte(b.String())), e.ownerTok))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	e.dash.Close()
	page := e.do(req{method: "GET", path: w.Header().Get("Location"), token: e.ownerTok}).Body.String()
	if !strings.Contains(page, "The import was interrupted") || !strings.Contains(page, "The server stopped during the import") ||
		strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("after the server stopped: %s", page)
	}
	assertEmptyDir(t, dir)
}
