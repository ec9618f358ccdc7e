package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SuspendUser suspends an account at at and, in the same transaction, ends
// every session of it: it signs in nowhere (CreateSession refuses it) and
// its sites take no new comments until UnsuspendUser. Suspending a
// suspended account keeps its first time. ErrNotFound when there is no
// such account.
func (s *Store) SuspendUser(ctx context.Context, userID int64, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return s.updateUserEndingSessions(ctx, tx, "suspended_at = COALESCE(suspended_at, ?)", millis(at), userID)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: suspend user: %w", err)
	}
	return err
}

// UnsuspendUser lifts a suspension. ErrNotFound when there is no such account.
func (s *Store) UnsuspendUser(ctx context.Context, userID int64) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE users SET suspended_at = NULL WHERE id = ?"), userID)
	if err != nil {
		return fmt.Errorf("store: unsuspend user: %w", err)
	}
	return mustAffect(res)
}

// Suspended reports whether an account is suspended (false when there is
// no such account).
func (s *Store) Suspended(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM users WHERE id = ? AND suspended_at IS NOT NULL"), userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: suspended: %w", err)
	}
	return n > 0, nil
}
