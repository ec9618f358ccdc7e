package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestUsersAndMembers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		owner := &model.User{Name: "Olga", Email: "olga@example.com", Role: model.RoleOwner}
		if err := db.CreateUser(ctx, owner); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, &model.User{Name: "Dup", Email: "OLGA@example.com", Role: model.RoleCommenter}); !errors.Is(err, store.ErrExists) {
			t.Errorf("same email twice: %v, want ErrExists", err)
		}
		got, err := db.UserByEmail(ctx, " olga@EXAMPLE.com")
		if err != nil || got.ID != owner.ID || got.Email != "olga@example.com" || got.Role != model.RoleOwner {
			t.Errorf("UserByEmail = %+v, %v", got, err)
		}
		site := &model.Site{Host: "example.com", OwnerID: owner.ID, Settings: model.DefaultSiteSettings()}
		if err := db.CreateSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.SiteByHost(ctx, "example.com"); s.OwnerID != owner.ID {
			t.Errorf("owner = %d, want %d", s.OwnerID, owner.ID)
		}
		mod := &model.User{Name: "Mo", Email: "mo@example.com", Role: model.RoleCommenter}
		db.CreateUser(ctx, mod)
		for _, role := range []model.Role{model.RoleCommenter, model.RoleModerator} {
			if err := db.SetSiteMember(ctx, site.ID, mod.ID, role); err != nil {
				t.Fatal(err)
			}
		}
		if r, err := db.SiteRole(ctx, site.ID, mod.ID); err != nil || r != model.RoleModerator {
			t.Errorf("role = %q, %v; want moderator", r, err)
		}
		if err := db.DeleteSite(ctx, site.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SiteRole(ctx, site.ID, mod.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("membership survived the site: %v", err)
		}
		if _, err := db.UserByEmail(ctx, "mo@example.com"); err != nil {
			t.Errorf("deleting a site deleted a user account: %v", err)
		}
	})
}
