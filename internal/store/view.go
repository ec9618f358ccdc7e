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

// AddViews adds counted views to the daily counters, creating pages that
// have no row yet, in one transaction.
func (s *Store) AddViews(ctx context.Context, views map[PageView]int) error {
	if len(views) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := millis(s.now())
		for v, n := range views {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO pages (site_id, path, created_at) VALUES (?, ?, ?)
				ON CONFLICT (site_id, path) DO NOTHING`), v.SiteID, v.Path, now); err != nil {
				return err
			}
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
