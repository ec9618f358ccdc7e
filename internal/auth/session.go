package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Session lifetimes (promise P11). A session ends at a fixed time after it
// was created, however often it is used.
const (
	SessionLifetime           = 2 * 24 * time.Hour
	RememberedSessionLifetime = 14 * 24 * time.Hour
)

// TouchInterval is how stale a session's last use may be: a use is written
// to the database only when the recorded one is at least this old, so that
// a busy reader costs no write per request.
const TouchInterval = time.Minute

// tokenBytes is the entropy of a session token.
const tokenBytes = 32

// ErrNoSession is returned for a token that names no live session: unknown,
// malformed, expired or revoked. Callers answer all of them alike.
var ErrNoSession = errors.New("auth: no such session")

// Sessions creates, checks and ends sessions.
type Sessions struct {
	Store *store.Store
	Now   func() time.Time
}

// NewSessions returns Sessions on st, telling time with now (time.Now when nil).
func NewSessions(st *store.Store, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{Store: st, Now: now}
}

// Create starts a widget session for a user and returns its token, which
// is shown to the caller once and never stored, and when it expires:
// SessionLifetime from now, or RememberedSessionLifetime with remember.
func (s *Sessions) Create(ctx context.Context, userID int64, remember bool) (token string, expires time.Time, err error) {
	return s.CreateKind(ctx, userID, model.SessionWidget, remember)
}

// CreateKind is Create for a session of the given kind.
func (s *Sessions) CreateKind(ctx context.Context, userID int64, kind model.SessionKind, remember bool) (token string, expires time.Time, err error) {
	token = newToken()
	now := s.Now().UTC().Truncate(time.Millisecond)
	lifetime := SessionLifetime
	if remember {
		lifetime = RememberedSessionLifetime
	}
	sess := &model.Session{UserID: userID, Kind: kind, Remember: remember, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(lifetime)}
	if err := s.Store.CreateSession(ctx, sess, hashToken(token)); err != nil {
		return "", time.Time{}, fmt.Errorf("auth: create session: %w", err)
	}
	return token, sess.ExpiresAt, nil
}

// Authenticate returns the user a widget session's token signs in, or
// ErrNoSession. Other errors are the database's.
func (s *Sessions) Authenticate(ctx context.Context, token string) (*model.User, error) {
	_, u, err := s.Session(ctx, token)
	return u, err
}

// Session is Authenticate that also returns the session itself. It records
// the use when the last recorded one is TouchInterval old or older. Only a
// widget session passes: a dashboard session's token signs in no commenter.
func (s *Sessions) Session(ctx context.Context, token string) (*model.Session, *model.User, error) {
	return s.SessionOf(ctx, token, model.SessionWidget)
}

// SessionOf is Session for a session of the given kind: a token of another
// kind is ErrNoSession, as an unknown one is, so that a widget token never
// opens the dashboard nor a dashboard token the widget's account routes.
func (s *Sessions) SessionOf(ctx context.Context, token string, kind model.SessionKind) (*model.Session, *model.User, error) {
	if !wellFormed(token) {
		return nil, nil, ErrNoSession
	}
	sess, u, err := s.Store.SessionByTokenHash(ctx, hashToken(token))
	if err == nil && sess.Kind != kind {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: session: %w", err)
	}
	now := s.Now()
	if !now.Before(sess.ExpiresAt) {
		return nil, nil, ErrNoSession
	}
	if now.Sub(sess.LastUsedAt) >= TouchInterval {
		if err := s.Store.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, nil, fmt.Errorf("auth: session: %w", err)
		}
		sess.LastUsedAt = now.UTC().Truncate(time.Millisecond)
	}
	return sess, u, nil
}

// Revoke ends the session of a token. A token that names no session is not
// an error: the session is over either way.
func (s *Sessions) Revoke(ctx context.Context, token string) error {
	if !wellFormed(token) {
		return nil
	}
	if err := s.Store.DeleteSession(ctx, hashToken(token)); err != nil {
		return fmt.Errorf("auth: revoke: %w", err)
	}
	return nil
}

// RevokeAll ends every session of a user ("log out everywhere").
func (s *Sessions) RevokeAll(ctx context.Context, userID int64) error {
	if _, err := s.Store.DeleteUserSessions(ctx, userID); err != nil {
		return fmt.Errorf("auth: revoke all: %w", err)
	}
	return nil
}

// List returns a user's live sessions, the most recently used first. A
// session carries no token, only its times and kind.
func (s *Sessions) List(ctx context.Context, userID int64) ([]model.Session, error) {
	list, err := s.Store.UserSessions(ctx, userID, s.Now())
	if err != nil {
		return nil, fmt.Errorf("auth: list sessions: %w", err)
	}
	return list, nil
}

// Purge deletes the sessions that have expired; the hourly retention job
// calls it. It returns how many it deleted.
func (s *Sessions) Purge(ctx context.Context) (int64, error) {
	return s.Store.PurgeSessions(ctx, s.Now())
}

// newToken returns tokenBytes random bytes, base64url-encoded.
func newToken() string {
	raw := make([]byte, tokenBytes)
	rand.Read(raw) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// hashToken is what the database holds instead of a token. A plain SHA-256
// suffices: the token has 256 random bits, so nothing can be guessed from it.
func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// wellFormed reports whether token looks like one Create made, so that
// garbage costs no database query.
func wellFormed(token string) bool {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}
