package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/store"
)

// Reads of made-up paths create at most the daily bound of pages per site,
// the day rolls over at midnight UTC, the per-site total still holds, and
// comments create their pages whatever the bounds.
func TestViewsCreatePagesWithinBounds(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db) // 2026-11-01 12:00 UTC
		site := mustSite(t, db, "example.com")
		other := mustSite(t, db, "other.example")
		mustComment(t, db, site, "/commented", 0, "hello")
		db.SetNewPagesPerDay(5)
		raw, rebind := rawDB(t, db)
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := raw.QueryRowContext(ctx, rebind(query), args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		flood := func(siteID int64, prefix string, n int, extra ...string) store.ViewsAdded {
			t.Helper()
			day := clk.now().UTC().Format(time.DateOnly)
			views := map[store.PageView]int{}
			for i := range n {
				views[store.PageView{SiteID: siteID, Path: fmt.Sprintf("/%s-%d", prefix, i), Day: day}] = 1
			}
			for _, p := range extra {
				views[store.PageView{SiteID: siteID, Path: p, Day: day}] = 1
			}
			added, err := db.AddViews(ctx, views)
			if err != nil {
				t.Fatal(err)
			}
			return added
		}
		pages := func(siteID int64) int { return count("SELECT COUNT(*) FROM pages WHERE site_id = ?", siteID) }

		if got := flood(site.ID, "a", 8, "/commented"); !cmp.Equal(got, store.ViewsAdded{PagesCreated: 5, RefusedDaily: 3}) {
			t.Errorf("8 new paths under a daily bound of 5: %+v", got)
		}
		if got := flood(site.ID, "b", 3, "/commented"); !cmp.Equal(got, store.ViewsAdded{RefusedDaily: 3}) {
			t.Errorf("new paths past the day's bound: %+v", got)
		}
		if n := pages(site.ID); n != 6 {
			t.Errorf("%d pages after a day of made-up paths, want 6 (1 commented + 5)", n)
		}
		if n := count("SELECT COUNT(*) FROM page_views_daily WHERE site_id = ?", site.ID); n != 6 {
			t.Errorf("%d view rows, want 6: views of refused paths are dropped", n)
		}
		if got, _ := db.DailyViews(ctx, site.ID, "/commented"); got["2026-11-01"] != 2 {
			t.Errorf("views of an existing page past the bound: %v, want 2", got)
		}
		// Each site has its own bound; comments create pages past it.
		if got := flood(other.ID, "a", 2); got.PagesCreated != 2 {
			t.Errorf("another site's bound was spent: %+v", got)
		}
		mustComment(t, db, site, "/commented-after-the-bound", 0, "hi")

		clk.advance(12 * time.Hour) // 2026-11-02 00:00 UTC: a new day
		if got := flood(site.ID, "c", 8); got.PagesCreated != 5 {
			t.Errorf("the next day: %+v, want 5 pages created", got)
		}
		// The per-site total holds whatever the daily bound allows.
		db.SetMaxPagesPerSite(pages(site.ID) + 2)
		clk.advance(24 * time.Hour)
		if got := flood(site.ID, "d", 8); !cmp.Equal(got, store.ViewsAdded{PagesCreated: 2, RefusedSite: 6}) {
			t.Errorf("at the per-site total: %+v", got)
		}
		if n := pages(site.ID); n != 1+5+1+5+2 {
			t.Errorf("%d pages, want %d", n, 1+5+1+5+2)
		}
		db.SetNewPagesPerDay(0)
		if got := flood(other.ID, "e", 1); !cmp.Equal(got, store.ViewsAdded{RefusedDaily: 1}) {
			t.Errorf("a bound of 0 per day: %+v", got)
		}
		// Views pending for a site that was removed are dropped, not retried forever.
		if got, err := db.AddViews(ctx, map[store.PageView]int{{SiteID: other.ID + 1000, Path: "/x", Day: "2026-11-03"}: 1}); err != nil || got != (store.ViewsAdded{}) {
			t.Errorf("views of a removed site: %+v, %v", got, err)
		}
	})
}

// Several servers on one PostgreSQL database flush views at once; together
// they still create at most the daily bound of pages per site.
func TestViewsShareTheDailyBoundAcrossServers(t *testing.T) {
	ctx := context.Background()
	first := openPostgres(t)
	second, err := store.OpenPostgres(ctx, first.url, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	clk := newClock(first)
	second.SetClock(clk.now)
	site := mustSite(t, first, "example.com")
	const bound = 5
	for round := range 10 {
		first.SetNewPagesPerDay(bound * (round + 1))
		second.SetNewPagesPerDay(bound * (round + 1))
		results := make(chan store.ViewsAdded, 2)
		errs := make(chan error, 2)
		for i, st := range []*store.Store{first.Store, second} {
			go func() {
				views := map[store.PageView]int{}
				for j := range 20 {
					views[store.PageView{SiteID: site.ID, Path: fmt.Sprintf("/r%d/s%d/%d", round, i, j), Day: "2026-11-01"}] = 1
				}
				added, err := st.AddViews(ctx, views)
				results <- added
				errs <- err
			}()
		}
		created := 0
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			created += (<-results).PagesCreated
		}
		if created != bound {
			t.Fatalf("round %d: two servers created %d pages together, the day's bound allowed %d", round, created, bound)
		}
	}
}
