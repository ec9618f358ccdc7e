package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestPurgeUnverifiedAccounts: an account made with a password whose email
// was never confirmed goes after the retention period, with its comments
// and its waiting site; operators, site members, confirmed, younger and
// password-less accounts stay.
func TestPurgeUnverifiedAccounts(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		now := clk.now()
		old := now.Add(-8 * 24 * time.Hour)
		confirmed := old.Add(time.Hour)
		user := func(email string, role model.Role, password string, created time.Time, verified *time.Time) *model.User {
			clk.t = created
			defer func() { clk.t = now }()
			u := &model.User{Name: "N", Email: email, Role: role, PasswordHash: password, EmailVerifiedAt: verified}
			if err := db.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		stale := user("stale@example.org", model.RoleOwner, "hash", old, nil)
		kept := []*model.User{
			user("operator@example.org", model.RoleOperator, "hash", old, nil),
			user("member@example.org", model.RoleCommenter, "hash", old, nil),
			user("confirmed@example.org", model.RoleCommenter, "hash", old, &confirmed),
			user("young@example.org", model.RoleCommenter, "hash", now.Add(-time.Hour), nil),
			user("provider@example.org", model.RoleCommenter, "", old, nil),
		}
		live := mustSite(t, db, "live.example")
		if err := db.SetSiteMember(ctx, live.ID, kept[1].ID, model.RoleModerator); err != nil {
			t.Fatal(err)
		}
		waiting := &model.Site{Host: "waiting.example", OwnerID: stale.ID, Waiting: true, Settings: model.DefaultSiteSettings()}
		if err := db.CreateSite(ctx, waiting); err != nil {
			t.Fatal(err)
		}
		c := &model.Comment{SiteID: live.ID, AuthorID: stale.ID, Text: "mine", HTML: "<p>mine</p>", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}

		n, err := db.PurgeUnverifiedAccounts(ctx, now.Add(-7*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purged %d, %v; want the one stale account", n, err)
		}
		if _, err := db.UserByID(ctx, stale.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("stale unverified account: %v, want it deleted", err)
		}
		if _, err := db.Comment(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("its comment: %v, want it deleted", err)
		}
		if _, err := db.SiteByID(ctx, waiting.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("its waiting site: %v, want it deleted", err)
		}
		for _, u := range kept {
			if _, err := db.UserByID(ctx, u.ID); err != nil {
				t.Errorf("%s: %v, want it kept", u.Email, err)
			}
		}
	})
}
