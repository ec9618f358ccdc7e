package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestSessionLifetimes(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		s := auth.NewSessions(st, clk.now)
		u := newUser(t, st, "ada@example.com")
		for _, tt := range []struct {
			remember bool
			lifetime time.Duration
		}{{false, 48 * time.Hour}, {true, 14 * 24 * time.Hour}} {
			start := clk.t
			token, expires, err := s.Create(ctx, u.ID, tt.remember)
			if err != nil {
				t.Fatal(err)
			}
			if !expires.Equal(start.Add(tt.lifetime)) {
				t.Errorf("remember=%v: expires %v, want %v", tt.remember, expires, start.Add(tt.lifetime))
			}
			clk.t = start.Add(tt.lifetime - time.Second)
			if got, err := s.Authenticate(ctx, token); err != nil || got.ID != u.ID || got.Email != "ada@example.com" {
				t.Errorf("remember=%v, a second before expiry: %+v, %v", tt.remember, got, err)
			}
			clk.t = start.Add(tt.lifetime)
			if _, err := s.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("remember=%v, at expiry: %v, want ErrNoSession", tt.remember, err)
			}
			clk.t = start
		}
		// Expired sessions are purged; live ones stay.
		live, _, _ := s.Create(ctx, u.ID, false)
		clk.advance(15 * 24 * time.Hour)
		keep, _, _ := s.Create(ctx, u.ID, false)
		n, err := s.Purge(ctx)
		if err != nil || n != 3 {
			t.Errorf("purge = %d, %v; want the 3 expired sessions", n, err)
		}
		if _, err := s.Authenticate(ctx, live); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("expired session after purge: %v", err)
		}
		if _, err := s.Authenticate(ctx, keep); err != nil {
			t.Errorf("live session after purge: %v", err)
		}
	})
}

func TestSessionRevokeAndList(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		s := auth.NewSessions(st, clk.now)
		ada, bob := newUser(t, st, "ada@example.com"), newUser(t, st, "bob@example.com")
		a1, _, _ := s.Create(ctx, ada.ID, false)
		clk.advance(time.Hour)
		a2, _, _ := s.CreateKind(ctx, ada.ID, model.SessionDashboard, true)
		b1, _, _ := s.Create(ctx, bob.ID, false)

		list, err := s.List(ctx, ada.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("list = %+v, %v; want 2 sessions", list, err)
		}
		if list[0].Kind != model.SessionDashboard || !list[0].Remember || list[1].Kind != model.SessionWidget {
			t.Errorf("list = %+v; want the dashboard session (newest use) first", list)
		}
		// Using the older session moves it first; a use is recorded at most once a minute.
		clk.advance(30 * time.Second)
		used := clk.t
		s.Authenticate(ctx, a1)
		if list, _ := s.List(ctx, ada.ID); list[0].Kind != model.SessionWidget || !list[0].LastUsedAt.Equal(used) {
			t.Errorf("after use: %+v; want the widget session first, used now", list)
		}
		clk.advance(59 * time.Second)
		s.Authenticate(ctx, a1)
		if list, _ := s.List(ctx, ada.ID); !list[0].LastUsedAt.Equal(used) {
			t.Errorf("a use 59s after the last recorded one was recorded: %+v", list[0])
		}
		clk.advance(time.Second)
		s.Authenticate(ctx, a1)
		if list, _ := s.List(ctx, ada.ID); !list[0].LastUsedAt.Equal(clk.t) {
			t.Errorf("a use a minute after the last recorded one was not recorded: %+v", list[0])
		}

		if err := s.Revoke(ctx, a1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, a1); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("revoked token: %v, want ErrNoSession", err)
		}
		if _, _, err := s.SessionOf(ctx, a2, model.SessionDashboard); err != nil {
			t.Errorf("other session after revoke: %v", err)
		}
		if err := s.RevokeAll(ctx, ada.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionOf(ctx, a2, model.SessionDashboard); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("after revoke all: %v, want ErrNoSession", err)
		}
		if _, err := s.Authenticate(ctx, b1); err != nil {
			t.Errorf("another user's session after revoke all: %v", err)
		}
	})
}

func TestSessionTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := auth.NewSessions(st, nil)
		u := newUser(t, st, "ada@example.com")
		token, _, err := s.Create(ctx, u.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		other, _, _ := s.Create(ctx, u.ID, false)
		if len(token) != 43 || token == other || strings.ContainsAny(token, "+/=") {
			t.Errorf("tokens %q and %q: want two distinct 43-character base64url tokens", token, other)
		}
		for _, bad := range []string{"", "x", token[:42], token + "A", strings.ToUpper(token[:1]) + strings.ToLower(token[1:]), strings.Repeat("!", 43)} {
			if bad == token {
				continue
			}
			if _, err := s.Authenticate(ctx, bad); !errors.Is(err, auth.ErrNoSession) {
				t.Errorf("token %q: %v, want ErrNoSession", bad, err)
			}
		}
		// Deleting the user ends their sessions.
		if err := st.DeleteUser(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("session of a deleted user: %v", err)
		}
	})
}

// A dashboard session signs in to the dashboard only, a widget session to
// the widget only.
func TestSessionKindsAreSeparate(t *testing.T) {
	eachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := auth.NewSessions(st, nil)
		u := newUser(t, st, "ada@example.com")
		widget, _, err := s.Create(ctx, u.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		dash, _, err := s.CreateKind(ctx, u.ID, model.SessionDashboard, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, dash); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("a dashboard token authenticates a commenter: %v", err)
		}
		if _, _, err := s.SessionOf(ctx, widget, model.SessionDashboard); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("a widget token opens the dashboard: %v", err)
		}
		if sess, got, err := s.SessionOf(ctx, dash, model.SessionDashboard); err != nil || got.ID != u.ID || !sess.Remember {
			t.Errorf("the dashboard token in the dashboard: %+v, %+v, %v", sess, got, err)
		}
	})
}
