package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestSSOUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "blog.example")
		other := mustSite(t, db, "other.example")
		u := &model.User{Name: "Ada", Email: "ada@example.com", AvatarURL: "/avatars/identicon/00.svg"}
		if err := db.CreateSSOUser(ctx, site.ID, "42", "https://img.example/a.png", u); err != nil {
			t.Fatal(err)
		}
		// The same site user again (a concurrent first sign-in): refused,
		// and no second account is left behind.
		before, _ := db.Users(ctx)
		if err := db.CreateSSOUser(ctx, site.ID, "42", "", &model.User{Name: "Ada 2"}); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second link of the same site user: %v, want ErrExists", err)
		}
		if after, _ := db.Users(ctx); len(after) != len(before) {
			t.Fatalf("a refused link left an account: %d accounts, want %d", len(after), len(before))
		}
		got, source, err := db.SSOUser(ctx, site.ID, "42")
		if err != nil || got.ID != u.ID || got.Email != "ada@example.com" || source != "https://img.example/a.png" {
			t.Fatalf("SSOUser = %+v %q %v", got, source, err)
		}
		// Site users are per site, and never found by email.
		if _, _, err := db.SSOUser(ctx, other.ID, "42"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another site's user 42: %v", err)
		}
		if _, err := db.UserByEmail(ctx, "ada@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SSO account found by email: %v", err)
		}
		if err := db.CreateUser(ctx, &model.User{Name: "Local Ada", Email: "ada@example.com", Role: model.RoleCommenter}); err != nil {
			t.Errorf("a local account with the same email: %v", err)
		}
		u.Name, u.Email = "Ada B", "adab@example.com"
		if err := db.UpdateSSOUser(ctx, u, ""); err != nil {
			t.Fatal(err)
		}
		if got, source, _ := db.SSOUser(ctx, site.ID, "42"); got.Name != "Ada B" || got.Email != "adab@example.com" || source != "" {
			t.Errorf("after update: %+v %q", got, source)
		}
		// Removing the account removes the link.
		if err := db.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.SSOUser(ctx, site.ID, "42"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("link after the account was removed: %v", err)
		}
	})
}

func TestSSOTokensAndSecrets(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "blog.example")
		if _, err := db.SSOSecret(ctx, site.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("secret of a site without SSO: %v", err)
		}
		for _, secret := range []string{"first", "second"} {
			if err := db.SetSSOSecret(ctx, site.ID, secret); err != nil {
				t.Fatal(err)
			}
			if got, err := db.SSOSecret(ctx, site.ID); err != nil || got != secret {
				t.Fatalf("secret = %q %v, want %q", got, err, secret)
			}
		}
		if keyed, err := db.HasKeyedData(ctx); err != nil || !keyed {
			t.Errorf("a sealed SSO secret does not count as keyed data: %v", err)
		}
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		hash := []byte("0123456789abcdef0123456789abcdef")
		if err := db.UseSSOToken(ctx, hash, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.UseSSOToken(ctx, hash, now.Add(time.Minute)); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second use: %v, want ErrExists", err)
		}
		if n, err := db.PurgeSSOTokens(ctx, now); err != nil || n != 0 {
			t.Fatalf("purge before expiry: %d %v", n, err)
		}
		if n, err := db.PurgeSSOTokens(ctx, now.Add(2*time.Minute)); err != nil || n != 1 {
			t.Fatalf("purge after expiry: %d %v", n, err)
		}
		if err := db.DeleteSSOSecret(ctx, site.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SSOSecret(ctx, site.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("secret after delete: %v", err)
		}
	})
}

func TestAvatarImages(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		sum := []byte("0123456789abcdef0123456789abcdef")
		for range 2 { // the same picture twice is one row
			if err := db.PutAvatarImage(ctx, sum, []byte("png bytes")); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := db.AvatarImage(ctx, sum); err != nil || string(got) != "png bytes" {
			t.Fatalf("Avatar = %q %v", got, err)
		}
		if _, err := db.AvatarImage(ctx, make([]byte, 32)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown avatar: %v", err)
		}
	})
}
