package api_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
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
