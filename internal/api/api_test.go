package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newComment(text string, author map[string]any) map[string]any {
	return map[string]any{"site": "blog.example", "path": "/post", "text": text, "author": author}
}

func TestCreateValidation(t *testing.T) {
	ann := map[string]any{"name": "Ann"}
	cases := []struct {
		name   string
		req    req
		status int
		code   string
		field  string
	}{
		{"empty text", req{body: newComment("", ann)}, 400, "invalid_field", "text"},
		{"only control characters", req{body: newComment("\x00\x01\u0085", ann)}, 400, "invalid_field", "text"},
		{"whitespace text", req{body: newComment(" \n\t ", ann)}, 400, "invalid_field", "text"},
		{"text over site maximum", req{body: newComment(strings.Repeat("é", 101), ann)}, 400, "invalid_field", "text"},
		{"name missing", req{body: newComment("hi", map[string]any{"name": "  "})}, 400, "invalid_field", "author.name"},
		{"name too long", req{body: newComment("hi", map[string]any{"name": strings.Repeat("n", 101)})}, 400, "invalid_field", "author.name"},
		{"email malformed", req{body: newComment("hi", map[string]any{"name": "A", "email": "not-an-email"})}, 400, "invalid_field", "author.email"},
		{"email with display name", req{body: newComment("hi", map[string]any{"name": "A", "email": "A <a@example.com>"})}, 400, "invalid_field", "author.email"},
		{"website not http", req{body: newComment("hi", map[string]any{"name": "A", "website": "javascript:alert(1)"})}, 400, "invalid_field", "author.website"},
		{"website ftp", req{body: newComment("hi", map[string]any{"name": "A", "website": "ftp://x.example"})}, 400, "invalid_field", "author.website"},
		{"path missing", req{body: map[string]any{"site": "blog.example", "text": "hi", "author": ann}}, 400, "invalid_field", "path"},
		{"path relative", req{body: map[string]any{"site": "blog.example", "path": "post", "text": "hi", "author": ann}}, 400, "invalid_field", "path"},
		{"parent unknown", req{body: map[string]any{"site": "blog.example", "path": "/post", "parentId": 9999, "text": "hi", "author": ann}}, 400, "invalid_field", "parentId"},
		{"parentId wrong type", req{body: `{"site":"blog.example","path":"/post","parentId":"x","text":"hi","author":{"name":"A"}}`}, 400, "invalid_field", "parentId"},
		{"unknown field", req{body: `{"site":"blog.example","path":"/post","text":"hi","author":{"name":"A"},"admin":true}`}, 400, "invalid_field", "admin"},
		{"not json", req{body: `{"site":`}, 400, "invalid_json", ""},
		{"trailing data", req{body: `{"site":"blog.example"} {}`}, 400, "invalid_json", ""},
		{"body too large", req{body: `{"text":"` + strings.Repeat("a", 70<<10) + `"}`}, 413, "body_too_large", ""},
		{"site missing", req{body: map[string]any{"path": "/post", "text": "hi", "author": ann}}, 400, "invalid_field", "site"},
		{"site unknown", req{body: map[string]any{"site": "other.example", "path": "/post", "text": "hi", "author": ann}}, 404, "site_not_found", "site"},
		{"foreign origin", req{body: newComment("hi", ann), origin: "https://evil.example"}, 403, "origin_not_allowed", ""},
		{"no origin", req{body: newComment("hi", ann), origin: "-"}, 403, "origin_not_allowed", ""},
	}
	eachDB(t, options{settings: func(s *model.SiteSettings) { s.MaxLength = 100 }}, func(t *testing.T, e *env) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.req.method, c.req.path = "POST", "/api/v1/comments"
				r := e.do(c.req)
				if r.status != c.status || r.str("error.code") != c.code || r.str("error.field") != c.field {
					t.Errorf("got %d %s", r.status, r.raw)
				}
			})
		}
		// A parent from another page is refused too.
		other, _ := e.post("/other", 0, "on another page")
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: map[string]any{"site": "blog.example", "path": "/post", "parentId": other, "text": "hi", "author": ann}})
		if r.status != 400 || r.str("error.field") != "parentId" {
			t.Errorf("parent from another page: %d %s", r.status, r.raw)
		}
		// Nothing was stored by any refused request.
		if got := e.thread("path=/post"); len(got.get("comments").([]any)) != 0 {
			t.Errorf("refused requests stored comments: %s", got.raw)
		}
	})
}

