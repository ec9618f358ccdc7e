package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

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

func TestAccountFieldsRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		verified := time.Date(2026, 2, 3, 4, 5, 6, 7e6, time.UTC)
		u := &model.User{Name: "Ada", Email: "ada@example.com", Role: model.RoleOperator, PasswordHash: "$argon2id$v=19$x",
			EmailVerifiedAt: &verified, Website: "https://ada.example", AvatarURL: "https://a.example/p.png", ProfileURL: "https://p.example/ada"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := db.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PasswordHash != u.PasswordHash || !got.Verified() || !got.EmailVerifiedAt.Equal(verified) || got.Website != u.Website ||
			got.AvatarURL != u.AvatarURL || got.ProfileURL != u.ProfileURL || got.Role != model.RoleOperator {
			t.Errorf("read back %+v, want %+v", got, u)
		}
		bare := &model.User{Email: "bare@example.com", Role: model.RoleCommenter}
		db.CreateUser(ctx, bare)
		got, _ = db.UserByID(ctx, bare.ID)
		if got.PasswordHash != "" || got.Verified() {
			t.Errorf("a user created without password or verification: %+v", got)
		}
		got.Name, got.Website = "Bare", "https://bare.example"
		if err := db.UpdateProfile(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := db.SetEmailVerified(ctx, bare.ID, verified); err != nil {
			t.Fatal(err)
		}
		users, err := db.Users(ctx)
		if err != nil || len(users) != 2 || users[1].Name != "Bare" || users[1].Website != "https://bare.example" || !users[1].Verified() || users[0].Name != "Ada" {
			t.Errorf("users = %+v %+v, %v", users[0], users[len(users)-1], err)
		}
		if _, err := db.UserByID(ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing user: %v", err)
		}
		if _, err := db.UserByEmail(ctx, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("empty email: %v", err)
		}
	})
}

func TestSetPasswordEndsSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		u := &model.User{Email: "ada@example.com", Role: model.RoleCommenter}
		db.CreateUser(ctx, u)
		now := time.Now()
		sess := &model.Session{UserID: u.ID, Kind: model.SessionWidget, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateSession(ctx, sess, []byte("hash-of-a-token-0123456789abcdef")); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPassword(ctx, u.ID, "$argon2id$new"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.UserByID(ctx, u.ID); got.PasswordHash != "$argon2id$new" {
			t.Errorf("hash = %q", got.PasswordHash)
		}
		if list, _ := db.UserSessions(ctx, u.ID, now); len(list) != 0 {
			t.Errorf("sessions after a password change: %+v", list)
		}
		if err := db.SetPassword(ctx, 999, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("password of a missing user: %v", err)
		}
	})
}

func TestDeleteUserKeepsCommentsAnonymised(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		u := &model.User{Name: "Ada", Email: "ada@example.com", Role: model.RoleCommenter}
		db.CreateUser(ctx, u)
		site := mustSite(t, db, "example.com")
		db.SetSiteMember(ctx, site.ID, u.ID, model.RoleModerator)
		c := &model.Comment{SiteID: site.ID, AuthorID: u.ID, Text: "mine", HTML: "<p>mine</p>", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		reply := mustComment(t, db, site, "/p", c.ID, "a reply")
		if err := db.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.Comment(ctx, c.ID)
		if err != nil || got.AuthorID != 0 || got.Text != "mine" {
			t.Errorf("comment of a deleted user: %+v, %v; want it kept without author", got, err)
		}
		if _, err := db.Comment(ctx, reply.ID); err != nil {
			t.Errorf("reply: %v", err)
		}
		if m, _ := db.SiteMembers(ctx, site.ID); len(m) != 0 {
			t.Errorf("members after deletion: %+v", m)
		}
		if err := db.DeleteUser(ctx, u.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
	})
}

