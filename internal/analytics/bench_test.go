package analytics

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// BenchmarkReport90Days builds and draws the 90-day report of a site with
// 10,000 pages, each viewed on 9 of the 90 days (90,000 counters), and
// 2,000 approved comments, on SQLite.
func BenchmarkReport90Days(b *testing.B) {
	const pages, comments = 10_000, 2_000
	st := openStore(b)
	st.SetNewPagesPerDay(pages)
	ctx := context.Background()
	site := mustSite(b, st, "example.com")
	views := map[store.PageView]int{}
	for p := range pages {
		for k := range 9 {
			day := testNow.AddDate(0, 0, -(p+k*10)%90).Format(time.DateOnly)
			views[store.PageView{SiteID: site.ID, Path: fmt.Sprintf("/page-%d", p), Day: day}] = 1 + p%50
		}
	}
	if _, err := st.AddViews(ctx, views); err != nil {
		b.Fatal(err)
	}
	for i := range comments {
		c := &model.Comment{SiteID: site.ID, GuestName: "Ann", Text: "hi", HTML: "<p>hi</p>", Status: model.StatusApproved}
		if err := st.CreateComment(ctx, c, store.NewComment{Path: fmt.Sprintf("/page-%d", i*7%pages)}); err != nil {
			b.Fatal(err)
		}
	}
	h := testHandler(st)
	for b.Loop() {
		if _, err := h.Fragment(ctx, site, 90); err != nil {
			b.Fatal(err)
		}
	}
}