func TestLockedPageRefusesComments(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, _ := e.post("/post", 0, "first")
		c, _ := e.store.Comment(context.Background(), id)
		if err := e.store.SetPageLocked(context.Background(), c.PageID, true); err != nil {
			t.Fatal(err)
		}
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("late", map[string]any{"name": "A"})})
		if r.status != 403 || r.str("error.code") != "page_locked" {
			t.Errorf("locked page: %d %s", r.status, r.raw)
		}
		if th := e.thread("path=/post"); th.get("page.locked") != true {
			t.Errorf("thread does not say locked: %s", th.raw)
		}
	})
}

func TestControlCharactersAreDroppedNotFatal(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: map[string]any{
			"site": "blog.example", "path": "/post", "title": "T\x00itle", "text": "a\x00b\r\nc\x07",
			"author": map[string]any{"name": "A\x00nn", "email": "ann@example.com"}}})
		if r.status != 201 || r.str("comment.text") != "ab\nc" || r.str("comment.author.name") != "A nn" {
			t.Errorf("create with control characters: %d %s", r.status, r.raw)
		}
		for _, q := range []string{"path=/p%00", "path=/post&sort=%00"} {
			if th := e.thread(q); th.status != 400 {
				t.Errorf("%s: %d %s", q, th.status, th.raw)
			}
		}
	})
}

func TestPostReplyAndReadThread(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: map[string]any{
			"site": "blog.example", "path": "/post", "title": "My post", "text": "Hello *world* <script>alert(1)</script>",
			"author": map[string]any{"name": "  Ann   Lee ", "email": "ann@example.com", "website": "https://ann.example"}}})
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		if r.str("comment.status") != "approved" || r.str("editToken") == "" || r.str("comment.author.name") != "Ann Lee" {
			t.Errorf("create response: %s", r.raw)
		}
		if until, _ := time.Parse(time.RFC3339, r.str("editableUntil")); !until.Equal(e.now.Add(15 * time.Minute)) {
			t.Errorf("editableUntil = %s, want now+15m", r.str("editableUntil"))
		}
		if r.header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("CORS origin = %q", r.header.Get("Access-Control-Allow-Origin"))
		}
		root := r.num("comment.id")
		reply, _ := e.post("/post", root, "a reply")
		th := e.thread("path=/post")
		if th.status != 200 || th.num("page.commentCount") != 2 || th.str("page.title") != "My post" {
			t.Fatalf("thread: %d %s", th.status, th.raw)
		}
		if th.num("comments.0.id") != root || th.num("comments.1.id") != reply || th.num("comments.1.parentId") != root || th.get("comments.0.parentId") != nil {
			t.Errorf("thread tree wrong: %s", th.raw)
		}
		html := th.str("comments.0.html")
		if !strings.Contains(html, "<em>world</em>") || strings.Contains(html, "<script") {
			t.Errorf("html not rendered and sanitized: %q", html)
		}
		for _, leak := range []string{"ann@example.com", "192.0.2.1", "test-agent", "editToken"} {
			if strings.Contains(string(th.raw), leak) {
				t.Errorf("thread leaks %q: %s", leak, th.raw)
			}
		}
		if th.get("settings.maxLength") != float64(10000) || th.get("settings.editWindowSeconds") != float64(900) {
			t.Errorf("settings: %s", th.raw)
		}
	})
}

func TestThreadRequestErrors(t *testing.T) {
	cases := []struct {
		query  string
		status int
		field  string
	}{
		{"site=nope.example&path=/", 404, "site"},
		{"path=/", 400, "site"},
		{"site=blog.example", 400, "path"},
		{"site=blog.example&path=/&sort=random", 400, "sort"},
		{"site=blog.example&path=/&limit=0", 400, "limit"},
		{"site=blog.example&path=/&limit=abc", 400, "limit"},
		{"site=blog.example&path=/&cursor=bad-cursor", 400, "cursor"},
	}
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.post("/", 0, "x")
		for _, c := range cases {
			r := e.do(req{method: "GET", path: "/api/v1/thread?" + c.query})
			if r.status != c.status || r.str("error.field") != c.field {
				t.Errorf("%s: %d %s", c.query, r.status, r.raw)
			}
		}
		if r := e.do(req{method: "GET", path: "/api/v1/nothing"}); r.status != 404 || r.str("error.code") != "not_found" {
			t.Errorf("unknown route: %d %s", r.status, r.raw)
		}
	})
}

