package importer_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/model"
)

// disqusDoc wraps threads and posts in a Disqus export.
func disqusDoc(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="t1"><id>post-one</id><link>https://blog.example/one/</link><title>One</title><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
<thread dsq:id="t2"><id></id><link>https://blog.example/two/?utm_source=x#comments</link><title>Two</title><isClosed>true</isClosed><isDeleted>false</isDeleted></thread>
<thread dsq:id="t3"><id>gone</id><link>https://blog.example/gone/</link><title>Gone</title><isDeleted>true</isDeleted></thread>
` + body + "\n</disqus>\n")
}

func disqusPost(id, thread, parent, created, flags, message string) string {
	p := ""
	if parent != "" {
		p = `<parent dsq:id="` + parent + `" />`
	}
	return fmt.Sprintf(`<post dsq:id="%s"><message><![CDATA[%s]]></message><createdAt>%s</createdAt>%s
<author><email>%s@example.com</email><name>Author %s</name><isAnonymous>false</isAnonymous></author>
<ipAddress>203.0.113.9</ipAddress><thread dsq:id="%s" />%s</post>
`, id, message, created, flags, id, id, thread, p)
}

// wxrDoc wraps items in a WXR 1.2 export.
func wxrDoc(items string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>https://blog.example</link>
` + items + "\n</channel></rss>\n")
}

func wxrComment(id, parent, approved, typ, dateGMT, date, content string) string {
	return fmt.Sprintf(`<wp:comment><wp:comment_id>%s</wp:comment_id><wp:comment_author><![CDATA[Author O&#039;%s]]></wp:comment_author>
<wp:comment_author_email>a%s@example.com</wp:comment_author_email><wp:comment_author_url>javascript:alert(1)</wp:comment_author_url>
<wp:comment_author_IP>::ffff:198.51.100.7</wp:comment_author_IP><wp:comment_date>%s</wp:comment_date><wp:comment_date_gmt>%s</wp:comment_date_gmt>
<wp:comment_content><![CDATA[%s]]></wp:comment_content><wp:comment_approved>%s</wp:comment_approved>
<wp:comment_type>%s</wp:comment_type><wp:comment_parent>%s</wp:comment_parent></wp:comment>
`, id, id, id, date, dateGMT, content, approved, typ, parent)
}

func wxrItem(postID, link, comments string) string {
	return `<item><title>Post ` + postID + `</title><link>` + link + `</link>
<content:encoded><![CDATA[<p>A long post body that is never kept.</p>]]></content:encoded>
<wp:post_id>` + postID + `</wp:post_id><wp:post_date>2026-10-20 14:00:00</wp:post_date><wp:post_date_gmt>2026-10-20 12:00:00</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_type>post</wp:post_type>` + comments + `</item>`
}

