package store

import (
	"context"
	"fmt"
	"time"
)

// PurgeIPs erases the IP addresses and user agents of comments written
// before cutoff (promise P5) and returns how many comments it touched.
func (s *Store) PurgeIPs(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE comments SET ip_sealed = NULL, ua_sealed = NULL
		WHERE ip_sealed IS NOT NULL AND created_at < ?`), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge ips: %w", err)
	}
	return res.RowsAffected()
}