func TestThreadPaginationAndSort(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		var ids []int64
		for i := range 5 {
			id, _ := e.post("/big", 0, fmt.Sprintf("comment %d", i))
			ids = append(ids, id)
			e.now = e.now.Add(time.Second)
		}
		var seen []int64
		query := "path=/big&sort=newest&limit=2"
		for page := 0; ; page++ {
			th := e.thread(query)
			for _, c := range th.get("comments").([]any) {
				seen = append(seen, int64(c.(map[string]any)["id"].(float64)))
			}
			next, _ := th.get("nextCursor").(string)
			if next == "" || page > 5 {
				break
			}
			query = "path=/big&sort=newest&limit=2&cursor=" + next
		}
		want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("newest pages = %v, want %v", seen, want)
		}
	})
}

func TestETagAndNotModified(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.post("/post", 0, "x")
		first := e.thread("path=/post")
		etag := first.header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
			t.Fatalf("want a strong ETag, got %q", etag)
		}
		again := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"If-None-Match": etag}})
		if again.status != http.StatusNotModified || len(again.raw) != 0 {
			t.Errorf("matching If-None-Match: %d %q", again.status, again.raw)
		}
		e.post("/post", 0, "y")
		changed := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"If-None-Match": etag}})
		if changed.status != 200 || changed.header.Get("ETag") == etag {
			t.Errorf("after a new comment: %d etag %q", changed.status, changed.header.Get("ETag"))
		}
	})
}

func TestEditAndDeleteWithinWindow(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, token := e.post("/post", 0, "original")
		path := "/api/v1/comments/" + strconv.FormatInt(id, 10)
		tok := map[string]string{"X-Parley-Edit-Token": token}
		steps := []struct {
			name   string
			req    req
			status int
			code   string
		}{
			{"no token", req{method: "PATCH", path: path, body: map[string]any{"text": "x"}}, 404, "comment_not_found"},
			{"wrong token", req{method: "PATCH", path: path, body: map[string]any{"text": "x"}, headers: map[string]string{"X-Parley-Edit-Token": "nope"}}, 404, "comment_not_found"},
			{"foreign origin", req{method: "PATCH", path: path, body: map[string]any{"text": "x"}, headers: tok, origin: "https://evil.example"}, 403, "origin_not_allowed"},
			{"empty text", req{method: "PATCH", path: path, body: map[string]any{"text": " "}, headers: tok}, 400, "invalid_field"},
			{"edit", req{method: "PATCH", path: path, body: map[string]any{"text": "**edited**"}, headers: tok}, 200, ""},
			{"unknown comment", req{method: "PATCH", path: "/api/v1/comments/999999", body: map[string]any{"text": "x"}, headers: tok}, 404, "comment_not_found"},
			{"bad id", req{method: "DELETE", path: "/api/v1/comments/abc", headers: tok}, 404, "comment_not_found"},
		}
		for _, s := range steps {
			r := e.do(s.req)
			if r.status != s.status || r.str("error.code") != s.code {
				t.Errorf("%s: %d %s", s.name, r.status, r.raw)
			}
			if s.name == "edit" && (r.get("comment.editedAt") == nil || !strings.Contains(r.str("comment.html"), "<strong>edited</strong>")) {
				t.Errorf("edit response: %s", r.raw)
			}
		}
		if th := e.thread("path=/post"); !strings.Contains(th.str("comments.0.html"), "edited") || th.get("comments.0.editedAt") == nil {
			t.Errorf("thread after edit: %s", th.raw)
		}
		if r := e.do(req{method: "DELETE", path: path, headers: tok}); r.status != 204 {
			t.Errorf("delete: %d %s", r.status, r.raw)
		}
		if th := e.thread("path=/post"); len(th.get("comments").([]any)) != 0 || th.num("page.commentCount") != 0 {
			t.Errorf("deleted comment without replies still shown: %s", th.raw)
		}

		// A deleted comment with a reply stays as a placeholder without text or author.
		parent, ptoken := e.post("/post", 0, "parent")
		e.post("/post", parent, "child")
		if r := e.do(req{method: "DELETE", path: "/api/v1/comments/" + strconv.FormatInt(parent, 10), headers: map[string]string{"X-Parley-Edit-Token": ptoken}}); r.status != 204 {
			t.Fatalf("delete parent: %d %s", r.status, r.raw)
		}
		th := e.thread("path=/post")
		if th.get("comments.0.deleted") != true || th.get("comments.0.author") != nil || th.str("comments.0.html") != "" || th.str("comments.1.html") != "<p>child</p>" {
			t.Errorf("placeholder: %s", th.raw)
		}

		// After the window, the token no longer works.
		late, ltoken := e.post("/post", 0, "late")
		e.now = e.now.Add(15*time.Minute + time.Second)
		r := e.do(req{method: "PATCH", path: "/api/v1/comments/" + strconv.FormatInt(late, 10), body: map[string]any{"text": "x"}, headers: map[string]string{"X-Parley-Edit-Token": ltoken}})
		if r.status != 403 || r.str("error.code") != "edit_window_closed" {
			t.Errorf("edit after window: %d %s", r.status, r.raw)
		}
		r = e.do(req{method: "DELETE", path: "/api/v1/comments/" + strconv.FormatInt(late, 10), headers: map[string]string{"X-Parley-Edit-Token": ltoken}})
		if r.status != 403 || r.str("error.code") != "edit_window_closed" {
			t.Errorf("delete after window: %d %s", r.status, r.raw)
		}
	})
}