func TestStatesMapped(t *testing.T) {
	t.Run("disqus", func(t *testing.T) {
		e := openSQLite(t)
		doc := disqusDoc(
			disqusPost("1", "t1", "", "2026-10-01T10:00:00Z", "<isDeleted>true</isDeleted><isSpam>false</isSpam>", "<p>I regret this</p>") +
				disqusPost("2", "t1", "1", "2026-10-01T11:00:00Z", "", "<p>reply to a deleted comment</p>") +
				disqusPost("3", "t1", "", "2026-10-01T12:00:00Z", "<isSpam>true</isSpam>", "<p>cheap pills</p>") +
				disqusPost("4", "t1", "", "2026-10-01T13:00:00Z", "<isApproved>false</isApproved>", "<p>held</p>"))
		rep := e.mustImport(t, doc, importer.Options{})
		got := e.comments(t)
		for id, want := range map[string]model.Status{"1": model.StatusDeleted, "2": model.StatusApproved, "3": model.StatusSpam, "4": model.StatusPending} {
			if got[id].Status != want {
				t.Errorf("comment %s: status %s, want %s", id, got[id].Status, want)
			}
		}
		// A deleted comment keeps its place in the thread, nothing else.
		if d := got["1"]; d.Text != "" || d.HTML != "" || d.GuestName != "" || d.GuestEmail != "" || d.IP != "" || d.DeletedAt == nil {
			t.Errorf("deleted comment kept data: %+v", d.Comment)
		}
		if n := e.pageCount(t, "/one/"); n != 1 {
			t.Errorf("page shows %d comments, want 1 (only the approved reply)", n)
		}
		if th := e.thread(t, "/one/"); len(th) != 2 || th[1] != "  <p>reply to a deleted comment</p>" {
			t.Errorf("thread reads %q; want the placeholder and its reply", th)
		}
		if rep.AddedByStatus[model.StatusSpam] != 1 || rep.AddedByStatus[model.StatusDeleted] != 1 {
			t.Errorf("report by status: %v", rep.AddedByStatus)
		}
	})
	t.Run("wordpress", func(t *testing.T) {
		e := openSQLite(t)
		doc := wxrDoc(wxrItem("5", "https://blog.example/five/",
			wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "approved")+
				wxrComment("2", "0", "0", "comment", "2026-10-21 10:00:00", "", "held")+
				wxrComment("3", "0", "spam", "", "2026-10-21 10:00:00", "", "spam")+
				wxrComment("4", "0", "trash", "", "2026-10-21 10:00:00", "", "trashed")+
				wxrComment("5", "0", "post-trashed", "", "2026-10-21 10:00:00", "", "on a trashed post")+
				wxrComment("6", "0", "1", "pingback", "2026-10-21 10:00:00", "", "a pingback")+
				wxrComment("7", "0", "1", "trackback", "2026-10-21 10:00:00", "", "a trackback")))
		rep := e.mustImport(t, doc, importer.Options{})
		got := e.comments(t)
		for id, want := range map[string]model.Status{"5#1": model.StatusApproved, "5#2": model.StatusPending, "5#3": model.StatusSpam,
			"5#5": model.StatusPending} {
			if c := got[id]; c == nil || c.Status != want {
				t.Errorf("comment %s: %v, want status %s", id, c, want)
			}
		}
		// A trashed comment without replies has nothing to show: like a
		// comment deleted in Parley, it is not kept.
		if rep.SkippedByReason[importer.ReasonPingback] != 2 || rep.SkippedByReason[importer.ReasonDeleted] != 1 || len(got) != 4 {
			t.Errorf("skipped %v, comments %d; want 2 pingbacks, 1 deleted, 4 comments", rep.SkippedByReason, len(got))
		}
		if c := got["5#1"]; c.GuestWebsite != "" || rep.Notes["website_dropped"] == 0 {
			t.Errorf("a javascript: website was kept: %q", c.GuestWebsite)
		}
		if c := got["5#1"]; c.GuestName != "Author O'1" {
			t.Errorf("name %q, want the entity decoded: Author O'1", c.GuestName)
		}
	})
	t.Run("skip spam", func(t *testing.T) {
		e := openSQLite(t)
		rep := e.mustImport(t, disqusDoc(disqusPost("3", "t1", "", "2026-10-01T12:00:00Z", "<isSpam>true</isSpam>", "spam")), importer.Options{SkipSpam: true})
		if rep.Added != 0 || rep.SkippedByReason[importer.ReasonSpam] != 1 {
			t.Errorf("added %d, skipped as spam %d; want 0, 1", rep.Added, rep.SkippedByReason[importer.ReasonSpam])
		}
	})
}

func TestBadEntriesSkipped(t *testing.T) {
	e := openSQLite(t)
	doc := disqusDoc(
		disqusPost("", "t1", "", "2026-10-01T10:00:00Z", "", "no id") +
			disqusPost("11", "t1", "", "yesterday", "", "bad date") +
			disqusPost("12", "t1", "", "2026-10-01T10:00:00Z", "", "  ") +
			disqusPost("13", "t1", "999", "2026-10-01T10:00:00Z", "", "reply to a comment nobody has") +
			disqusPost("14", "t1", "13", "2026-10-01T10:00:00Z", "", "reply to the orphan") +
			disqusPost("15", "t9", "", "2026-10-01T10:00:00Z", "", "unknown thread") +
			disqusPost("16", "t3", "", "2026-10-01T10:00:00Z", "", "deleted thread") +
			disqusPost("17", "t1", "11", "2026-10-01T10:00:00Z", "", "reply to the bad date") +
			disqusPost("18", "t1", "", "2026-10-01T10:00:00Z", "", "fine"))
	rep := e.mustImport(t, doc, importer.Options{})
	want := map[string]int{
		importer.ReasonMissingID: 1, importer.ReasonBadDate: 1, importer.ReasonEmptyText: 1,
		importer.ReasonUnknownParent: 1, importer.ReasonParentSkipped: 2, importer.ReasonMissingThread: 1,
		importer.ReasonThreadDeleted: 1,
	}
	for reason, n := range want {
		if rep.SkippedByReason[reason] != n {
			t.Errorf("skipped for %s: %d, want %d (all: %v)", reason, rep.SkippedByReason[reason], n, rep.SkippedEntries)
		}
	}
	if rep.Added != 1 || rep.Skipped != 8 || len(rep.SkippedEntries) != 8 || !rep.Complete {
		t.Errorf("added %d, skipped %d, complete %v; want 1, 8, true", rep.Added, rep.Skipped, rep.Complete)
	}
	if got := e.comments(t); got["18"] == nil {
		t.Error("the good comment was not imported")
	}
}

