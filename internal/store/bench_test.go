package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// seedThread writes n root comments, every third with a reply.
func seedThread(b *testing.B, db *testDB, site *model.Site, path string, n int) int64 {
	b.Helper()
	ctx := context.Background()
	var pageID int64
	for i := range n {
		c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: "ann@example.com", Text: "text", HTML: "<p>text</p>", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: path}); err != nil {
			b.Fatal(err)
		}
		pageID = c.PageID
		if i%3 == 0 {
			r := &model.Comment{SiteID: site.ID, ParentID: c.ID, GuestName: "Bob", Text: "reply", HTML: "<p>reply</p>", Status: model.StatusApproved}
			if err := db.CreateComment(ctx, r, store.NewComment{Path: path}); err != nil {
				b.Fatal(err)
			}
		}
	}
	return pageID
}

// BenchmarkThreadRead reads the first page of threads of 100 and 10,000
// roots: pagination should make both cost about the same.
func BenchmarkThreadRead(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("sqlite/roots=%d", n), func(b *testing.B) {
			db := openSQLite(b)
			site := &model.Site{Host: "bench.example", Settings: model.DefaultSiteSettings()}
			if err := db.CreateSite(context.Background(), site); err != nil {
				b.Fatal(err)
			}
			pageID := seedThread(b, db, site, "/p", n)
			_, count, err := db.PageByPath(context.Background(), site.ID, "/p")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				// With the page's size, as the API asks: more than one query reads.
				if _, err := db.Thread(context.Background(), store.ThreadQuery{PageID: pageID, Sort: store.SortOldest, Limit: 50, Size: count}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateComment measures one comment write with sealing.
func BenchmarkCreateComment(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var db *testDB
			if name == "sqlite" {
				db = openSQLite(b)
			} else {
				db = openPostgres(b)
			}
			site := &model.Site{Host: "bench.example", Settings: model.DefaultSiteSettings()}
			if err := db.CreateSite(context.Background(), site); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: "ann@example.com", IP: "192.0.2.1", UserAgent: "UA",
					Text: "text", HTML: "<p>text</p>", Status: model.StatusApproved}
				if err := db.CreateComment(context.Background(), c, store.NewComment{Path: "/p"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