func TestVoting(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, _ := e.post("/post", 0, "vote on me")
		path := "/api/v1/comments/" + strconv.FormatInt(id, 10) + "/vote"
		steps := []struct {
			ip, ua      string
			body        any
			status      int
			score, mine int64
		}{
			{"192.0.2.1", "a", map[string]any{"value": 1}, 200, 1, 1},
			{"192.0.2.1", "a", map[string]any{"value": 1}, 200, 1, 1},   // voting twice counts once
			{"192.0.2.2", "a", map[string]any{"value": 1}, 200, 2, 1},   // another voter
			{"192.0.2.1", "a", map[string]any{"value": -1}, 200, 0, -1}, // changed
			{"192.0.2.1", "a", map[string]any{"value": 0}, 200, 1, 0},   // withdrawn
			{"192.0.2.1", "a", map[string]any{"value": 2}, 400, 0, 0},
			{"192.0.2.1", "a", map[string]any{}, 400, 0, 0},
		}
		for i, s := range steps {
			r := e.do(req{method: "POST", path: path, body: s.body, ip: s.ip, headers: map[string]string{"User-Agent": s.ua}})
			if r.status != s.status || (s.status == 200 && (r.num("score") != s.score || r.num("myVote") != s.mine)) {
				t.Errorf("step %d: %d %s", i, r.status, r.raw)
			}
			if s.status == 400 && r.str("error.field") != "value" {
				t.Errorf("step %d: error should name value: %s", i, r.raw)
			}
		}
		th := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", ip: "192.0.2.2", headers: map[string]string{"User-Agent": "a"}})
		if th.num("comments.0.score") != 1 || th.num("myVotes."+strconv.FormatInt(id, 10)) != 1 {
			t.Errorf("thread votes: %s", th.raw)
		}
		if r := e.do(req{method: "POST", path: "/api/v1/comments/99999/vote", body: map[string]any{"value": 1}}); r.status != 404 {
			t.Errorf("vote on missing comment: %d", r.status)
		}
		if r := e.do(req{method: "POST", path: path, body: map[string]any{"value": 1}, origin: "https://evil.example"}); r.status != 403 {
			t.Errorf("vote from foreign origin: %d", r.status)
		}
	})
}