func TestDatesAndZonesKept(t *testing.T) {
	e := openSQLite(t)
	// No GMT date: the local date is corrected by the post's own offset (+2h).
	doc := wxrDoc(wxrItem("5", "https://blog.example/five/",
		wxrComment("1", "0", "1", "", "0000-00-00 00:00:00", "2026-10-21 14:30:00", "local time only")+
			wxrComment("2", "0", "1", "", "2026-10-21 09:15:00", "2026-10-21 11:15:00", "both")))
	e.mustImport(t, doc, importer.Options{})
	got := e.comments(t)
	for id, want := range map[string]string{"5#1": "2026-10-21T12:30:00Z", "5#2": "2026-10-21T09:15:00Z"} {
		if at := got[id].CreatedAt.Format(time.RFC3339); at != want {
			t.Errorf("comment %s at %s, want %s", id, at, want)
		}
	}
	// A Remark42 time with a zone keeps its instant.
	e2 := openSQLite(t)
	e2.mustImport(t, remarkBackup(t, `{"id":"r1","pid":"","text":"<p>hi</p>","user":{"name":"A","id":"u1"},"locator":{"site":"s","url":"https://blog.example/r/"},"time":"2017-12-20T15:18:22.123-06:00"}`), importer.Options{})
	if at := e2.comments(t)["r1"].CreatedAt; !at.Equal(mustTime("2017-12-20T21:18:22.123Z")) {
		t.Errorf("remark42 time %s, want 2017-12-20T21:18:22.123Z", at)
	}
}

func TestPersonalDataSealedAndAged(t *testing.T) {
	e := openSQLite(t)
	recent := now.Add(-2 * 24 * time.Hour).Format(time.RFC3339)
	old := now.Add(-40 * 24 * time.Hour).Format(time.RFC3339)
	doc := disqusDoc(disqusPost("1", "t1", "", recent, "", "recent") + disqusPost("2", "t1", "", old, "", "old"))
	rep := e.mustImport(t, doc, importer.Options{})
	got := e.comments(t)
	if got["1"].IP != "203.0.113.9" || got["2"].IP != "" || rep.Notes["ip_dropped"] != 1 {
		t.Errorf("IPs: recent %q, old %q, dropped %d; want 203.0.113.9, none, 1", got["1"].IP, got["2"].IP, rep.Notes["ip_dropped"])
	}
	// At rest, neither the email nor the IP is readable, and the email is
	// found by its blind index (P12: approved commenters skip moderation).
	ok, err := e.st.HasApprovedComment(context.Background(), e.site.ID, "1@example.com")
	if err != nil || !ok {
		t.Errorf("blind index lookup of an imported email: %v, %v", ok, err)
	}
	raw := readRawColumns(t, e)
	for _, secret := range []string{"1@example.com", "203.0.113.9"} {
		if strings.Contains(raw, secret) {
			t.Errorf("%q is stored in plain text", secret)
		}
	}
}

// readRawColumns returns the personal-data columns as stored, by reading
// the SQLite file directly.
func readRawColumns(t *testing.T, e *env) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	r, err := db.Query("SELECT COALESCE(guest_email_sealed, x''), COALESCE(ip_sealed, x''), COALESCE(ua_sealed, x'') FROM comments")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for r.Next() {
		var a, c, d []byte
		r.Scan(&a, &c, &d)
		b.Write(a)
		b.Write(c)
		b.Write(d)
	}
	return b.String()
}

