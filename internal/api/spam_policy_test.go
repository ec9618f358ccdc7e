package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
)

// spamSite is a site with the spam policy's lists set.
func spamSite(s *model.SiteSettings) {
	s.HeldWords, s.BlockedWords = []string{"casino"}, []string{"cheap pills"}
}

// stored returns a comment as the database has it.
func (e *env) stored(id int64) *model.Comment {
	e.t.Helper()
	c, err := e.store.Comment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// TestSpamPolicyOnCreate: the site's policy decides a new comment's status
// and stores its reason for moderators, while the author's answer says
// "pending" with no reason, whether the comment was held or is spam.
func TestSpamPolicyOnCreate(t *testing.T) {
	eachDB(t, options{settings: spamSite}, func(t *testing.T, e *env) {
		cases := []struct {
			text   string
			status model.Status
			reason policy.Reason
		}{
			{"Buy CHEAP pills!", model.StatusSpam, policy.ReasonBlockedWord},
			{"best casino", model.StatusPending, policy.ReasonHeldWord},
			{"see https://a.example and [b](https://b.example)", model.StatusPending, policy.ReasonLinks},
			{"one link https://a.example, and casinos", model.StatusApproved, ""},
		}
		for _, c := range cases {
			r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment(c.text, map[string]any{"name": "Ann"})})
			if r.status != 201 {
				t.Fatalf("%q: %d %s", c.text, r.status, r.raw)
			}
			want := "pending"
			if c.status == model.StatusApproved {
				want = "approved"
			}
			if r.str("comment.status") != want || r.get("comment.holdReason") != nil {
				t.Errorf("%q: answer %s, want status %s and no hold reason", c.text, r.raw, want)
			}
			if got := e.stored(r.num("comment.id")); got.Status != c.status || got.HoldReason != string(c.reason) {
				t.Errorf("%q: stored %s (%q), want %s (%q)", c.text, got.Status, got.HoldReason, c.status, c.reason)
			}
		}
		th := e.thread("path=/post")
		if n := len(th.get("comments").([]any)); n != 1 {
			t.Errorf("thread shows %d comments, want the one published:\n%s", n, th.raw)
		}
		for _, key := range []string{`"heldWords"`, `"blockedWords"`, `"linkLimit"`, `"holdImages"`, `"casino"`} {
			if strings.Contains(string(th.raw), key) {
				t.Errorf("the thread tells readers the spam policy (%s): %s", key, th.raw)
			}
		}
	})
}

// TestSpamPolicyOnEdit: an approved comment edited to say what the policy
// holds is held again (and leaves the thread); one edited into a blocked
// phrase is spam. A pending comment edited clean stays pending.
func TestSpamPolicyOnEdit(t *testing.T) {
	eachDB(t, options{settings: spamSite}, func(t *testing.T, e *env) {
		edit := func(id int64, token, text string) *resp {
			t.Helper()
			r := e.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/comments/%d", id), body: map[string]any{"text": text}, headers: map[string]string{"X-Parley-Edit-Token": token}})
			if r.status != 200 {
				t.Fatalf("edit: %d %s", r.status, r.raw)
			}
			return r
		}
		held, heldToken := e.post("/post", 0, "a fine comment")
		if r := edit(held, heldToken, "now with a casino"); r.str("comment.status") != "pending" || r.get("comment.holdReason") != nil {
			t.Errorf("edit into a held word: %s", r.raw)
		}
		if c := e.stored(held); c.Status != model.StatusPending || c.HoldReason != string(policy.ReasonHeldWord) {
			t.Errorf("edited into a held word: stored %s (%q)", c.Status, c.HoldReason)
		}
		if th := e.thread("path=/post"); len(th.get("comments").([]any)) != 0 || th.num("page.commentCount") != 0 {
			t.Errorf("the held edit is still shown: %s", th.raw)
		}
		spam, spamToken := e.post("/post", 0, "another fine comment")
		edit(spam, spamToken, "cheap pills")
		if c := e.stored(spam); c.Status != model.StatusSpam || c.HoldReason != string(policy.ReasonBlockedWord) {
			t.Errorf("edited into a blocked phrase: stored %s (%q)", c.Status, c.HoldReason)
		}
		if r := edit(held, heldToken, "clean again"); r.str("comment.status") != "pending" {
			t.Errorf("a held comment edited clean was published: %s", r.raw)
		}
	})
}

// TestModerationGuestsAndTrustedRoles: under "guests" an account publishes
// and a guest waits, with the same answer whether or not the email typed has
// an approved comment; under "all" the site's owner skips the queue.
func TestModerationGuestsAndTrustedRoles(t *testing.T) {
	eachDB(t, options{settings: func(s *model.SiteSettings) { s.Moderation = model.ModerationGuests }}, func(t *testing.T, e *env) {
		ctx := context.Background()
		guest := func(email string) *resp {
			return e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hello", map[string]any{"name": "Ann", "email": email})})
		}
		first := guest("ann@example.com")
		if first.str("comment.status") != "pending" || e.stored(first.num("comment.id")).HoldReason != string(policy.ReasonGuest) {
			t.Fatalf("guest: %s", first.raw)
		}
		if err := e.store.SetCommentStatus(ctx, first.num("comment.id"), model.StatusApproved); err != nil {
			t.Fatal(err)
		}
		if a, b := comparable(t, guest("ann@example.com")), comparable(t, guest("new@example.com")); a != b || !strings.Contains(a, `"pending"`) {
			t.Errorf("typed emails: %s vs %s", a, b)
		}
		e.account("ada@example.com", "Ada")
		if r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(e.login("ada@example.com", false)), body: newComment("hi", nil)}); r.str("comment.status") != "approved" {
			t.Errorf("account under guests: %s", r.raw)
		}

		e.site.Settings.Moderation = model.ModerationAll
		owner := e.account("owner@example.com", "Olga")
		e.site.OwnerID = owner.ID
		if err := e.store.UpdateSite(ctx, e.site); err != nil {
			t.Fatal(err)
		}
		if r := e.do(req{method: "POST", path: "/api/v1/comments", headers: bearer(e.login("owner@example.com", false)), body: newComment("the owner speaks", nil)}); r.str("comment.status") != "approved" {
			t.Errorf("owner under all: %s", r.raw)
		}
	})
}