func TestCountsAndPreview(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.post("/a", 0, "1")
		e.post("/a", 0, "2")
		e.post("/b", 0, "3")
		r := e.do(req{method: "GET", path: "/api/v1/counts?site=blog.example&path=/a&path=/b&path=/c"})
		if r.status != 200 || r.num("counts./a") != 2 || r.num("counts./b") != 1 || r.get("counts./c") != float64(0) {
			t.Errorf("counts: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/counts?site=blog.example"}); r.status != 400 || r.str("error.field") != "path" {
			t.Errorf("counts without path: %d %s", r.status, r.raw)
		}
		p := e.do(req{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog.example", "text": "[x](javascript:alert(1)) **b**"}})
		if p.status != 200 || strings.Contains(p.str("html"), "javascript:") || !strings.Contains(p.str("html"), "<strong>b</strong>") {
			t.Errorf("preview: %d %s", p.status, p.raw)
		}
		if p := e.do(req{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog.example", "text": ""}}); p.status != 400 || p.str("error.field") != "text" {
			t.Errorf("empty preview: %d %s", p.status, p.raw)
		}
	})
}

func TestCORS(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		for _, c := range []struct {
			origin, want string
		}{
			{origin, origin},
			{"http://blog.example", "http://blog.example"},
			{"http://localhost:4000", "http://localhost:4000"},
			{"https://evil.example", ""},
		} {
			r := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/", origin: c.origin})
			wantRead := c.want
			if c.want == "" { // another site's page gets a refusal it can read, never the thread
				wantRead = c.origin
				if r.status != 403 || r.str("error.code") != "origin_not_allowed" || r.get("comments") != nil {
					t.Errorf("thread from %s: %d %s", c.origin, r.status, r.raw)
				}
			}
			if got := r.header.Get("Access-Control-Allow-Origin"); got != wantRead {
				t.Errorf("thread from %s: ACAO %q, want %q", c.origin, got, wantRead)
			}
			pre := e.do(req{method: "OPTIONS", path: "/api/v1/comments", origin: c.origin, headers: map[string]string{"Access-Control-Request-Method": "POST"}})
			if got := pre.header.Get("Access-Control-Allow-Origin"); got != c.want || pre.status != 204 {
				t.Errorf("preflight from %s: %d ACAO %q, want %q", c.origin, pre.status, got, c.want)
			}
			if c.want != "" && !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "X-Parley-Edit-Token") {
				t.Errorf("preflight does not allow the edit token header")
			}
		}
	})
}

func TestRateLimit(t *testing.T) {
	eachDB(t, options{writeRate: 6, burst: 3}, func(t *testing.T, e *env) {
		for i := range 3 {
			if r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment(fmt.Sprint("c", i), map[string]any{"name": "A"})}); r.status != 201 {
				t.Fatalf("write %d within burst: %d %s", i, r.status, r.raw)
			}
		}
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("one too many", map[string]any{"name": "A"})})
		if r.status != 429 || r.str("error.code") != "rate_limited" {
			t.Fatalf("over the limit: %d %s", r.status, r.raw)
		}
		if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra < 1 || ra > 10 {
			t.Errorf("Retry-After = %q, want 1..10 seconds at 6/minute", r.header.Get("Retry-After"))
		}
		if r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("other ip", map[string]any{"name": "A"}), ip: "198.51.100.7"}); r.status != 201 {
			t.Errorf("another IP is limited too: %d", r.status)
		}
		if r := e.thread("path=/post"); r.status != 200 {
			t.Errorf("reads must not be limited: %d", r.status)
		}
		e.now = e.now.Add(10 * time.Second)
		if r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("later", map[string]any{"name": "A"})}); r.status != 201 {
			t.Errorf("after waiting: %d %s", r.status, r.raw)
		}
	})
}

func TestModeration(t *testing.T) {
	ann := map[string]any{"name": "Ann", "email": "ann@example.com"}
	t.Run("all", func(t *testing.T) {
		eachDB(t, options{settings: func(s *model.SiteSettings) { s.Moderation = model.ModerationAll }}, func(t *testing.T, e *env) {
			r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("held", ann)})
			if r.status != 201 || r.str("comment.status") != "pending" {
				t.Errorf("create: %d %s", r.status, r.raw)
			}
			if th := e.thread("path=/post"); len(th.get("comments").([]any)) != 0 || th.num("page.commentCount") != 0 {
				t.Errorf("pending comment is public: %s", th.raw)
			}
		})
	})
	// "first" (P12) is in TestModerationFirstTrustsOnlyProvenCommenters.
}

func TestViewsAreCountedPerDayWithoutVisitorData(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		for range 3 {
			e.thread("path=/read")
		}
		e.thread("path=/read&cursor=") // still the first page
		// A read with a valid session also counts as signed in; with a
		// token that is not one, it counts as any other.
		e.account("ada@example.com", "Ada")
		token := e.login("ada@example.com", false)
		for _, h := range []map[string]string{bearer(token), bearer(token), bearer("not-a-session")} {
			if r := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/read", headers: h}); r.status != 200 {
				t.Fatalf("signed-in read: %d %s", r.status, r.raw)
			}
		}
		if err := e.views.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.ViewsPerDay(context.Background(), store.AnalyticsRange{SiteID: e.site.ID, From: e.now, Days: 1})
		if want := []store.DayViews{{Views: 7, LoggedIn: 2}}; err != nil || !cmp.Equal(got, want) {
			t.Errorf("views = %v, %v; want %v on 2026-11-22", got, err, want)
		}
	})
}