func TestHostileXMLRefused(t *testing.T) {
	for _, name := range []string{"xxe-disqus.xml", "billion-laughs-wxr.xml"} {
		t.Run(name, func(t *testing.T) {
			e := openSQLite(t)
			f, err := os.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rep, err := e.im.Run(context.Background(), f, e.options(importer.Options{}), nil)
			if !errors.Is(err, importer.ErrDTD) {
				t.Errorf("import returned %v, want ErrDTD", err)
			}
			if rep.Read != 0 || e.count(t) != 0 {
				t.Errorf("read %d comments, stored %d; want none", rep.Read, e.count(t))
			}
		})
	}
}

func TestDecompressionBombsRefused(t *testing.T) {
	t.Run("gzip ratio", func(t *testing.T) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write([]byte("<disqus>"))
		zeros := make([]byte, 1<<20)
		for range 40 {
			zw.Write(zeros)
		}
		zw.Close()
		e := openSQLite(t)
		_, err := e.importBytes(t, buf.Bytes(), importer.Options{Format: importer.Disqus})
		if !errors.Is(err, importer.ErrTooLarge) {
			t.Errorf("a 40 MB gzip bomb of %d bytes: %v, want ErrTooLarge", buf.Len(), err)
		}
	})
	t.Run("gzip size", func(t *testing.T) {
		e := openSQLite(t)
		data := gzipped(t, genDisqusBytes(t, 5, 20, false))
		_, err := e.importBytes(t, data, importer.Options{Limits: importer.Limits{MaxExpanded: 10 << 10}})
		if !errors.Is(err, importer.ErrTooLarge) {
			t.Errorf("import past MaxExpanded: %v, want ErrTooLarge", err)
		}
	})
	t.Run("zip declared size", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "export.xml", Method: zip.Deflate})
		zeros := make([]byte, 1<<20)
		for range 40 {
			w.Write(zeros)
		}
		zw.Close()
		e := openSQLite(t)
		_, err := e.importBytes(t, buf.Bytes(), importer.Options{})
		if !errors.Is(err, importer.ErrTooLarge) {
			t.Errorf("a 40 MB zip bomb of %d bytes: %v, want ErrTooLarge", buf.Len(), err)
		}
	})
}

