package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestLoginIdentity(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		first, err := db.LoginIdentity(ctx, "github", "42", store.IdentityProfile{
			Name: "Ada", Email: "ada@example.com", ProfileURL: "https://github.com/ada"})
		if err != nil {
			t.Fatal(err)
		}
		if first.Name != "Ada" || first.Email != "ada@example.com" || !first.Verified() || first.AvatarURL != "" ||
			first.ProfileURL != "https://github.com/ada" || first.Role != model.RoleCommenter {
			t.Errorf("new user: %+v", first)
		}
		// The person renamed themselves on Parley; a later login keeps that
		// name and refreshes what the provider owns.
		first.Name = "Ada L."
		if err := db.UpdateProfile(ctx, first); err != nil {
			t.Fatal(err)
		}
		again, err := db.LoginIdentity(ctx, "github", "42", store.IdentityProfile{Name: "Ada", ProfileURL: "https://github.com/ada2"})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Name != "Ada L." || again.ProfileURL != "https://github.com/ada2" || again.Email != "ada@example.com" {
			t.Errorf("second login: %+v, want user %d renamed, new profile URL, same email", again, first.ID)
		}
		// Its picture, as Parley serves it.
		if err := db.SetAvatarURL(ctx, first.ID, "/avatars/ab.png"); err != nil {
			t.Fatal(err)
		}
		if u, _ := db.UserByID(ctx, first.ID); u.AvatarURL != "/avatars/ab.png" {
			t.Errorf("avatar URL %q", u.AvatarURL)
		}
		if err := db.SetAvatarURL(ctx, 1<<40, "/avatars/ab.png"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("avatar of a missing user: %v, want ErrNotFound", err)
		}
		// The same subject at another provider is another person; an
		// address another account has is not taken (nor is that account).
		other, err := db.LoginIdentity(ctx, "gitlab", "42", store.IdentityProfile{Name: "Eve", Email: "ADA@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if other.ID == first.ID || other.Email != "" || other.Verified() {
			t.Errorf("gitlab 42: %+v, want a new user without the taken email", other)
		}
		raw, _ := rawDB(t, db)
		var index []byte
		if err := raw.QueryRow("SELECT subject_index FROM identities WHERE user_id = " + itoa(first.ID)).Scan(&index); err != nil || len(index) != 32 {
			t.Errorf("subject stored as %q (%v), want its 32-byte keyed hash", index, err)
		}
		// Deleting the user deletes its identity: the next login is a new account.
		if err := db.DeleteUser(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		fresh, err := db.LoginIdentity(ctx, "github", "42", store.IdentityProfile{Name: "Ada"})
		if err != nil || fresh.ID == first.ID {
			t.Errorf("login after deletion: %+v, %v; want a new user", fresh, err)
		}
	})
}

func TestLoginStates(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		site := &model.Site{Host: "blog.example", Settings: model.DefaultSiteSettings()}
		if err := db.CreateSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		ls := &store.LoginState{Provider: "kc", SiteID: site.ID, Origin: "https://blog.example", Remember: true,
			Nonce: "n-1", Verifier: "v-1", ExpiresAt: now.Add(time.Minute)}
		for _, h := range []string{"a", "b"} {
			if err := db.CreateLoginState(ctx, []byte(h), ls, 2); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateLoginState(ctx, []byte("c"), ls, 2); !errors.Is(err, store.ErrTooManyLogins) {
			t.Fatalf("third state with a bound of 2: %v, want ErrTooManyLogins", err)
		}
		got, err := db.TakeLoginState(ctx, []byte("a"))
		if err != nil || got.Provider != "kc" || got.SiteID != site.ID || got.Origin != ls.Origin || !got.Remember || got.Nonce != "n-1" || got.Verifier != "v-1" {
			t.Fatalf("take: %+v, %v", got, err)
		}
		if _, err := db.TakeLoginState(ctx, []byte("a")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second take: %v, want ErrNotFound (single use)", err)
		}
		raw, _ := rawDB(t, db)
		var nonce, verifier []byte
		if err := raw.QueryRow("SELECT nonce_sealed, verifier_sealed FROM login_states").Scan(&nonce, &verifier); err != nil ||
			strings.Contains(string(nonce), "n-1") || strings.Contains(string(verifier), "v-1") {
			t.Errorf("nonce %q, verifier %q (%v): want them sealed", nonce, verifier, err)
		}
		now = now.Add(time.Minute) // "b" expires: it cannot be taken, and no longer counts
		if _, err := db.TakeLoginState(ctx, []byte("b")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired take: %v, want ErrNotFound", err)
		}
		for _, h := range []string{"c", "d"} {
			if err := db.CreateLoginState(ctx, []byte(h), &store.LoginState{Provider: "kc", SiteID: site.ID, Origin: "x",
				Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Minute)}, 2); err != nil {
				t.Errorf("state %s after expiry: %v", h, err)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