func TestThreadCarriesRequestedLanguage(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	if th := e.thread("path=/&lang=de"); th.str("i18n.lang") != "de" || th.str("i18n.messages.reply") != "Antworten" {
		t.Errorf("lang=de: %s", th.raw)
	}
	if th := e.thread("path=/&lang=en"); th.get("i18n") != nil {
		t.Errorf("lang=en carries messages: %s", th.raw)
	}
}

func TestAnonymousAndRequiredEmail(t *testing.T) {
	eachDB(t, options{settings: func(s *model.SiteSettings) { s.AllowAnonymous = true; s.RequireEmail = true }}, func(t *testing.T, e *env) {
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hi", map[string]any{"name": ""})})
		if r.status != 400 || r.str("error.field") != "author.email" {
			t.Errorf("missing required email: %d %s", r.status, r.raw)
		}
		r = e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hi", map[string]any{"email": "x@example.com"})})
		if r.status != 201 || r.get("comment.author") == nil || r.str("comment.author.name") != "" {
			t.Errorf("anonymous comment: %d %s", r.status, r.raw)
		}
	})
}

func TestLogsCarryNoPersonalData(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	r := e.do(req{method: "POST", path: "/api/v1/comments", ip: "198.51.100.42", body: map[string]any{
		"site": "blog.example", "path": "/private-path", "text": "very secret comment text",
		"author": map[string]any{"name": "Ann", "email": "ann.secret@example.com"}}})
	if r.status != 201 {
		t.Fatal(r.status)
	}
	e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/private-path", ip: "198.51.100.42"})
	logs := e.logs.String()
	if !strings.Contains(logs, `route="POST /api/v1/comments"`) || !strings.Contains(logs, "status=201") {
		t.Fatalf("request log missing: %s", logs)
	}
	for _, secret := range []string{"ann.secret", "198.51.100.42", "very secret", "/private-path", r.str("editToken")} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q:\n%s", secret, logs)
		}
	}
}

func TestThreadCacheSeesWritesAndOwnVotes(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, _ := e.post("/post", 0, "cached")
		e.thread("path=/post") // fill the cache
		// A write by another process (here: straight to the store) shows up within the TTL.
		c, _ := e.store.Comment(context.Background(), id)
		if err := e.store.SetPageLocked(context.Background(), c.PageID, true); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(6 * time.Second)
		if th := e.thread("path=/post"); th.get("page.locked") != true {
			t.Errorf("out-of-process write not seen after the TTL: %s", th.raw)
		}
		// Each reader sees their own votes, not another's.
		vote := "/api/v1/comments/" + strconv.FormatInt(id, 10) + "/vote"
		e.do(req{method: "POST", path: vote, body: map[string]any{"value": -1}, ip: "192.0.2.50"})
		voter := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", ip: "192.0.2.50"})
		other := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", ip: "192.0.2.51"})
		key := "myVotes." + strconv.FormatInt(id, 10)
		if voter.num(key) != -1 || other.get(key) != nil || other.num("comments.0.score") != -1 {
			t.Errorf("voter sees %s\nother sees %s", voter.raw, other.raw)
		}
		if voter.header.Get("ETag") == other.header.Get("ETag") {
			t.Error("different bodies share an ETag")
		}
	})
}

func TestThreadIsGzippedWhenAsked(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	for i := range 30 {
		e.post("/post", 0, fmt.Sprintf("a comment long enough to be worth compressing, number %d", i))
	}
	plain := e.thread("path=/post")
	gz := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"Accept-Encoding": "gzip, br"}})
	if gz.header.Get("Content-Encoding") != "gzip" || len(gz.raw) >= len(plain.raw) {
		t.Fatalf("gzip: encoding %q, %d bytes vs %d plain", gz.header.Get("Content-Encoding"), len(gz.raw), len(plain.raw))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.raw))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, plain.raw) {
		t.Error("gzipped body differs from the plain one")
	}
	if gz.header.Get("ETag") == plain.header.Get("ETag") || !strings.Contains(strings.Join(gz.header.Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("representations must differ in ETag and vary: %q %q", gz.header.Get("ETag"), plain.header.Get("ETag"))
	}
	again := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.header.Get("ETag")}})
	if again.status != 304 {
		t.Errorf("revalidating the gzip variant: %d", again.status)
	}
	if refused := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"Accept-Encoding": "gzip;q=0"}}); refused.header.Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused with q=0")
	}
}
