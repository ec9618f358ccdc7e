package api_test

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOwnCommentGivesItsTextToTheTokenHolder: GET /api/v1/comments/{id} is how the widget gets a
// comment's markdown source to edit it without keeping the text in the browser. Only the edit
// token's holder, within the window, from the site's origin, gets it; it is never cached.
func TestOwnCommentGivesItsTextToTheTokenHolder(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		id, token := e.post("/post", 0, "my *own* words")
		path := "/api/v1/comments/" + strconv.FormatInt(id, 10)
		tok := map[string]string{"X-Parley-Edit-Token": token}
		r := e.do(req{method: "GET", path: path, headers: tok})
		if r.status != 200 || r.str("comment.text") != "my *own* words" || r.num("comment.id") != id {
			t.Fatalf("own comment: %d %s", r.status, r.raw)
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q: the source text must not be stored by caches", cc)
		}
		if strings.Contains(string(r.raw), "ann@example.com") {
			t.Errorf("own comment carries the email: %s", r.raw)
		}
		refused := []struct {
			name   string
			req    req
			status int
			code   string
		}{
			{"no token", req{method: "GET", path: path}, 404, "comment_not_found"},
			{"wrong token", req{method: "GET", path: path, headers: map[string]string{"X-Parley-Edit-Token": "nope"}}, 404, "comment_not_found"},
			{"foreign origin", req{method: "GET", path: path, headers: tok, origin: "https://evil.example"}, 403, "origin_not_allowed"},
			{"unknown comment", req{method: "GET", path: "/api/v1/comments/999999", headers: tok}, 404, "comment_not_found"},
		}
		for _, c := range refused {
			if r := e.do(c.req); r.status != c.status || r.str("error.code") != c.code || strings.Contains(string(r.raw), "words") {
				t.Errorf("%s: %d %s", c.name, r.status, r.raw)
			}
		}
		e.now = e.now.Add(15*time.Minute + time.Second)
		if r := e.do(req{method: "GET", path: path, headers: tok}); r.status != 403 || r.str("error.code") != "edit_window_closed" {
			t.Errorf("after the window: %d %s", r.status, r.raw)
		}
	})
}
