package store

import (
	"context"
	"database/sql"
	"errors"
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

// PurgeSiteIPs erases the IP addresses and user agents of comments older
// than their site's retention period at now: the site's own shorter period
// (model.SiteSettings.IPRetention) or max, the operator's
// PARLEY_IP_RETENTION, whichever is shorter. It returns how many comments it
// touched.
func (s *Store) PurgeSiteIPs(ctx context.Context, now time.Time, max time.Duration) (int64, error) {
	sites, err := s.Sites(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: purge ips: %w", err)
	}
	var n int64
	for _, site := range sites {
		keep := site.Settings.IPRetention(max)
		if keep == max {
			continue // the instance-wide purge below covers it
		}
		res, err := s.write.ExecContext(ctx, s.q(`UPDATE comments SET ip_sealed = NULL, ua_sealed = NULL
			WHERE site_id = ? AND ip_sealed IS NOT NULL AND created_at < ?`), site.ID, millis(now.Add(-keep)))
		if err != nil {
			return n, fmt.Errorf("store: purge ips of site: %w", err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	k, err := s.PurgeIPs(ctx, now.Add(-max))
	return n + k, err
}

// unverifiedPurgeBatch bounds how many accounts one PurgeUnverifiedAccounts
// deletes; the rest wait for the next hourly run.
const unverifiedPurgeBatch = 500

// PurgeUnverifiedAccounts deletes the accounts made with a password before
// cutoff whose email was never confirmed, each as its owner's own deletion
// does (DeleteAccount, comments deleted): nobody proved that address was
// theirs. Operators, members of a site and owners of a live site are kept
// whatever their state. It returns how many accounts it deleted, at most
// unverifiedPurgeBatch.
func (s *Store) PurgeUnverifiedAccounts(ctx context.Context, cutoff time.Time) (int64, error) {
	ids, err := scanColumn[int64](s.read.QueryContext(ctx, s.q(fmt.Sprintf(`SELECT id FROM users u
		WHERE email_verified_at IS NULL AND password_hash IS NOT NULL AND role <> 'operator' AND created_at < ?
		AND NOT EXISTS (SELECT 1 FROM site_members m WHERE m.user_id = u.id)
		AND NOT EXISTS (SELECT 1 FROM sites o WHERE o.owner_id = u.id AND o.live)
		ORDER BY id LIMIT %d`, unverifiedPurgeBatch)), millis(cutoff)))
	if err != nil {
		return 0, fmt.Errorf("store: find unverified accounts: %w", err)
	}
	var n int64
	for _, id := range ids {
		err := s.eraseTx(ctx, func(tx *sql.Tx) error {
			// Confirmed meanwhile? The no-op update also locks the row, so
			// that a confirmation waits for this transaction (PostgreSQL).
			res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET email_verified_at = NULL
				WHERE id = ? AND email_verified_at IS NULL`), id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return ErrNotFound
			}
			_, err = s.deleteAccount(ctx, tx, id, EraseDelete)
			return err
		})
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("store: purge unverified account: %w", err)
		}
		n++
	}
	return n, nil
}
