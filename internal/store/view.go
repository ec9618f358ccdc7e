package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// PageView identifies the daily counter of one page: no visitor data at
// all, only where and when (promise P6).
type PageView struct {
	SiteID   int64
	Path     string
	Day      string // YYYY-MM-DD, UTC
	LoggedIn bool   // the views were made with a valid session; also counted in logged_in_views
}

// Thread reads are not rate-limited, so without bounds anyone could grow the
// database by reading made-up paths: every new path a view names would be a
// page row, and every page a view row each day. Views therefore create pages
// only within two bounds per site; views of further new paths are dropped.
// Comments always create their page.
const (
	// DefaultNewPagesPerDay bounds the pages views may create on one site
	// per UTC day (PARLEY_NEW_PAGES_PER_DAY), so that the total below is
	// reached only slowly: 100 days at the default.
	DefaultNewPagesPerDay = 1_000
	// DefaultMaxPagesPerSite bounds the pages of one site (however they were
	// created) past which views create no more.
	DefaultMaxPagesPerSite = 100_000
)

type viewPageLimits struct {
	perDay, perSite int
}

var defaultViewPageLimits = viewPageLimits{perDay: DefaultNewPagesPerDay, perSite: DefaultMaxPagesPerSite}

// SetMaxPagesPerSite changes the bound of a site's pages past which views
// create no more.
func (s *Store) SetMaxPagesPerSite(n int) { s.viewPages.perSite = n }

// SetNewPagesPerDay changes the bound of pages views may create on one site
// per UTC day; 0 means that only comments create pages. Call it before use.
func (s *Store) SetNewPagesPerDay(n int) { s.viewPages.perDay = n }

// ViewsAdded says what AddViews did with paths that had no page yet.
type ViewsAdded struct {
	PagesCreated int // pages created for views
	RefusedDaily int // new paths whose views were dropped: the site's daily bound was reached
	RefusedSite  int // new paths whose views were dropped: the site has the most pages allowed
}

// AddViews adds counted views to the daily counters in one transaction. A
// path with no page gets one while its site is within both bounds (see
// DefaultNewPagesPerDay); otherwise, and for sites that no longer exist, its
// views are dropped.
func (s *Store) AddViews(ctx context.Context, views map[PageView]int) (ViewsAdded, error) {
	var added ViewsAdded
	if len(views) == 0 {
		return added, nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var missing []PageView
		used := map[siteMonth]int{}
		for v, n := range views {
			counted, err := s.addView(ctx, tx, v, n, used)
			if err != nil {
				return err
			}
			if !counted {
				missing = append(missing, v)
			}
		}
		var err error
		if added, err = s.addViewsOfNewPages(ctx, tx, missing, views, used); err != nil {
			return err
		}
		return s.addUsageViews(ctx, tx, used)
	})
	if err != nil {
		return ViewsAdded{}, fmt.Errorf("store: add views: %w", err)
	}
	return added, nil
}

// addViewsOfNewPages creates the pages of missing paths within their sites'
// bounds and counts their views. Sites are taken in the order of their ids,
// so that concurrent flushes lock them in one order and never deadlock.
func (s *Store) addViewsOfNewPages(ctx context.Context, tx *sql.Tx, missing []PageView, views map[PageView]int, used map[siteMonth]int) (ViewsAdded, error) {
	var added ViewsAdded
	slices.SortFunc(missing, func(a, b PageView) int {
		return cmp.Or(cmp.Compare(a.SiteID, b.SiteID), strings.Compare(a.Path, b.Path), strings.Compare(a.Day, b.Day), compareBool(a.LoggedIn, b.LoggedIn))
	})
	budgets := map[int64]*pageBudget{}
	for i, v := range missing {
		// The views of a path on another day, or by signed-in visitors, may
		// have just created its page: count these without spending a bound.
		if i > 0 && missing[i-1].SiteID == v.SiteID && missing[i-1].Path == v.Path {
			if counted, err := s.addView(ctx, tx, v, views[v], used); err != nil || counted {
				if err != nil {
					return added, err
				}
				continue
			}
		}
		b, ok := budgets[v.SiteID]
		if !ok {
			var err error
			if b, err = s.pageBudget(ctx, tx, v.SiteID); err != nil {
				return added, err
			}
			budgets[v.SiteID] = b
		}
		switch {
		case b == nil: // the site is gone
			continue
		case b.today >= s.viewPages.perDay:
			added.RefusedDaily++
			continue
		case b.total >= s.viewPages.perSite:
			added.RefusedSite++
			continue
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO pages (site_id, path, created_at, created_by_read) VALUES (?, ?, ?, TRUE)
			ON CONFLICT (site_id, path) DO NOTHING`), v.SiteID, v.Path, millis(s.now()))
		if err != nil {
			return added, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return added, err
		} else if n > 0 { // else a comment, or a view of the path on another day, created it
			b.today++
			b.total++
			added.PagesCreated++
		}
		if _, err := s.addView(ctx, tx, v, views[v], used); err != nil {
			return added, err
		}
	}
	return added, nil
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

// addView adds n views to the path's counter of the day, reporting false
// when the path has no page; counted views are added to used, for the
// owner's monthly usage.
func (s *Store) addView(ctx context.Context, tx *sql.Tx, v PageView, n int, used map[siteMonth]int) (bool, error) {
	loggedIn := 0
	if v.LoggedIn {
		loggedIn = n
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO page_views_daily (page_id, site_id, day, views, logged_in_views)
		SELECT id, site_id, ?, ?, ? FROM pages WHERE site_id = ? AND path = ?
		ON CONFLICT (page_id, day) DO UPDATE SET views = page_views_daily.views + excluded.views,
			logged_in_views = page_views_daily.logged_in_views + excluded.logged_in_views`),
		v.Day, n, loggedIn, v.SiteID, v.Path)
	if err != nil {
		return false, err
	}
	added, err := res.RowsAffected()
	if added > 0 {
		used[siteMonth{v.SiteID, dayMonth(v.Day)}] += n
	}
	return added > 0, err
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// pageBudget is what a site has used of the bounds on pages created by views.
type pageBudget struct {
	today int // pages created by views since midnight UTC
	total int // all pages
}

// pageBudget reads a site's use of the page bounds, or nil when the site no
// longer exists. It first takes the site's row lock, so that several
// servers adding views at once cannot pass the bounds together.
func (s *Store) pageBudget(ctx context.Context, tx *sql.Tx, siteID int64) (*pageBudget, error) {
	res, err := tx.ExecContext(ctx, s.q("UPDATE sites SET created_at = created_at WHERE id = ?"), siteID)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, err
	}
	now := s.now().UTC()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var b pageBudget
	err = tx.QueryRowContext(ctx, s.q(`SELECT
		(SELECT COUNT(*) FROM pages WHERE site_id = ? AND created_by_read AND created_at >= ?),
		(SELECT COUNT(*) FROM pages WHERE site_id = ?)`), siteID, millis(midnight), siteID).Scan(&b.today, &b.total)
	if err != nil {
		return nil, err
	}
	return &b, nil
}
