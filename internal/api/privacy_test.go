package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// browser follows mailed links over HTTP, against a real server of the env.
type browser struct {
	t   *testing.T
	srv *httptest.Server
}

func newBrowser(t *testing.T, e *env) *browser {
	srv := httptest.NewServer(e.handler)
	t.Cleanup(srv.Close)
	return &browser{t: t, srv: srv}
}

type page struct {
	status int
	header http.Header
	body   string
}

// get opens a link mailed with the public URL, on the test server.
func (b *browser) get(link string) page {
	b.t.Helper()
	if !strings.HasPrefix(link, publicURL+"/") {
		b.t.Fatalf("link %s is not on the public URL %s", link, publicURL)
	}
	res, err := http.Get(b.srv.URL + strings.TrimPrefix(link, publicURL))
	return b.read(res, err)
}

// submit posts a form to a path of the server.
func (b *browser) submit(path string, form url.Values) page {
	b.t.Helper()
	res, err := http.PostForm(b.srv.URL+path, form)
	return b.read(res, err)
}

func (b *browser) read(res *http.Response, err error) page {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, header: res.Header, body: string(body)}
}

// tokenOf returns the token a mailed link carries.
func tokenOf(t *testing.T, link string) string {
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

// askLink makes a privacy request through the API and returns the link
// mailed for it.
func askLink(t *testing.T, e *env, box *mailbox, email, action string) string {
	t.Helper()
	r := e.do(req{method: "POST", path: "/api/v1/privacy/request", body: map[string]any{"email": email, "action": action, "site": "blog.example"}})
	if r.status != http.StatusAccepted {
		t.Fatalf("privacy request: %d %s", r.status, r.raw)
	}
	return link(t, box.next(email))
}

func TestGuestExportAndEraseByMailedLink(t *testing.T) {
	const gwen, ip = "gwen@example.com", "198.51.100.7"
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		box, b := newMailbox(e), newBrowser(t, e)
		other := &model.Site{Host: "other.example", Settings: model.DefaultSiteSettings()}
		if err := e.store.CreateSite(ctx, other); err != nil {
			t.Fatal(err)
		}
		author := map[string]any{"name": "Gwen", "email": "Gwen@Example.com", "website": "https://gwen.example"}
		first := e.do(req{method: "POST", path: "/api/v1/comments", ip: ip, body: newComment("gwen's first words", author)})
		elsewhere := &model.Comment{SiteID: other.ID, GuestName: "Gwen", GuestEmail: gwen, Text: "on another site", HTML: "<p>on another site</p>",
			Status: model.StatusApproved, IP: ip, UserAgent: "test-agent"}
		if err := e.store.CreateComment(ctx, elsewhere, store.NewComment{Path: "/elsewhere"}); err != nil {
			t.Fatal(err)
		}
		reply := e.do(req{method: "POST", path: "/api/v1/comments", body: map[string]any{"site": "blog.example", "path": "/post",
			"parentId": first.num("comment.id"), "text": "a reply by someone else", "author": map[string]any{"name": "Ray"}}})
		if first.status != 201 || reply.status != 201 {
			t.Fatalf("comments: %s %s", first.raw, reply.raw)
		}

		// Export: the link's page changes nothing; its button downloads.
		exportLink := askLink(t, e, box, gwen, "export")
		p := b.get(exportLink)
		if p.status != 200 || !strings.Contains(p.header.Get("Content-Security-Policy"), "default-src 'none'") ||
			!strings.Contains(p.body, `name="token" value="`+tokenOf(t, exportLink)+`"`) {
			t.Fatalf("export page: %d %v\n%s", p.status, p.header, p.body)
		}
		p = b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, exportLink)}})
		if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment") || p.header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("export: %d %v\n%s", p.status, p.header, p.body)
		}
		var doc struct {
			Format   string `json:"format"`
			Account  any    `json:"account"`
			Comments []struct {
				Site, Path, Text, Email, Name, Website, IP, UserAgent string
			} `json:"comments"`
		}
		if err := json.Unmarshal([]byte(p.body), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Format != api.ExportFormat || doc.Account != nil || len(doc.Comments) != 2 {
			t.Fatalf("export document: %s", p.body)
		}
		want := [][2]string{{"blog.example", "gwen's first words"}, {"other.example", "on another site"}}
		for i, c := range doc.Comments {
			if c.Site != want[i][0] || c.Text != want[i][1] || !strings.EqualFold(c.Email, gwen) || c.Name != "Gwen" || c.IP != ip || c.UserAgent != "test-agent" {
				t.Errorf("exported comment %d: %+v", i, c)
			}
		}
		if again := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, exportLink)}}); again.status != http.StatusGone {
			t.Errorf("export link used twice: %d", again.status)
		}

		// Erase, deleting: the comment with a reply stays as a placeholder.
		eraseLink := askLink(t, e, box, gwen, "erase")
		if len(e.traces(gwen, ip)) < 5 { // the comments' emails, indexes and IPs, the request
			t.Fatalf("sanity check failed: before erasure the scan finds only %v", e.traces(gwen, ip))
		}
		if p := b.get(eraseLink); p.status != 200 || !strings.Contains(p.body, `value="anonymize"`) {
			t.Fatalf("erase page: %d\n%s", p.status, p.body)
		}
		if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, eraseLink)}}); p.status != 400 {
			t.Errorf("erase without a choice: %d\n%s", p.status, p.body)
		}
		if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, eraseLink)}, "comments": {"delete"}}); p.status != 200 {
			t.Fatalf("erase: %d\n%s", p.status, p.body)
		}
		th := e.thread("path=/post")
		if th.get("comments.0.deleted") != true || th.str("comments.1.author.name") != "Ray" {
			t.Errorf("thread after erasure: %s", th.raw)
		}
		e.assertNoTrace(t, gwen, ip)
		if again := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, eraseLink)}, "comments": {"delete"}}); again.status != http.StatusGone {
			t.Errorf("erase link used twice: %d", again.status)
		}
	})
}

