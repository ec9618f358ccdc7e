package api_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/spam/akismettest"
)

// akismetEnv is an API whose comment service asks a local Akismet double.
func akismetEnv(t *testing.T, db string, holdOnError bool) (*env, *akismettest.Server) {
	s := akismettest.New(t, "key")
	a := spam.NewAkismet(spam.AkismetOptions{Key: "key", Endpoint: s.URL, Test: true, Timeout: 200 * time.Millisecond, Dial: media.FetcherOptions{AllowLoopback: true}})
	return newEnv(t, db, options{checking: comment.Checking{Checker: a, HoldOnError: holdOnError}}), s
}

// TestAkismetOnCreate: Akismet's spam verdict marks a new comment spam (the
// author hears "pending"), its ham leaves the site's policy to decide, and
// it is told the comment and the request.
func TestAkismetOnCreate(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			e, s := akismetEnv(t, db, true)
			r := e.do(req{method: "POST", path: "/api/v1/comments", headers: map[string]string{"Referer": "https://blog.example/post"},
				body: newComment("Buy now", map[string]any{"name": akismettest.SpamAuthor, "email": "x@example.com"})})
			if r.status != 201 || r.str("comment.status") != "pending" || r.get("comment.holdReason") != nil {
				t.Fatalf("spam trigger: %d %s", r.status, r.raw)
			}
			if c := e.stored(r.num("comment.id")); c.Status != model.StatusSpam || c.HoldReason != string(policy.ReasonCheckerSpam) {
				t.Errorf("spam trigger stored as %s (%q)", c.Status, c.HoldReason)
			}
			got := s.Requests()[0].Form
			for k, v := range map[string]string{"blog": "https://blog.example/", "permalink": "https://blog.example/post", "comment_type": "comment",
				"user_ip": "192.0.2.1", "user_agent": "test-agent", "referrer": "https://blog.example/post",
				"comment_author_email": "x@example.com", "comment_content": "Buy now", "comment_date_gmt": "2026-11-22T10:00:00Z"} {
				if got.Get(k) != v {
					t.Errorf("akismet got %s=%q, want %q", k, got.Get(k), v)
				}
			}

			if r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("Nice", map[string]any{"name": "Ann"})}); r.str("comment.status") != "approved" {
				t.Errorf("ham: %s", r.raw)
			}
		})
	}
}

// TestAkismetFailurePolicy: when Akismet does not answer in time, the
// comment is held (hold) or published as the site's policy says (publish);
// comments of the site's owner are not sent to Akismet at all.
func TestAkismetFailurePolicy(t *testing.T) {
	for _, hold := range []bool{true, false} {
		e, s := akismetEnv(t, "sqlite", hold)
		s.SetDelay(time.Minute)
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("Nice", map[string]any{"name": "Ann"})})
		c := e.stored(r.num("comment.id"))
		switch {
		case hold && (c.Status != model.StatusPending || c.HoldReason != string(policy.ReasonCheckerFailed)):
			t.Errorf("hold on error: stored %s (%q)", c.Status, c.HoldReason)
		case !hold && c.Status != model.StatusApproved:
			t.Errorf("publish on error: stored %s (%q)", c.Status, c.HoldReason)
		}
	}

	e, s := akismetEnv(t, "postgres", true)
	owner := e.account("owner@example.com", "Olga")
	e.site.OwnerID = owner.ID
	if err := e.store.UpdateSite(t.Context(), e.site); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(e.login("owner@example.com", false)), body: newComment("mine", nil)})
	if r.str("comment.status") != "approved" || len(s.Requests()) != 0 {
		t.Errorf("owner's comment: %s, %d requests to akismet", r.raw, len(s.Requests()))
	}
}
