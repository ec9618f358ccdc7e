package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestPurgeSiteIPs: a site that chose a shorter IP retention loses its
// commenters' addresses and user agents sooner; one that asked for longer
// than the operator allows keeps them no longer than the others.
func TestPurgeSiteIPs(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		now := clk.now()
		const max = 30 * 24 * time.Hour
		site := func(host string, days int) *model.Site {
			s := &model.Site{Host: host, Settings: model.DefaultSiteSettings()}
			s.Settings.IPRetentionDays = days
			if err := db.CreateSite(ctx, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		short, plain, long := site("short.example", 7), site("plain.example", 0), site("long.example", 60)
		comment := func(s *model.Site, age time.Duration) int64 {
			clk.t = now.Add(-age)
			defer func() { clk.t = now }()
			c := &model.Comment{SiteID: s.ID, Text: "x", HTML: "x", Status: model.StatusApproved, IP: "198.51.100.9", UserAgent: "UA"}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		day := 24 * time.Hour
		kept := []int64{comment(short, day), comment(plain, 10*day), comment(long, 10*day)}
		purged := []int64{comment(short, 10*day), comment(short, 40*day), comment(plain, 40*day), comment(long, 40*day)}

		n, err := db.PurgeSiteIPs(ctx, now, max)
		if err != nil || n != int64(len(purged)) {
			t.Fatalf("PurgeSiteIPs = %d, %v; want %d", n, err, len(purged))
		}
		for _, id := range kept {
			if c, _ := db.Comment(ctx, id); c.IP == "" || c.UserAgent == "" {
				t.Errorf("comment %d of site %d lost its IP before its site's period", id, c.SiteID)
			}
		}
		for _, id := range purged {
			if c, _ := db.Comment(ctx, id); c.IP != "" || c.UserAgent != "" {
				t.Errorf("comment %d of site %d keeps IP %q and agent %q past its site's period", id, c.SiteID, c.IP, c.UserAgent)
			}
		}
	})
}

// BenchmarkPurgeSiteIPs measures the hourly purge on an instance of 500
// sites, 50 of which keep IP addresses for less than the operator, with
// 20 comments each: one listing of the sites and one update per shorter
// site, each through the comments_ip_age index.
func BenchmarkPurgeSiteIPs(b *testing.B) {
	db := openSQLite(b)
	ctx := context.Background()
	for i := range 500 {
		s := &model.Site{Host: fmt.Sprintf("s%d.example", i), Settings: model.DefaultSiteSettings()}
		if i%10 == 0 {
			s.Settings.IPRetentionDays = 7
		}
		if err := db.CreateSite(ctx, s); err != nil {
			b.Fatal(err)
		}
		for range 20 {
			c := &model.Comment{SiteID: s.ID, Text: "x", HTML: "x", Status: model.StatusApproved, IP: "198.51.100.9", UserAgent: "UA"}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	now := time.Now().Add(10 * 24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.PurgeSiteIPs(ctx, now, 30*24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
