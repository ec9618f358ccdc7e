package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Analytics reads only the daily view counters and comment rows (promise
// P6): no query here touches an IP, a user agent or any per-visitor data,
// because the counters hold none.
const (
	// MaxAnalyticsDays bounds the range of an analytics query, so that one
	// returns at most this many rows per day series.
	MaxAnalyticsDays = 366
	// MaxTopPages bounds the length of a top-pages list.
	MaxTopPages = 100
)

// ErrAnalyticsRange is returned for a range or a list length outside the
// bounds above.
var ErrAnalyticsRange = errors.New("store: analytics range out of bounds")

// AnalyticsRange is a run of whole UTC days: From (any time of day; its UTC
// date counts) and the Days that follow, From's included.
type AnalyticsRange struct {
	SiteID int64
	From   time.Time
	Days   int
}

// start is the range's first instant, midnight UTC.
func (r AnalyticsRange) start() time.Time {
	f := r.From.UTC()
	return time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, time.UTC)
}

func (r AnalyticsRange) check() error {
	if r.Days < 1 || r.Days > MaxAnalyticsDays {
		return fmt.Errorf("%w: %d days", ErrAnalyticsRange, r.Days)
	}
	return nil
}

// dayBounds returns the first and last day of the range as YYYY-MM-DD.
func (r AnalyticsRange) dayBounds() (first, last string) {
	s := r.start()
	return s.Format(time.DateOnly), s.AddDate(0, 0, r.Days-1).Format(time.DateOnly)
}

// PageCount is a page and a number counted for it in a range.
type PageCount struct {
	Path string
	N    int64
}

// DayViews are a site's page views of one day, and how many of them were
// made by signed-in visitors (a count, never who).
type DayViews struct {
	Views, LoggedIn int64
}

// ViewsPerDay returns the site's page views of each day of the range, one
// entry per day in order, zeros for days without views.
func (s *Store) ViewsPerDay(ctx context.Context, r AnalyticsRange) ([]DayViews, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	first, last := r.dayBounds()
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT day, CAST(SUM(views) AS BIGINT), CAST(SUM(logged_in_views) AS BIGINT)
		FROM page_views_daily WHERE site_id = ? AND day >= ? AND day <= ? GROUP BY day`), r.SiteID, first, last)
	if err != nil {
		return nil, fmt.Errorf("store: views per day: %w", err)
	}
	defer rows.Close()
	out := make([]DayViews, r.Days)
	start := r.start()
	for rows.Next() {
		var day string
		var n DayViews
		if err := rows.Scan(&day, &n.Views, &n.LoggedIn); err != nil {
			return nil, fmt.Errorf("store: views per day: %w", err)
		}
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return nil, fmt.Errorf("store: views per day: bad day %q: %w", day, err)
		}
		out[int(d.Sub(start)/(24*time.Hour))] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: views per day: %w", err)
	}
	return out, nil
}

// CommentsPerDay returns the site's approved comments created on each day
// of the range (by created_at, UTC), one entry per day in order, 0 for days
// without. Comments held, rejected as spam or deleted are not counted.
func (s *Store) CommentsPerDay(ctx context.Context, r AnalyticsRange) ([]int64, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	// The day of a comment is its offset from the range's midnight in whole
	// days of 86,400,000 ms: integer division in both databases.
	start := r.start()
	from, to := millis(start), millis(start.AddDate(0, 0, r.Days))
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT (created_at - ?) / 86400000 AS d, COUNT(*) FROM comments
		WHERE site_id = ? AND status = 'approved' AND created_at >= ? AND created_at < ? GROUP BY d`),
		from, r.SiteID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: comments per day: %w", err)
	}
	defer rows.Close()
	out := make([]int64, r.Days)
	for rows.Next() {
		var d, n int64
		if err := rows.Scan(&d, &n); err != nil {
			return nil, fmt.Errorf("store: comments per day: %w", err)
		}
		out[d] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: comments per day: %w", err)
	}
	return out, nil
}

// TopPagesByViews returns at most n pages of the site with the most views
// in the range, most first; ties go to the older page. Pages without views
// in the range are left out.
func (s *Store) TopPagesByViews(ctx context.Context, r AnalyticsRange, n int) ([]PageCount, error) {
	if err := checkTop(r, n); err != nil {
		return nil, err
	}
	first, last := r.dayBounds()
	out, err := s.pageCounts(ctx, `SELECT p.path, t.n FROM (
			SELECT page_id, CAST(SUM(views) AS BIGINT) AS n FROM page_views_daily
			WHERE site_id = ? AND day >= ? AND day <= ? GROUP BY page_id
		) t JOIN pages p ON p.id = t.page_id WHERE t.n > 0 ORDER BY t.n DESC, p.id LIMIT ?`,
		r.SiteID, first, last, n)
	if err != nil {
		return nil, fmt.Errorf("store: top pages by views: %w", err)
	}
	return out, nil
}

// TopPagesByComments returns at most n pages of the site with the most
// approved comments created in the range, most first; ties go to the older
// page.
func (s *Store) TopPagesByComments(ctx context.Context, r AnalyticsRange, n int) ([]PageCount, error) {
	if err := checkTop(r, n); err != nil {
		return nil, err
	}
	from := r.start()
	out, err := s.pageCounts(ctx, `SELECT p.path, t.n FROM (
			SELECT page_id, COUNT(*) AS n FROM comments
			WHERE site_id = ? AND status = 'approved' AND created_at >= ? AND created_at < ? GROUP BY page_id
		) t JOIN pages p ON p.id = t.page_id ORDER BY t.n DESC, p.id LIMIT ?`,
		r.SiteID, millis(from), millis(from.AddDate(0, 0, r.Days)), n)
	if err != nil {
		return nil, fmt.Errorf("store: top pages by comments: %w", err)
	}
	return out, nil
}

func checkTop(r AnalyticsRange, n int) error {
	if err := r.check(); err != nil {
		return err
	}
	if n < 1 || n > MaxTopPages {
		return fmt.Errorf("%w: top %d pages", ErrAnalyticsRange, n)
	}
	return nil
}

func (s *Store) pageCounts(ctx context.Context, query string, args ...any) ([]PageCount, error) {
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PageCount
	for rows.Next() {
		var pc PageCount
		if err := rows.Scan(&pc.Path, &pc.N); err != nil {
			return nil, err
		}
		out = append(out, pc)
	}
	return out, rows.Err()
}
