package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SpendCaptcha records that the challenge identified by key (a hash, never
// anything about who solved it) was used, and reports whether this was the
// first use: false means a replay. The record is kept until expires, when
// the challenge would be refused as expired anyway; expired records are
// deleted here, so the table holds at most the challenges of one lifetime.
// Because the record is in the database, a replay is refused by every
// server sharing it.
func (s *Store) SpendCaptcha(ctx context.Context, key []byte, expires time.Time) (bool, error) {
	var fresh bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM captcha_spent WHERE expires_at < ?`), millis(s.now())); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO captcha_spent (challenge, expires_at) VALUES (?, ?)
			ON CONFLICT (challenge) DO NOTHING`), key, millis(expires))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		fresh = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: spend captcha: %w", err)
	}
	return fresh, nil
}
