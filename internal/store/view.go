package store

import (
	"context"
	"database/sql"
	"fmt"
)

// PageView identifies the daily counter of one page: no visitor data at
// all, only where and when (promise P6).
type PageView struct {
	SiteID int64
	Path   string
	Day    string // YYYY-MM-DD, UTC
}

// DefaultMaxPagesPerSite bounds the pages that views alone may create on one
// site: thread reads are not rate-limited, and without a bound anyone could
// grow the database by requesting made-up paths. Views of further new paths
// are dropped; comments still create their pages.
const DefaultMaxPagesPerSite = 100_000

// SetMaxPagesPerSite changes the bound of pages created by views.
func (s *Store) SetMaxPagesPerSite(n int) { s.maxViewPages = n }

// AddViews adds counted views to the daily counters, creating pages that
// have no row yet (within the per-site bound), in one transaction.
func (s *Store) AddViews(ctx context.Context, views map[PageView]int) error {
	if len(views) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := millis(s.now())
		pages := map[int64]int{} // pages per site, read once per flush
		for v, n := range views {
			count, ok := pages[v.SiteID]
			if !ok {
				if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM pages WHERE site_id = ?"), v.SiteID).Scan(&count); err != nil {
					return err
				}
			}
			if count < s.maxViewPages {
				res, err := tx.ExecContext(ctx, s.q(`INSERT INTO pages (site_id, path, created_at) VALUES (?, ?, ?)
					ON CONFLICT (site_id, path) DO NOTHING`), v.SiteID, v.Path, now)
				if err != nil {
					return err
				}
				if added, _ := res.RowsAffected(); added > 0 {
					count++
				}
			}
			pages[v.SiteID] = count
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO page_views_daily (page_id, site_id, day, views)
				SELECT id, site_id, ?, ? FROM pages WHERE site_id = ? AND path = ?
				ON CONFLICT (page_id, day) DO UPDATE SET views = page_views_daily.views + excluded.views`),
				v.Day, n, v.SiteID, v.Path); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add views: %w", err)
	}
	return nil
}

// DailyViews returns the views of one page per day, for analytics and tests.
func (s *Store) DailyViews(ctx context.Context, siteID int64, path string) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT v.day, v.views FROM page_views_daily v
		JOIN pages p ON p.id = v.page_id WHERE p.site_id = ? AND p.path = ?`), siteID, path)
	if err != nil {
		return nil, fmt.Errorf("store: daily views: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var day string
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, fmt.Errorf("store: daily views: %w", err)
		}
		out[day] = n
	}
	return out, rows.Err()
}