func TestOversizedFieldsCapped(t *testing.T) {
	t.Run("long text is cut", func(t *testing.T) {
		e := openSQLite(t)
		long := strings.Repeat("é", 300)
		rep := e.mustImport(t, disqusDoc(disqusPost("1", "t1", "", "2026-10-01T10:00:00Z", "", long)), importer.Options{Limits: importer.Limits{MaxText: 101}})
		c := e.comments(t)["1"]
		if c.Text != strings.Repeat("é", 50) || rep.Notes["text_truncated"] != 1 {
			t.Errorf("text %d bytes (%q…), truncated %d; want 50 é, 1", len(c.Text), c.Text[:10], rep.Notes["text_truncated"])
		}
	})
	t.Run("huge element stops the import, earlier batches stay", func(t *testing.T) {
		e := openSQLite(t)
		doc := disqusDoc(disqusPost("1", "t1", "", "2026-10-01T10:00:00Z", "", "fine") +
			disqusPost("2", "t1", "", "2026-10-01T10:00:00Z", "", strings.Repeat("x", 200<<10)))
		rep, err := e.importBytes(t, doc, importer.Options{BatchSize: 1, Limits: importer.Limits{MaxToken: 64 << 10}})
		if !errors.Is(err, importer.ErrTooLarge) || rep.Complete {
			t.Errorf("import returned %v (complete %v), want ErrTooLarge", err, rep.Complete)
		}
		if e.count(t) != 1 {
			t.Errorf("site has %d comments, want the 1 before the huge one", e.count(t))
		}
	})
	t.Run("path longer than the widget may read is skipped", func(t *testing.T) {
		e := openSQLite(t)
		at := func(id, path string) string {
			return `{"id":"` + id + `","text":"<p>ok</p>","user":{"name":"A"},"locator":{"url":"https://blog.example` + path + `"},"time":"2026-10-01T10:00:00Z"}`
		}
		longest := "/" + strings.Repeat("p", comment.MaxPathLength-1)
		rep := e.mustImport(t, remarkBackup(t, at("fits", longest), at("long", longest+"p")), importer.Options{})
		if rep.Added != 1 || rep.SkippedByReason[importer.ReasonBadPath] != 1 {
			t.Errorf("added %d, bad path %d; want 1, 1", rep.Added, rep.SkippedByReason[importer.ReasonBadPath])
		}
	})
	t.Run("long remark42 line is skipped", func(t *testing.T) {
		e := openSQLite(t)
		long := `{"id":"big","text":"` + strings.Repeat("x", 100<<10) + `","user":{"name":"A"},"locator":{"url":"https://blog.example/r/"},"time":"2026-10-01T10:00:00Z"}`
		rep := e.mustImport(t, remarkBackup(t, long, `{"id":"small","text":"<p>ok</p>","user":{"name":"A"},"locator":{"url":"https://blog.example/r/"},"time":"2026-10-01T10:00:00Z"}`),
			importer.Options{Limits: importer.Limits{MaxToken: 64 << 10}})
		if rep.Added != 1 || rep.SkippedByReason[importer.ReasonMalformed] != 1 {
			t.Errorf("added %d, malformed %d; want 1, 1", rep.Added, rep.SkippedByReason[importer.ReasonMalformed])
		}
	})
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

func zipped(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	return buf.Bytes()
}

func TestCompressedInputs(t *testing.T) {
	wxr, err := os.ReadFile(fixtures + "wordpress-1.0.xml")
	if err != nil {
		t.Fatal(err)
	}
	commento, err := os.ReadFile(fixtures + "commento.json")
	if err != nil {
		t.Fatal(err)
	}
	// WordPress.com splits large exports into several files in one zip.
	part1 := wxrDoc(wxrItem("5", "https://blog.example/five/", wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "first part")))
	part2 := wxrDoc(wxrItem("6", "https://blog.example/six/", wxrComment("2", "0", "1", "", "2026-10-21 10:00:00", "", "second part")))
	tests := []struct {
		name   string
		data   []byte
		format importer.Format
		added  int
	}{
		{"wxr.gz", gzipped(t, wxr), importer.WordPress, 4},
		{"wxr.zip", zipped(t, map[string][]byte{"blog.wordpress.2026-10-30.xml": wxr, "__MACOSX/._x.xml": []byte("junk")}), importer.WordPress, 4},
		{"wxr.zip of .gz", zipped(t, map[string][]byte{"export.xml.gz": gzipped(t, wxr)}), importer.WordPress, 4},
		{"split wxr.zip", zipped(t, map[string][]byte{"blog.000.xml": part1, "blog.001.xml": part2}), importer.WordPress, 2},
		{"commento.json.gz", gzipped(t, commento), importer.Commento, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := openSQLite(t)
			rep := e.mustImport(t, tt.data, importer.Options{})
			if rep.Format != tt.format || rep.Added != tt.added {
				t.Errorf("format %s, added %d; want %s, %d", rep.Format, rep.Added, tt.format, tt.added)
			}
		})
	}
}

func TestThreadKey(t *testing.T) {
	data, err := os.ReadFile(fixtures + "disqus.xml")
	if err != nil {
		t.Fatal(err)
	}
	e := openSQLite(t)
	rep := e.mustImport(t, data, importer.Options{ThreadKey: importer.ThreadByID})
	// t2 has no identifier: its address gives the page.
	for _, path := range []string{"/hello-post", "/closed/"} {
		if _, _, err := e.st.PageByPath(context.Background(), e.site.ID, path); err != nil {
			t.Errorf("page %s (from the Disqus identifier): %v", path, err)
		}
	}
	if rep.Notes["thread_id_missing"] != 1 {
		t.Errorf("thread_id_missing %d, want 1", rep.Notes["thread_id_missing"])
	}
	// A thread without an identifier falls back to its address; the query
	// and fragment of an address never make a page.
	e2 := openSQLite(t)
	rep = e2.mustImport(t, disqusDoc(disqusPost("1", "t2", "", "2026-10-01T10:00:00Z", "", "x")), importer.Options{ThreadKey: importer.ThreadByID})
	p, _, err := e2.st.PageByPath(context.Background(), e2.site.ID, "/two/")
	if err != nil || rep.Notes["thread_id_missing"] != 1 {
		t.Fatalf("page /two/: %v (thread_id_missing %d)", err, rep.Notes["thread_id_missing"])
	}
	if !p.Locked {
		t.Error("a closed Disqus thread did not lock its page")
	}
}