func TestSiteMembersListAndRemove(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		ada := &model.User{Name: "Ada", Email: "ada@example.com", Role: model.RoleCommenter}
		bob := &model.User{Name: "Bob", Email: "bob@example.com", Role: model.RoleCommenter}
		db.CreateUser(ctx, ada)
		db.CreateUser(ctx, bob)
		db.SetSiteMember(ctx, site.ID, ada.ID, model.RoleOwner)
		db.SetSiteMember(ctx, site.ID, bob.ID, model.RoleModerator)
		m, err := db.SiteMembers(ctx, site.ID)
		if err != nil || len(m) != 2 || m[0].User.Email != "ada@example.com" || m[0].Role != model.RoleOwner || m[1].Role != model.RoleModerator {
			t.Fatalf("members = %+v, %v", m, err)
		}
		if err := db.RemoveSiteMember(ctx, site.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveSiteMember(ctx, site.ID, bob.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removing twice: %v", err)
		}
		if m, _ := db.SiteMembers(ctx, site.ID); len(m) != 1 {
			t.Errorf("members after removal: %+v", m)
		}
	})
}

func TestAuthorsCarryRoleAndVerification(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		now := time.Now()
		owner := &model.User{Name: "Olga", Email: "olga@example.com", Role: model.RoleCommenter}
		mod := &model.User{Name: "Mo", Email: "mo@example.com", Role: model.RoleCommenter, EmailVerifiedAt: &now, Website: "https://mo.example"}
		plain := &model.User{Name: "Pat", Email: "pat@example.com", Role: model.RoleCommenter}
		for _, u := range []*model.User{owner, mod, plain} {
			db.CreateUser(ctx, u)
		}
		site := &model.Site{Host: "example.com", OwnerID: owner.ID, Settings: model.DefaultSiteSettings()}
		db.CreateSite(ctx, site)
		other := mustSite(t, db, "other.example")
		db.SetSiteMember(ctx, site.ID, mod.ID, model.RoleModerator)
		db.SetSiteMember(ctx, site.ID, plain.ID, model.RoleCommenter)
		got, err := db.Authors(ctx, site.ID, []int64{owner.ID, mod.ID, plain.ID, 999})
		if err != nil || len(got) != 3 {
			t.Fatalf("authors = %v, %v", got, err)
		}
		if got[owner.ID].SiteRole != model.RoleOwner || got[owner.ID].Verified {
			t.Errorf("owner = %+v", got[owner.ID])
		}
		if a := got[mod.ID]; a.SiteRole != model.RoleModerator || !a.Verified || a.Name != "Mo" || a.Website != "https://mo.example" {
			t.Errorf("moderator = %+v", a)
		}
		if got[plain.ID].SiteRole != "" {
			t.Errorf("a commenter member has role %q, want none", got[plain.ID].SiteRole)
		}
		elsewhere, _ := db.Authors(ctx, other.ID, []int64{owner.ID, mod.ID})
		if elsewhere[owner.ID].SiteRole != "" || elsewhere[mod.ID].SiteRole != "" || !elsewhere[mod.ID].Verified {
			t.Errorf("roles leak to another site: %+v %+v", elsewhere[owner.ID], elsewhere[mod.ID])
		}

		if ok, err := db.UserHasApprovedComment(ctx, site.ID, plain.ID); ok || err != nil {
			t.Errorf("before any comment: %v, %v", ok, err)
		}
		c := &model.Comment{SiteID: site.ID, AuthorID: plain.ID, Text: "hi", HTML: "<p>hi</p>", Status: model.StatusApproved}
		db.CreateComment(ctx, c, store.NewComment{Path: "/p"})
		if ok, _ := db.UserHasApprovedComment(ctx, site.ID, plain.ID); !ok {
			t.Error("an approved comment is not found")
		}
		if ok, _ := db.UserHasApprovedComment(ctx, other.ID, plain.ID); ok {
			t.Error("an approved comment counts on another site")
		}
	})
}