func TestPrivacyLinkExpires(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		box, b := newMailbox(e), newBrowser(t, e)
		l := askLink(t, e, box, "late@example.com", "verify")
		e.now = e.now.Add(api.PrivacyLinkLifetime)
		if p := b.get(l); p.status != http.StatusGone {
			t.Errorf("expired link page: %d", p.status)
		}
		if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, l)}}); p.status != http.StatusGone {
			t.Errorf("expired link used: %d", p.status)
		}
		if ok, _ := e.store.GuestVerified(context.Background(), "late@example.com"); ok {
			t.Error("an expired link verified the guest")
		}
		// The next request deletes the expired one.
		fresh := askLink(t, e, box, "late@example.com", "verify")
		var n int
		if err := e.raw().QueryRow("SELECT COUNT(*) FROM privacy_requests").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d privacy requests stored, want only the fresh one (%v)", n, err)
		}
		if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, fresh)}}); p.status != 200 {
			t.Errorf("fresh link: %d", p.status)
		}
	})
}

func TestPrivacyRequestTellsNothing(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.post("/post", 0, "ann wrote this") // ann@example.com has written
		var bodies [][]byte
		for _, email := range []string{"ann@example.com", "nobody@example.com"} {
			r := e.do(req{method: "POST", path: "/api/v1/privacy/request", body: map[string]any{"email": email, "action": "erase"}})
			if r.status != http.StatusAccepted {
				t.Fatalf("%s: %d %s", email, r.status, r.raw)
			}
			bodies = append(bodies, r.raw)
		}
		if !bytes.Equal(bodies[0], bodies[1]) {
			t.Errorf("answers differ:\n%s\n%s", bodies[0], bodies[1])
		}
		if r := e.do(req{method: "POST", path: "/api/v1/privacy/request", origin: "https://evil.example",
			body: map[string]any{"email": "ann@example.com", "action": "erase"}}); r.status != 403 {
			t.Errorf("from a foreign origin: %d %s", r.status, r.raw)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"email": "not an address", "action": "export"}, "email"},
			{map[string]any{"email": "ann@example.com", "action": "delete-everyone"}, "action"},
		} {
			if r := e.do(req{method: "POST", path: "/api/v1/privacy/request", body: c.body}); r.status != 400 || r.str("error.field") != c.field {
				t.Errorf("%v: %d %s", c.body, r.status, r.raw)
			}
		}
	})
}

func TestPrivacyRequestLimits(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	db := e.raw()
	mails := func() int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM outbox").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ask := func(email, ip string) *resp {
		return e.do(req{method: "POST", path: "/api/v1/privacy/request", ip: ip, body: map[string]any{"email": email, "action": "export"}})
	}
	// One address, asked for from many networks: mails stop, answers do not change.
	for i := range api.PrivacyMailBurst + 2 {
		if r := ask("target@example.com", "203.0.113."+string(rune('1'+i))); r.status != http.StatusAccepted {
			t.Fatalf("request %d: %d %s", i, r.status, r.raw)
		}
	}
	if n := mails(); n != api.PrivacyMailBurst {
		t.Errorf("%d mails to one address, want %d", n, api.PrivacyMailBurst)
	}
	// One network, many addresses: 429 past the burst.
	for i := range api.PrivacyRequestBurst {
		if r := ask("someone"+string(rune('a'+i))+"@example.com", "198.51.100.9"); r.status != http.StatusAccepted {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	if r := ask("one.more@example.com", "198.51.100.9"); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("past the network's burst: %d %s", r.status, r.raw)
	}
}

// TestPrivacyPageAsksForALink: the /privacy form, without the widget.
func TestPrivacyPageAsksForALink(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	box, b := newMailbox(e), newBrowser(t, e)
	p := b.get(publicURL + "/privacy?site=blog.example")
	if p.status != 200 || !strings.Contains(p.body, `<form method="post" action="/privacy">`) || p.header.Get("Content-Security-Policy") == "" {
		t.Fatalf("form: %d\n%s", p.status, p.body)
	}
	if p := b.submit("/privacy", url.Values{"email": {"nope"}, "action": {"export"}}); p.status != 400 || !strings.Contains(p.body, "not a valid email address") {
		t.Errorf("bad email: %d\n%s", p.status, p.body)
	}
	if p := b.submit("/privacy", url.Values{"email": {"page@example.com"}, "action": {"verify"}, "site": {"blog.example"}}); p.status != 200 {
		t.Fatalf("submit: %d\n%s", p.status, p.body)
	}
	text := box.next("page@example.com")
	if !strings.Contains(text, "blog.example") {
		t.Errorf("the mail does not name the site:\n%s", text)
	}
	if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, link(t, text))}}); p.status != 200 {
		t.Fatalf("verify: %d\n%s", p.status, p.body)
	}
	if ok, err := e.store.GuestVerified(context.Background(), "PAGE@example.com"); !ok || err != nil {
		t.Errorf("not verified: %v %v", ok, err)
	}
}
