package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Analytics count views by their day and approved comments by the UTC day
// they were created, fill days without any with zeros, stop exactly at the
// range's midnights and never count another site's pages.
func TestAnalyticsQueries(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site := mustSite(t, db, "example.com")
		other := mustSite(t, db, "other.example")
		commentAt := func(s *model.Site, at time.Time, path string, status model.Status) {
			t.Helper()
			clk.t = at
			c := &model.Comment{SiteID: s.ID, GuestName: "Ann", Text: "hi", HTML: "<p>hi</p>", Status: status}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: path}); err != nil {
				t.Fatal(err)
			}
		}
		day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
		// The range is 2026-11-02 .. 2026-11-08.
		commentAt(site, day(2).Add(-time.Millisecond), "/a", model.StatusApproved) // the day before: out
		commentAt(site, day(2), "/a", model.StatusApproved)                        // first instant: in
		commentAt(site, day(2).Add(time.Hour), "/b", model.StatusApproved)
		commentAt(site, day(5), "/b", model.StatusApproved)
		commentAt(site, day(5).Add(2*time.Hour), "/b", model.StatusPending)        // held: not counted
		commentAt(site, day(9).Add(-time.Millisecond), "/c", model.StatusApproved) // last instant: in
		commentAt(site, day(9), "/c", model.StatusApproved)                        // the day after: out
		commentAt(other, day(4), "/a", model.StatusApproved)
		views := map[store.PageView]int{
			{SiteID: site.ID, Path: "/a", Day: "2026-11-01"}:                   1000, // the day before: out
			{SiteID: site.ID, Path: "/a", Day: "2026-11-02"}:                   3,
			{SiteID: site.ID, Path: "/b", Day: "2026-11-02"}:                   4,
			{SiteID: site.ID, Path: "/c", Day: "2026-11-04"}:                   20,
			{SiteID: site.ID, Path: "/c", Day: "2026-11-04", LoggedIn: true}:   2,
			{SiteID: site.ID, Path: "/new", Day: "2026-11-08", LoggedIn: true}: 1, // a new page, created once
			{SiteID: site.ID, Path: "/new", Day: "2026-11-08"}:                 2,
			{SiteID: site.ID, Path: "/a", Day: "2026-11-08"}:                   5,
			{SiteID: site.ID, Path: "/b", Day: "2026-11-08"}:                   1,
			{SiteID: site.ID, Path: "/a", Day: "2026-11-09"}:                   1000, // the day after: out
			{SiteID: other.ID, Path: "/a", Day: "2026-11-04"}:                  1000,
			{SiteID: other.ID, Path: "/z", Day: "2026-11-05"}:                  1000,
		}
		db.SetNewPagesPerDay(1) // /new's two counters make one new page and both count
		if _, err := db.AddViews(ctx, views); err != nil {
			t.Fatal(err)
		}
		// From is any time of the first day.
		r := store.AnalyticsRange{SiteID: site.ID, From: day(2).Add(23 * time.Hour), Days: 7}

		gotViews, err := db.ViewsPerDay(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := []store.DayViews{{7, 0}, {}, {22, 2}, {}, {}, {}, {9, 1}}; !cmp.Equal(gotViews, want) {
			t.Errorf("views per day %v, want %v", gotViews, want)
		}
		gotComments, err := db.CommentsPerDay(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{2, 0, 0, 1, 0, 0, 1}; !cmp.Equal(gotComments, want) {
			t.Errorf("comments per day %v, want %v", gotComments, want)
		}
		topViews, err := db.TopPagesByViews(ctx, r, 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := []store.PageCount{{"/c", 22}, {"/a", 8}, {"/b", 5}, {"/new", 3}}; !cmp.Equal(topViews, want) {
			t.Errorf("top pages by views %v, want %v", topViews, want)
		}
		topComments, err := db.TopPagesByComments(ctx, r, 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := []store.PageCount{{"/b", 2}, {"/a", 1}}; !cmp.Equal(topComments, want) {
			t.Errorf("top 2 pages by comments %v, want %v (ties go to the older page)", topComments, want)
		}
		empty := store.AnalyticsRange{SiteID: site.ID, From: day(20), Days: 3}
		if got, err := db.ViewsPerDay(ctx, empty); err != nil || !cmp.Equal(got, make([]store.DayViews, 3)) {
			t.Errorf("views of a range without any: %v, %v", got, err)
		}
	})
}

// Ranges and lists past their bounds are refused, not run.
func TestAnalyticsBounds(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	site := mustSite(t, db, "example.com")
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, days := range []int{0, -1, store.MaxAnalyticsDays + 1} {
		r := store.AnalyticsRange{SiteID: site.ID, From: from, Days: days}
		if _, err := db.ViewsPerDay(ctx, r); !errors.Is(err, store.ErrAnalyticsRange) {
			t.Errorf("views over %d days: %v", days, err)
		}
		if _, err := db.CommentsPerDay(ctx, r); !errors.Is(err, store.ErrAnalyticsRange) {
			t.Errorf("comments over %d days: %v", days, err)
		}
	}
	r := store.AnalyticsRange{SiteID: site.ID, From: from, Days: store.MaxAnalyticsDays}
	if got, err := db.ViewsPerDay(ctx, r); err != nil || len(got) != store.MaxAnalyticsDays {
		t.Errorf("views over the most days: %d entries, %v", len(got), err)
	}
	for _, n := range []int{0, store.MaxTopPages + 1} {
		if _, err := db.TopPagesByViews(ctx, r, n); !errors.Is(err, store.ErrAnalyticsRange) {
			t.Errorf("top %d by views: %v", n, err)
		}
		if _, err := db.TopPagesByComments(ctx, r, n); !errors.Is(err, store.ErrAnalyticsRange) {
			t.Errorf("top %d by comments: %v", n, err)
		}
	}
}
