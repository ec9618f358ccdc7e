package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Sessions are stored by the SHA-256 of their token (tokenHash); the store
// never sees a token. Lifetimes and the rules of use are package auth's.

const sessionColumns = "s.id, s.user_id, s.kind, s.remember, s.created_at, s.last_used_at, s.expires_at"

// CreateSession stores a new session; sess.ID is filled in. CreatedAt,
// LastUsedAt and ExpiresAt are the caller's. A suspended account gets no
// session: ErrSuspended, whatever way it signed in.
func (s *Store) CreateSession(ctx context.Context, sess *model.Session, tokenHash []byte) error {
	err := s.write.QueryRowContext(ctx, s.q(`INSERT INTO sessions (token_hash, user_id, kind, remember, created_at, last_used_at, expires_at)
		SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = ? AND suspended_at IS NOT NULL) RETURNING id`),
		tokenHash, sess.UserID, string(sess.Kind), sess.Remember, millis(sess.CreatedAt), millis(sess.LastUsedAt), millis(sess.ExpiresAt),
		sess.UserID).Scan(&sess.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrSuspended
	}
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByTokenHash returns a session with its user, expired or not, or
// ErrNotFound when no session has that token.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash []byte) (*model.Session, *model.User, error) {
	row := s.read.QueryRowContext(ctx, s.q("SELECT "+userColumns+", "+sessionColumns+
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?"), tokenHash)
	var sess model.Session
	var kind string
	var created, used, expires int64
	u, err := s.scanUser(row, &sess.ID, &sess.UserID, &kind, &sess.Remember, &created, &used, &expires)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("store: session: %w", err)
		}
		return nil, nil, err
	}
	sess.Kind = model.SessionKind(kind)
	sess.CreatedAt, sess.LastUsedAt, sess.ExpiresAt = fromMillis(created), fromMillis(used), fromMillis(expires)
	return &sess, u, nil
}

// TouchSession records that a session was used at t.
func (s *Store) TouchSession(ctx context.Context, id int64, t time.Time) error {
	if _, err := s.write.ExecContext(ctx, s.q("UPDATE sessions SET last_used_at = ? WHERE id = ?"), millis(t), id); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends the session with that token; ending one that does not
// exist (any more) is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := s.write.ExecContext(ctx, s.q("DELETE FROM sessions WHERE token_hash = ?"), tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user and returns how many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM sessions WHERE user_id = ?"), userID)
	if err != nil {
		return 0, fmt.Errorf("store: delete user sessions: %w", err)
	}
	return res.RowsAffected()
}

// UserSessions lists a user's sessions that have not expired at now, the
// most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]model.Session, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+sessionColumns+
		" FROM sessions s WHERE s.user_id = ? AND s.expires_at > ? ORDER BY s.last_used_at DESC, s.id DESC"), userID, millis(now))
	if err != nil {
		return nil, fmt.Errorf("store: user sessions: %w", err)
	}
	defer rows.Close()
	out := []model.Session{}
	for rows.Next() {
		var sess model.Session
		var kind string
		var created, used, expires int64
		if err := rows.Scan(&sess.ID, &sess.UserID, &kind, &sess.Remember, &created, &used, &expires); err != nil {
			return nil, fmt.Errorf("store: user sessions: %w", err)
		}
		sess.Kind = model.SessionKind(kind)
		sess.CreatedAt, sess.LastUsedAt, sess.ExpiresAt = fromMillis(created), fromMillis(used), fromMillis(expires)
		out = append(out, sess)
	}
	return out, rows.Err()
}

// PurgeSessions deletes the sessions that expired before cutoff and returns
// how many it deleted; the hourly retention job calls it.
func (s *Store) PurgeSessions(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM sessions WHERE expires_at < ?"), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge sessions: %w", err)
	}
	return res.RowsAffected()
}
