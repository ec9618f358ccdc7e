package analytics

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// ranges are the report lengths in days that the dashboard offers (ErrDays
// names them).
var ranges = [...]int{7, 30, 90}

// TopPages is the length of the report's top-pages lists.
const TopPages = 10

// ErrDays is returned for a number of days that is not one of ranges.
var ErrDays = errors.New("days must be 7, 30 or 90")

// ParseDays reads the days parameter of a request: empty means 30, else it
// must be 7, 30 or 90.
func ParseDays(s string) (int, error) {
	if s == "" {
		return 30, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || !validDays(n) {
		return 0, ErrDays
	}
	return n, nil
}

func validDays(n int) bool {
	for _, d := range ranges {
		if n == d {
			return true
		}
	}
	return false
}

// Source is what a report is read from; *store.Store implements it.
type Source interface {
	ViewsPerDay(ctx context.Context, r store.AnalyticsRange) ([]store.DayViews, error)
	CommentsPerDay(ctx context.Context, r store.AnalyticsRange) ([]int64, error)
	TopPagesByViews(ctx context.Context, r store.AnalyticsRange, n int) ([]store.PageCount, error)
	TopPagesByComments(ctx context.Context, r store.AnalyticsRange, n int) ([]store.PageCount, error)
}

// Day is one day of a report.
type Day struct {
	Date     time.Time // midnight UTC
	Views    int64
	LoggedIn int64 // of Views, those made with a valid session
	Comments int64
}

// Report is a site's analytics over whole UTC days ending today.
type Report struct {
	Host          string
	Days          []Day // oldest first; the last is today
	TopByViews    []store.PageCount
	TopByComments []store.PageCount
	Views         int64 // sum over Days
	LoggedIn      int64 // sum over Days
	Comments      int64 // sum over Days
}

// LoggedInShare is the percentage of the views made by signed-in visitors,
// rounded to the nearest whole number, and false when there were no views.
func (r *Report) LoggedInShare() (int64, bool) {
	if r.Views == 0 {
		return 0, false
	}
	return (r.LoggedIn*100 + r.Views/2) / r.Views, true
}

// Build reads the report of the site over the days (7, 30 or 90) ending
// with today's UTC date as given by now; today counts only the views
// already flushed from memory.
func Build(ctx context.Context, src Source, siteID int64, host string, days int, now time.Time) (*Report, error) {
	if !validDays(days) {
		return nil, ErrDays
	}
	today := now.UTC()
	r := store.AnalyticsRange{SiteID: siteID, From: today.AddDate(0, 0, 1-days), Days: days}
	views, err := src.ViewsPerDay(ctx, r)
	if err != nil {
		return nil, err
	}
	comments, err := src.CommentsPerDay(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(views) != days || len(comments) != days {
		return nil, fmt.Errorf("analytics: %d days of views and %d of comments, want %d", len(views), len(comments), days)
	}
	rep := &Report{Host: host, Days: make([]Day, days)}
	first := time.Date(r.From.Year(), r.From.Month(), r.From.Day(), 0, 0, 0, 0, time.UTC)
	for i := range rep.Days {
		rep.Days[i] = Day{Date: first.AddDate(0, 0, i), Views: views[i].Views, LoggedIn: views[i].LoggedIn, Comments: comments[i]}
		rep.Views += views[i].Views
		rep.LoggedIn += views[i].LoggedIn
		rep.Comments += comments[i]
	}
	if rep.TopByViews, err = src.TopPagesByViews(ctx, r, TopPages); err != nil {
		return nil, err
	}
	if rep.TopByComments, err = src.TopPagesByComments(ctx, r, TopPages); err != nil {
		return nil, err
	}
	return rep, nil
}
