package api_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/model"
)

// sameAnswer reports how two responses differ in status, headers (but the
// request id) or body bytes, or "" if they do not.
func sameAnswer(a, b *resp) string {
	if a.status != b.status || !bytes.Equal(a.raw, b.raw) {
		return fmt.Sprintf("%d %s vs %d %s", a.status, a.raw, b.status, b.raw)
	}
	for _, h := range []http.Header{a.header, b.header} {
		for k := range h {
			if k != "X-Request-Id" && fmt.Sprint(a.header.Values(k)) != fmt.Sprint(b.header.Values(k)) {
				return fmt.Sprintf("header %s: %q vs %q", k, a.header.Values(k), b.header.Values(k))
			}
		}
	}
	return ""
}

// TestWritesDoNotRevealWhetherACommentExists: edit, delete and vote answer
// a missing id, a pending comment, a deleted one, another site's and one
// that is not the caller's (wrong or no edit token) byte for byte alike,
// from the site's own origin, from another site's and from an origin of
// no site.
func TestWritesDoNotRevealWhetherACommentExists(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := &model.Site{Host: "other.example", Settings: model.DefaultSiteSettings()}
		if err := e.store.CreateSite(ctx, other); err != nil {
			t.Fatal(err)
		}
		approved, _ := e.post("/post", 0, "approved")
		pending, _ := e.post("/post", 0, "pending")
		if err := e.store.SetCommentStatus(ctx, pending, model.StatusPending); err != nil {
			t.Fatal(err)
		}
		parent, ptoken := e.post("/post", 0, "deleted, with a reply")
		e.post("/post", parent, "reply")
		if r := e.do(req{method: "DELETE", path: fmt.Sprintf("/api/v1/comments/%d", parent), headers: map[string]string{"X-Parley-Edit-Token": ptoken}}); r.status != 204 {
			t.Fatalf("delete: %d %s", r.status, r.raw)
		}
		r := e.do(req{method: "POST", path: "/api/v1/comments", origin: "https://other.example",
			body: map[string]any{"site": "other.example", "path": "/x", "text": "elsewhere", "author": map[string]any{"name": "Bo"}}})
		if r.status != 201 {
			t.Fatalf("post on other site: %d %s", r.status, r.raw)
		}
		elsewhere := r.num("comment.id")

		// Per origin, the ids whose answer must equal a missing id's: the
		// blog's own approved comment only where an edit token decides.
		blog := map[string]int64{"missing": 999999, "pending": pending, "deleted": parent, "other site's": elsewhere}
		fromOther := map[string]int64{"missing": 999999, "pending": pending, "deleted": parent, "another site's approved": approved}
		fromNowhere := map[string]int64{"missing": 999999, "pending": pending, "approved": approved, "deleted": parent, "other site's": elsewhere}
		writes := []struct {
			name         string
			method, path string
			body         any
			needsToken   bool
		}{
			{"read own", "GET", "/api/v1/comments/%d", nil, true},
			{"edit", "PATCH", "/api/v1/comments/%d", map[string]any{"text": "mine now"}, true},
			{"delete", "DELETE", "/api/v1/comments/%d", nil, true},
			{"vote", "POST", "/api/v1/comments/%d/vote", map[string]any{"value": 1}, false},
			{"vote out of range", "POST", "/api/v1/comments/%d/vote", map[string]any{"value": 7}, false},
		}
		for _, w := range writes {
			for _, o := range []struct {
				origin string
				ids    map[string]int64
				status int
			}{{"", blog, 404}, {"https://other.example", fromOther, 404}, {"https://evil.example", fromNowhere, 403}} {
				for _, token := range []string{"wrong-token", ""} {
					do := func(id int64) *resp {
						return e.do(req{method: w.method, path: fmt.Sprintf(w.path, id), body: w.body, origin: o.origin,
							headers: map[string]string{"X-Parley-Edit-Token": token}})
					}
					base := do(999999)
					if base.status != o.status {
						t.Errorf("%s of a missing id from %q: %d %s", w.name, o.origin, base.status, base.raw)
					}
					ids := maps.Clone(o.ids)
					if w.needsToken {
						ids["approved, not yours"] = approved
					}
					for name, id := range ids {
						if diff := sameAnswer(base, do(id)); diff != "" {
							t.Errorf("%s, origin %q, token %q: %s comment answers unlike a missing one: %s", w.name, o.origin, token, name, diff)
						}
					}
				}
			}
		}
		// Nothing was changed by any of them.
		if c, _ := e.store.Comment(ctx, approved); c.Text != "approved" || c.Score != 0 {
			t.Errorf("approved comment changed: %+v", c)
		}
		if c, _ := e.store.Comment(ctx, pending); c.Status != model.StatusPending || c.Score != 0 {
			t.Errorf("pending comment changed: %+v", c)
		}
	})
}

// TestPersonalResponsesAreNotStored: an answer carrying an edit token, the
// caller's own votes, their comment's source or their draft is marked
// private, no-store; the thread that readers without votes get stays
// cacheable with revalidation (no-cache, ETag, 304).
func TestPersonalResponsesAreNotStored(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		created := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hello", map[string]any{"name": "Ann"})})
		id, token := created.num("comment.id"), created.str("editToken")
		voter := map[string]string{"User-Agent": "voter"}
		personal := map[string]*resp{
			"create":  created,
			"edit":    e.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/comments/%d", id), body: map[string]any{"text": "hi"}, headers: map[string]string{"X-Parley-Edit-Token": token}}),
			"preview": e.do(req{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog.example", "text": "draft"}}),
			"vote":    e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/comments/%d/vote", id), body: map[string]any{"value": 1}, headers: voter}),
		}
		thread := "/api/v1/thread?site=blog.example&path=/post"
		mine := e.do(req{method: "GET", path: thread, headers: voter})
		if mine.num(fmt.Sprintf("myVotes.%d", id)) != 1 {
			t.Fatalf("thread has no own vote: %s", mine.raw)
		}
		personal["thread with own votes"] = mine
		personal["thread with own votes, not modified"] = e.do(req{method: "GET", path: thread,
			headers: map[string]string{"User-Agent": "voter", "If-None-Match": mine.header.Get("ETag")}})
		for name, r := range personal {
			if r.status >= 300 && r.status != http.StatusNotModified {
				t.Errorf("%s: %d %s", name, r.status, r.raw)
			}
			if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
				t.Errorf("%s: Cache-Control %q, want private, no-store", name, cc)
			}
		}

		// A reader who has not voted gets the shared, revalidated answer.
		public := e.do(req{method: "GET", path: thread, headers: map[string]string{"User-Agent": "reader"}})
		if public.header.Get("Cache-Control") != "no-cache" || public.header.Get("ETag") == "" || len(public.get("myVotes").(map[string]any)) != 0 {
			t.Errorf("public thread: %v %s", public.header, public.raw)
		}
		if vary := strings.Join(public.header.Values("Vary"), ", "); !strings.Contains(vary, "Accept-Encoding") || !strings.Contains(vary, "Origin") {
			t.Errorf("public thread Vary: %q", vary)
		}
		again := e.do(req{method: "GET", path: thread, headers: map[string]string{"User-Agent": "reader", "If-None-Match": public.header.Get("ETag")}})
		if again.status != http.StatusNotModified || again.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("public thread revalidated: %d %v", again.status, again.header)
		}
		// The voter's ETag differs, so a cache revalidating the public copy
		// for the voter gets the voter's own answer, unstored.
		if mine.header.Get("ETag") == public.header.Get("ETag") {
			t.Errorf("own and public thread share ETag %s", mine.header.Get("ETag"))
		}
	})
}
