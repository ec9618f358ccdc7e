package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/model"
)

// TestModerationFirstTrustsOnlyProvenCommenters is promise P12 for guests:
// under moderation "first" a typed email that has an approved comment no
// longer skips the queue, and the answer is the same as for an email never
// seen; once its owner confirms it by mailed link, it does, and the comment
// carries the verified badge.
func TestModerationFirstTrustsOnlyProvenCommenters(t *testing.T) {
	eachDB(t, options{settings: func(s *model.SiteSettings) { s.Moderation = model.ModerationFirst }}, func(t *testing.T, e *env) {
		post := func(email string) *resp {
			t.Helper()
			r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hello", map[string]any{"name": "Ann", "email": email})})
			if r.status != 201 {
				t.Fatalf("post: %d %s", r.status, r.raw)
			}
			return r
		}
		first := post("ann@example.com")
		if first.str("comment.status") != "pending" {
			t.Fatalf("first comment: %s", first.raw)
		}
		if err := e.store.SetCommentStatus(context.Background(), first.num("comment.id"), model.StatusApproved); err != nil {
			t.Fatal(err)
		}
		known, unknown := post("ANN@example.com"), post("stranger@example.com")
		if known.str("comment.status") != "pending" {
			t.Errorf("a typed email skipped moderation: %s", known.raw)
		}
		if a, b := comparable(t, known), comparable(t, unknown); a != b {
			t.Errorf("the answer tells a known email from an unknown one:\n%s\n%s", a, b)
		}

		box, b := newMailbox(e), newBrowser(t, e)
		l := askLink(t, e, box, "ann@example.com", "verify")
		if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, l)}}); p.status != 200 {
			t.Fatalf("verify: %d %s", p.status, p.body)
		}
		trusted := post("ann@example.com")
		if trusted.str("comment.status") != "approved" || !slices.Equal(badges(trusted, "comment.author.badges"), []string{"verified"}) {
			t.Errorf("verified guest with an approved comment: %s", trusted.raw)
		}
		if newcomer := post("stranger@example.com"); newcomer.get("comment.author.badges") != nil {
			t.Errorf("unverified guest has badges: %s", newcomer.raw)
		}
		th := e.thread("path=/post")
		if got := badges(th, "comments.0.author.badges"); got != nil {
			t.Errorf("a comment written before verifying is marked: %v", got)
		}
		if got := badges(th, "comments.1.author.badges"); !slices.Equal(got, []string{"verified"}) {
			t.Errorf("thread: verified guest's comment badges %v\n%s", got, th.raw)
		}
	})
}

// comparable is a create answer without what differs between any two
// comments (id and edit token).
func comparable(t *testing.T, r *resp) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.raw, &v); err != nil {
		t.Fatal(err)
	}
	delete(v, "editToken")
	delete(v["comment"].(map[string]any), "id")
	out, _ := json.Marshal(v)
	return string(out)
}
