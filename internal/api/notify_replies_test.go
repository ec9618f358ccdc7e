package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// queuedKinds claims the due mail and counts it by kind and recipient.
func (e *env) queuedKinds(t *testing.T) map[string]int {
	t.Helper()
	mails, err := e.store.ClaimDueMail(context.Background(), time.Now().Add(time.Hour), store.MaxMailClaim, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range mails {
		out[m.Kind+" "+m.To]++
	}
	return out
}

// TestReplyOptInConfirmsAGuestFirst: a guest who ticks "notify me" is
// mailed the link confirming their address (no reply mail goes to an
// address before that); one who does not tick it is mailed nothing.
func TestReplyOptInConfirmsAGuestFirst(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		body := newComment("No mail please.", map[string]any{"name": "Quiet", "email": "quiet@example.org"})
		if r := e.do(req{method: "POST", path: "/api/v1/comments", body: body}); r.status != http.StatusCreated {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		body = newComment("Tell me of replies.", map[string]any{"name": "Ann", "email": "ann@example.org"})
		body["notifyReplies"] = true
		if r := e.do(req{method: "POST", path: "/api/v1/comments", body: body}); r.status != http.StatusCreated {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		got := e.queuedKinds(t)
		if got["privacy ann@example.org"] != 1 || len(got) != 1 {
			t.Errorf("queued %v, want one confirmation mail to ann", got)
		}
	})
}

// TestAccountReplyOptIn: the profile's checkbox (PATCH /api/v1/me
// notifyReplies) is kept and shown by GET /api/v1/me.
func TestAccountReplyOptIn(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("bea@example.org", "Bea")
		tok := e.login("bea@example.org", false)
		if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(tok)}); r.get("notifyReplies") != false {
			t.Fatalf("default: %s", r.raw)
		}
		r := e.do(req{method: "PATCH", path: "/api/v1/me", headers: bearer(tok), body: map[string]any{"notifyReplies": true}})
		if r.status != http.StatusOK || r.get("notifyReplies") != true {
			t.Fatalf("%d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(tok)}); r.get("notifyReplies") != true || r.str("user.name") != "Bea" {
			t.Errorf("after opting in: %s", r.raw)
		}
	})
}