func TestEncodings(t *testing.T) {
	latin1 := []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>` + string(wxrDoc(wxrItem("5", "https://blog.example/five/",
		wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "caf\xe9 cr\xe8me"))))[len(`<?xml version="1.0" encoding="UTF-8" ?>`):])
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"declared latin-1", latin1, "café crème"},
		{"stray latin-1 in utf-8", wxrDoc(wxrItem("5", "https://blog.example/five/", wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "caf\xe9 \x93quoted\x94"))), "café “quoted”"},
		{"control characters", wxrDoc(wxrItem("5", "https://blog.example/five/", wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "form\x0cfeed\x1b"))), "formfeed"},
		{"byte order mark", append([]byte{0xEF, 0xBB, 0xBF}, wxrDoc(wxrItem("5", "https://blog.example/five/", wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "bom")))...), "bom"},
		{"html entity", wxrDoc(strings.Replace(wxrItem("5", "https://blog.example/five/", wxrComment("1", "0", "1", "", "2026-10-21 10:00:00", "", "x")), "<title>Post 5</title>", "<title>Caf&eacute;&nbsp;5</title>", 1)), "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := openSQLite(t)
			e.mustImport(t, tt.data, importer.Options{})
			if c := e.comments(t)["5#1"]; c == nil || c.Text != tt.want {
				t.Errorf("text %v, want %q", c, tt.want)
			}
		})
	}
}

func TestFormatDetection(t *testing.T) {
	tests := []struct {
		head string
		want importer.Format
	}{
		{`<?xml version="1.0"?><disqus xmlns="http://disqus.com">`, importer.Disqus},
		{"\xef\xbb\xbf  <rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.1/\">", importer.WordPress},
		{`{"version": 1, "comments": [`, importer.Commento},
		{`{"version":3,"pages":[{"id":"x"}],"comments":[]}`, importer.Comentario},
		{`{"version":3,"comments":[]}`, importer.Comentario},
		{`{"version":1,"users":[],"posts":[]}` + "\n" + `{"id":"1"}`, importer.Remark42},
		{`{"format":"parley-export","version":1}`, importer.Parley},
		{"SQLite format 3\x00rest", importer.Isso},
		{`{"something":"else"}`, ""},
		{`<html><body>`, ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := importer.Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%.40q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestWrongOrUnknownFormat(t *testing.T) {
	e := openSQLite(t)
	data, _ := os.ReadFile(fixtures + "commento.json")
	if _, err := e.importBytes(t, data, importer.Options{Format: importer.Disqus}); err == nil || !strings.Contains(err.Error(), "looks like a commento export") {
		t.Errorf("commento file imported as disqus: %v", err)
	}
	if _, err := e.importBytes(t, []byte("just some text"), importer.Options{}); err == nil || !strings.Contains(err.Error(), "cannot tell the format") {
		t.Errorf("unknown file: %v", err)
	}
	if _, err := e.importBytes(t, []byte(`<disqus><post>`), importer.Options{}); err == nil {
		t.Error("a truncated export imported without error")
	}
}

// TestHugeJSONValueStops: a JSON value over Limits.MaxToken (32 MiB by
// default) stops the import with an error naming the comment, even when
// the decoder would read all of it at once; the comments before it stay,
// a text over the text limit cut and counted.
func TestHugeJSONValueStops(t *testing.T) {
	e := openSQLite(t)
	comment := func(id int, text string) string {
		return fmt.Sprintf(`{"id":%d,"pageId":1,"parentId":null,"author":{"name":"A"},"text":%q,"status":"approved","createdAt":"2026-10-01T10:00:00Z"}`, id, text)
	}
	// Comment 8 is just over the limit: encoding/json's doubled buffer
	// once took all of it in one read, past the guard.
	doc := `{"format":"parley-export","version":1,"site":{"host":"old.example"},"pages":[{"id":1,"path":"/p"}],"comments":[` +
		comment(7, strings.Repeat("x", 100<<10)) + ",\n" + comment(8, strings.Repeat("y", 5<<18)) + "]}"
	rep, err := e.importBytes(t, []byte(doc), importer.Options{BatchSize: 1, Limits: importer.Limits{MaxToken: 1 << 20}})
	if !errors.Is(err, importer.ErrTooLarge) || !strings.Contains(err.Error(), "comment #2 (the one after comment id 7)") || rep.Complete {
		t.Fatalf("import returned %v (complete %v), want ErrTooLarge naming comment #2", err, rep.Complete)
	}
	got := e.comments(t)
	if c := got["old.example#7"]; len(got) != 1 || c == nil || len(c.Text) != 64<<10 || rep.Notes["text_truncated"] != 1 {
		t.Errorf("stored %v, truncated %d; want comment 7 cut to 64 KiB", keys(got), rep.Notes["text_truncated"])
	}
}
