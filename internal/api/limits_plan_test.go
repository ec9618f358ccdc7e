package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

// TestCommentsPastThePlanLimit: once the site owner's plan reached its
// monthly comment limit, the thread still shows every comment, and a new
// comment gets 403 limit_reached with a message the widget shows as is.
// A suspended owner's site refuses comments likewise (site_suspended), and
// the suspended account cannot sign in (account_suspended).
func TestCommentsPastThePlanLimit(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner := e.account("owner@example.com", "Olive")
		e.site.OwnerID = owner.ID
		must(t, e.store.UpdateSite(ctx, e.site))
		plan := store.Plan{Name: "tiny", MaxSites: store.Unlimited, MaxViews: store.Unlimited, MaxComments: 2, MaxUploadBytes: store.Unlimited}
		must(t, e.store.CreatePlan(ctx, &plan))
		must(t, e.store.SetUserPlan(ctx, owner.ID, plan.ID))
		e.post("/post", 0, "first")
		e.post("/post", 0, "second")
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("third", map[string]any{"name": "Ann"})})
		if r.status != http.StatusForbidden || r.str("error.code") != "limit_reached" ||
			!strings.Contains(r.str("error.message"), "monthly limit of comments") {
			t.Fatalf("past the limit: %d %s", r.status, r.raw)
		}
		if th := e.thread("path=/post"); th.status != 200 || len(th.get("comments").([]any)) != 2 {
			t.Errorf("thread past the limit: %d %s", th.status, th.raw)
		}

		must(t, e.store.SuspendUser(ctx, owner.ID, e.now))
		r = e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("fourth", map[string]any{"name": "Ann"})})
		if r.status != http.StatusForbidden || r.str("error.code") != "site_suspended" {
			t.Errorf("suspended owner's site: %d %s", r.status, r.raw)
		}
		r = e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "owner@example.com", "password": testPassword}})
		if r.status != http.StatusForbidden || r.str("error.code") != "account_suspended" || r.str("token") != "" {
			t.Errorf("suspended sign-in: %d %s", r.status, r.raw)
		}
	})
}
