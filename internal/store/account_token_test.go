package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func tokenHash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func linkMail(to string) model.Mail {
	return model.Mail{Kind: "verify-email", To: to, Subject: "Confirm", Text: "link", HTML: "<p>link</p>"}
}

// TestSignUpIsOneTransaction: an account, its link and its mail exist
// together or not at all; a second sign-up of the address changes nothing.
func TestSignUpIsOneTransaction(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		c := newClock(db)
		tok := store.AccountToken{Purpose: store.TokenVerify, CreatedAt: c.now(), ExpiresAt: c.now().Add(time.Hour)}
		bad := linkMail("not an address")
		if err := db.SignUp(ctx, &model.User{Name: "Bea", Email: "bea@example.com", Role: model.RoleCommenter, PasswordHash: "h"}, tok, tokenHash("a"), bad); err == nil {
			t.Fatal("a sign-up whose mail cannot be queued succeeded")
		}
		if _, err := db.UserByEmail(ctx, "bea@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the account exists without its mail: %v", err)
		}
		u := &model.User{Name: "Bea", Email: "bea@example.com", Role: model.RoleCommenter, PasswordHash: "h"}
		if err := db.SignUp(ctx, u, tok, tokenHash("a"), linkMail("bea@example.com")); err != nil {
			t.Fatal(err)
		}
		again := &model.User{Name: "Eve", Email: "BEA@example.com", Role: model.RoleCommenter, PasswordHash: "h"}
		if err := db.SignUp(ctx, again, tok, tokenHash("b"), linkMail("bea@example.com")); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second sign-up: %v, want ErrExists", err)
		}
		if n, _ := db.PendingMailCount(ctx); n != 1 {
			t.Errorf("%d mails queued, want the first sign-up's only", n)
		}
		if id, err := db.CheckAccountToken(ctx, tokenHash("a"), store.TokenVerify, c.now()); err != nil || id != u.ID {
			t.Errorf("token of the sign-up: %d %v", id, err)
		}
		if _, err := db.CheckAccountToken(ctx, tokenHash("a"), store.TokenReset, c.now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a verify token used for a reset: %v, want ErrNotFound", err)
		}
	})
}

// TestAccountTokenLifecycle: a token works once and until it expires; a
// password reset voids every other link of the account; expired tokens are
// purged; deleting the account deletes its tokens.
func TestAccountTokenLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		c := newClock(db)
		u := &model.User{Name: "Bea", Email: "bea@example.com", Role: model.RoleCommenter, PasswordHash: "old"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		issue := func(name string, purpose store.TokenPurpose, life time.Duration) {
			t.Helper()
			tok := store.AccountToken{UserID: u.ID, Purpose: purpose, NewEmail: "bea@new.example", CreatedAt: c.now(), ExpiresAt: c.now().Add(life)}
			if err := db.CreateAccountToken(ctx, tok, tokenHash(name), linkMail("bea@example.com")); err != nil {
				t.Fatal(err)
			}
		}
		issue("r1", store.TokenReset, time.Hour)
		issue("r2", store.TokenReset, time.Hour)
		issue("change", store.TokenEmailChange, time.Hour)
		if err := db.CreateAccountToken(ctx, store.AccountToken{UserID: u.ID + 99, Purpose: store.TokenReset, CreatedAt: c.now(), ExpiresAt: c.now().Add(time.Hour)},
			tokenHash("nobody"), linkMail("x@example.com")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token for a missing user: %v", err)
		}
		if _, _, err := db.ResetPassword(ctx, tokenHash("r1"), "new", c.now()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ResetPassword(ctx, tokenHash("r1"), "newer", c.now()); !errors.Is(err, store.ErrTokenUsed) {
			t.Errorf("second use: %v, want ErrTokenUsed", err)
		}
		if _, _, err := db.ResetPassword(ctx, tokenHash("r2"), "newer", c.now()); !errors.Is(err, store.ErrTokenUsed) {
			t.Errorf("older link after a reset: %v, want ErrTokenUsed", err)
		}
		if _, _, err := db.ChangeEmail(ctx, tokenHash("change"), c.now()); !errors.Is(err, store.ErrTokenUsed) {
			t.Errorf("email change asked before a reset: %v, want ErrTokenUsed", err)
		}
		got, _ := db.UserByID(ctx, u.ID)
		if got.PasswordHash != "new" || !got.Verified() {
			t.Errorf("after the reset: hash %q, verified %v", got.PasswordHash, got.Verified())
		}
		issue("short", store.TokenVerify, time.Minute)
		c.advance(2 * time.Minute)
		if _, _, err := db.VerifyEmail(ctx, tokenHash("short"), c.now()); !errors.Is(err, store.ErrTokenExpired) {
			t.Errorf("expired: %v, want ErrTokenExpired", err)
		}
		if n, err := db.PurgeAccountTokens(ctx, c.now()); err != nil || n != 1 {
			t.Errorf("purged %d (%v), want the expired one", n, err)
		}
		if _, _, err := db.VerifyEmail(ctx, tokenHash("short"), c.now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("purged token: %v, want ErrNotFound", err)
		}
		issue("e1", store.TokenEmailChange, time.Hour)
		if err := db.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckAccountToken(ctx, tokenHash("e1"), store.TokenEmailChange, c.now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token of a deleted account: %v, want ErrNotFound", err)
		}
	})
}
