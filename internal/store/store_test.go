package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func TestMigrateIsIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
	})
}

func TestSites(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := &model.Site{Host: "example.com", Origins: []string{"https://www.example.com"}, Settings: model.DefaultSiteSettings()}
		site.Settings.Moderation = model.ModerationFirst
		if err := db.CreateSite(ctx, site); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSite(ctx, &model.Site{Host: "example.com"}); !errors.Is(err, store.ErrExists) {
			t.Errorf("duplicate host: got %v, want ErrExists", err)
		}
		got, err := db.SiteByHost(ctx, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(site, got); diff != "" {
			t.Errorf("site read back differs (-want +got):\n%s", diff)
		}
		if !got.AllowsOrigin("https://www.example.com") || !got.AllowsOrigin("http://example.com") || got.AllowsOrigin("https://evil.com") {
			t.Errorf("origins wrong: %v", got.AllowedOrigins())
		}
		if _, err := db.SiteByHost(ctx, "nope.example"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown host: got %v, want ErrNotFound", err)
		}
		mustSite(t, db, "a.example")
		sites, err := db.Sites(ctx)
		if err != nil || len(sites) != 2 || sites[0].Host != "a.example" {
			t.Errorf("Sites() = %v, %v; want 2 sites ordered by host", sites, err)
		}
	})
}

func TestCreateCommentRules(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		root := mustComment(t, db, site, "/a", 0, "root")
		reply := mustComment(t, db, site, "/a", root.ID, "reply")
		if reply.PageID != root.PageID {
			t.Errorf("reply on page %d, root on %d", reply.PageID, root.PageID)
		}
		other := &model.Comment{SiteID: site.ID, ParentID: root.ID, Text: "x", HTML: "x", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, other, store.NewComment{Path: "/b"}); !errors.Is(err, store.ErrParentPage) {
			t.Errorf("parent on another page: got %v, want ErrParentPage", err)
		}
		missing := &model.Comment{SiteID: site.ID, ParentID: 999999, Text: "x", HTML: "x", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, missing, store.NewComment{Path: "/a"}); !errors.Is(err, store.ErrParentPage) {
			t.Errorf("missing parent: got %v, want ErrParentPage", err)
		}
		if err := db.SetPageLocked(ctx, root.PageID, true); err != nil {
			t.Fatal(err)
		}
		locked := &model.Comment{SiteID: site.ID, Text: "x", HTML: "x", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, locked, store.NewComment{Path: "/a"}); !errors.Is(err, store.ErrPageLocked) {
			t.Errorf("locked page: got %v, want ErrPageLocked", err)
		}
		page, count, err := db.PageByPath(ctx, site.ID, "/a")
		if err != nil || !page.Locked || count != 2 {
			t.Errorf("page = %+v count %d err %v; want locked with 2 comments", page, count, err)
		}
	})
}

func TestPageTitleKeptFromFirstComment(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		for _, title := range []string{"", "First title", "Second title"} {
			c := &model.Comment{SiteID: site.ID, Text: "x", HTML: "x", Status: model.StatusApproved}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/t", Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		page, _, err := db.PageByPath(ctx, site.ID, "/t")
		if err != nil || page.Title != "First title" {
			t.Errorf("title = %q (%v), want the first non-empty title", page.Title, err)
		}
	})
}

func TestCommentRoundTripOpensSealedData(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		c := &model.Comment{SiteID: site.ID, GuestName: "Zoë", GuestEmail: "zoe@example.org", GuestWebsite: "https://zoe.example",
			Text: "hi", HTML: "<p>hi</p>", Status: model.StatusPending, IP: "203.0.113.9", UserAgent: "Firefox", EditTokenHash: []byte{1, 2, 3}}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.GuestEmail != c.GuestEmail || got.IP != c.IP || got.UserAgent != c.UserAgent || got.GuestName != "Zoë" ||
			got.Status != model.StatusPending || !got.CreatedAt.Equal(c.CreatedAt) || string(got.EditTokenHash) != "\x01\x02\x03" {
			t.Errorf("comment read back = %+v, want %+v", got, c)
		}
		if _, err := db.Comment(ctx, 424242); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing comment: got %v, want ErrNotFound", err)
		}
	})
}

func ids(cs []model.Comment) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestThreadSortsAndPages(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site := mustSite(t, db, "example.com")
		var roots []*model.Comment
		for i := range 5 {
			roots = append(roots, mustComment(t, db, site, "/p", 0, "root"))
			clk.advance(time.Minute)
			if i == 1 {
				mustComment(t, db, site, "/p", roots[1].ID, "reply")
				clk.advance(time.Minute)
			}
		}
		// roots[3] gets the best score.
		if _, err := db.Vote(ctx, site.ID, roots[3].ID, store.Voter{ID: []byte("v1")}, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Vote(ctx, site.ID, roots[0].ID, store.Voter{ID: []byte("v1")}, -1); err != nil {
			t.Fatal(err)
		}
		page, _, _ := db.PageByPath(ctx, site.ID, "/p")
		walk := func(sort string) [][]int64 {
			var pages [][]int64
			cursor := ""
			for range 10 {
				tp, err := db.Thread(ctx, store.ThreadQuery{PageID: page.ID, Sort: sort, Cursor: cursor, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				pages = append(pages, ids(tp.Comments))
				if cursor = tp.NextCursor; cursor == "" {
					break
				}
			}
			return pages
		}
		r := func(i int) int64 { return roots[i].ID }
		reply := roots[1].ID + 1
		want := map[string][][]int64{
			store.SortOldest: {{r(0), r(1), reply}, {r(2), r(3)}, {r(4)}},
			store.SortNewest: {{r(4), r(3)}, {r(2), r(1), reply}, {r(0)}},
			store.SortTop:    {{r(3), r(1), reply}, {r(2), r(4)}, {r(0)}},
		}
		for sort, w := range want {
			if got := walk(sort); !cmp.Equal(got, w) {
				t.Errorf("sort %s pages = %v, want %v", sort, got, w)
			}
		}
		if _, err := db.Thread(ctx, store.ThreadQuery{PageID: page.ID, Sort: store.SortTop, Cursor: "garbage", Limit: 2}); !errors.Is(err, store.ErrInvalidSort) {
			t.Errorf("bad cursor: got %v, want ErrInvalidSort", err)
		}
	})
}

func TestThreadStickyFirstAndHidesUnapproved(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		a := mustComment(t, db, site, "/p", 0, "a")
		pending := &model.Comment{SiteID: site.ID, Text: "p", HTML: "p", Status: model.StatusPending}
		if err := db.CreateComment(ctx, pending, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		sticky := &model.Comment{SiteID: site.ID, Text: "s", HTML: "s", Status: model.StatusApproved, Sticky: true}
		if err := db.CreateComment(ctx, sticky, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		spamParent := mustComment(t, db, site, "/p", 0, "later spam")
		mustComment(t, db, site, "/p", spamParent.ID, "reply to later spam")
		if err := db.SetCommentStatus(ctx, spamParent.ID, model.StatusSpam); err != nil {
			t.Fatal(err)
		}
		tp, err := db.Thread(ctx, store.ThreadQuery{PageID: a.PageID, Sort: store.SortOldest, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(tp.Comments), []int64{sticky.ID, a.ID}; !cmp.Equal(got, want) {
			t.Errorf("thread = %v, want sticky first, no pending, no spam subtree: %v", got, want)
		}
		_, count, _ := db.PageByPath(ctx, site.ID, "/p")
		if count != 3 {
			t.Errorf("comment count = %d, want 3 approved (a, sticky, orphaned reply)", count)
		}
	})
}

func TestDeleteKeepsPlaceholderOnlyWithReplies(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		root := mustComment(t, db, site, "/p", 0, "root")
		mid := mustComment(t, db, site, "/p", root.ID, "mid")
		leaf := mustComment(t, db, site, "/p", mid.ID, "leaf")
		lonely := mustComment(t, db, site, "/p", 0, "lonely")
		now := time.Now()
		for _, id := range []int64{root.ID, mid.ID, lonely.ID} {
			if err := db.DeleteComment(ctx, id, now); err != nil {
				t.Fatal(err)
			}
		}
		tp, err := db.Thread(ctx, store.ThreadQuery{PageID: root.PageID, Sort: store.SortOldest, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(tp.Comments), []int64{root.ID, mid.ID, leaf.ID}; !cmp.Equal(got, want) {
			t.Fatalf("thread = %v, want placeholders root, mid and the leaf: %v", got, want)
		}
		if c := tp.Comments[0]; c.Status != model.StatusDeleted || c.HTML != "" || c.GuestName != "" {
			t.Errorf("placeholder keeps content: %+v", c)
		}
		if _, err := db.Comment(ctx, lonely.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted comment without replies still stored: %v", err)
		}
		// Deleting the leaf removes it and the placeholders above it.
		if err := db.DeleteComment(ctx, leaf.ID, now); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{root.ID, mid.ID, leaf.ID} {
			if _, err := db.Comment(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("comment %d still stored after its subtree was deleted: %v", id, err)
			}
		}
		if _, count, _ := db.PageByPath(ctx, site.ID, "/p"); count != 0 {
			t.Errorf("count = %d after deleting everything", count)
		}
	})
}

func TestVotes(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		c := mustComment(t, db, site, "/p", 0, "x")
		steps := []struct {
			voter string
			value int
			want  store.VoteTally
		}{
			{"ann", 1, store.VoteTally{Score: 1, Upvotes: 1}},
			{"ann", 1, store.VoteTally{Score: 1, Upvotes: 1}}, // twice counts once
			{"bob", -1, store.VoteTally{Score: 0, Upvotes: 1, Downvotes: 1}},
			{"ann", -1, store.VoteTally{Score: -2, Downvotes: 2}}, // changed mind
			{"bob", 0, store.VoteTally{Score: -1, Downvotes: 1}},  // withdrawn
		}
		for i, s := range steps {
			got, err := db.Vote(ctx, site.ID, c.ID, store.Voter{ID: []byte(s.voter)}, s.value)
			if err != nil || got != s.want {
				t.Errorf("step %d: %s votes %d: got %+v, %v; want %+v", i, s.voter, s.value, got, err, s.want)
			}
		}
		mine, err := db.VotesOnPage(ctx, c.PageID, store.Voter{ID: []byte("ann")})
		if err != nil || !cmp.Equal(mine, map[int64]int{c.ID: -1}) {
			t.Errorf("VotesOnPage = %v, %v", mine, err)
		}
		if _, err := db.Vote(ctx, site.ID, 999999, store.Voter{ID: []byte("ann")}, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("vote on missing comment: %v", err)
		}
		if _, err := db.Vote(ctx, site.ID+1000, c.ID, store.Voter{ID: []byte("ann")}, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("vote through another site: %v", err)
		}
	})
}

func TestCountsAndViews(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		mustComment(t, db, site, "/a", 0, "1")
		mustComment(t, db, site, "/a", 0, "2")
		counts, err := db.Counts(ctx, site.ID, []string{"/a", "/none"})
		if err != nil || !cmp.Equal(counts, map[string]int{"/a": 2, "/none": 0}) {
			t.Errorf("Counts = %v, %v", counts, err)
		}
		views := map[store.PageView]int{
			{SiteID: site.ID, Path: "/a", Day: "2026-11-01"}:   3,
			{SiteID: site.ID, Path: "/new", Day: "2026-11-01"}: 1,
		}
		for range 2 {
			if _, err := db.AddViews(ctx, views); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.DailyViews(ctx, site.ID, "/a")
		if err != nil || !cmp.Equal(got, map[string]int{"2026-11-01": 6}) {
			t.Errorf("DailyViews(/a) = %v, %v; want 6 on one day", got, err)
		}
		if got, _ := db.DailyViews(ctx, site.ID, "/new"); got["2026-11-01"] != 2 {
			t.Errorf("views of a page without comments = %v, want 2", got)
		}
		// Views alone cannot create pages without bound.
		db.SetMaxPagesPerSite(3)
		flood := map[store.PageView]int{}
		for _, p := range []string{"/x1", "/x2", "/x3", "/a"} {
			flood[store.PageView{SiteID: site.ID, Path: p, Day: "2026-11-02"}] = 1
		}
		if _, err := db.AddViews(ctx, flood); err != nil {
			t.Fatal(err)
		}
		created := 0
		for _, p := range []string{"/x1", "/x2", "/x3"} {
			if _, _, err := db.PageByPath(ctx, site.ID, p); err == nil {
				created++
			}
		}
		if created != 1 {
			t.Errorf("views created %d pages beyond the limit of 3 (2 existed), want 1", created)
		}
		if got, _ := db.DailyViews(ctx, site.ID, "/a"); got["2026-11-02"] != 1 {
			t.Errorf("existing page's views dropped at the page limit: %v", got)
		}
	})
}

func TestPurgeIPs(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site := mustSite(t, db, "example.com")
		old := &model.Comment{SiteID: site.ID, Text: "x", HTML: "x", Status: model.StatusApproved, IP: "198.51.100.1", UserAgent: "UA"}
		if err := db.CreateComment(ctx, old, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		clk.advance(40 * 24 * time.Hour)
		recent := &model.Comment{SiteID: site.ID, Text: "y", HTML: "y", Status: model.StatusApproved, IP: "198.51.100.2", UserAgent: "UA", CreatedAt: clk.now()}
		if err := db.CreateComment(ctx, recent, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		n, err := db.PurgeIPs(ctx, clk.now().Add(-30*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("PurgeIPs = %d, %v; want 1", n, err)
		}
		o, _ := db.Comment(ctx, old.ID)
		r, _ := db.Comment(ctx, recent.ID)
		if o.IP != "" || o.UserAgent != "" || r.IP != "198.51.100.2" {
			t.Errorf("after purge: old ip %q ua %q, recent ip %q", o.IP, o.UserAgent, r.IP)
		}
	})
}

// rowCounts counts rows per table that belong to siteID.
func rowCounts(t *testing.T, db *sql.DB, rebind func(string) string, siteID int64) map[string]int {
	t.Helper()
	queries := map[string]string{
		"pages":            "SELECT COUNT(*) FROM pages WHERE site_id = ?",
		"comments":         "SELECT COUNT(*) FROM comments WHERE site_id = ?",
		"votes":            "SELECT COUNT(*) FROM votes v JOIN comments c ON c.id = v.comment_id WHERE c.site_id = ?",
		"page_views_daily": "SELECT COUNT(*) FROM page_views_daily WHERE site_id = ?",
		"sites":            "SELECT COUNT(*) FROM sites WHERE id = ?",
	}
	out := map[string]int{}
	for table, q := range queries {
		var n int
		if err := db.QueryRow(rebind(q), siteID).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

func TestDeleteSiteRemovesEverything(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		doomed := mustSite(t, db, "doomed.example")
		kept := mustSite(t, db, "kept.example")
		for _, site := range []*model.Site{doomed, kept} {
			root := mustComment(t, db, site, "/p", 0, "root")
			mustComment(t, db, site, "/p", root.ID, "reply")
			if _, err := db.Vote(ctx, site.ID, root.ID, store.Voter{ID: []byte("voter")}, 1); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddViews(ctx, map[store.PageView]int{{SiteID: site.ID, Path: "/p", Day: "2026-11-01"}: 2}); err != nil {
				t.Fatal(err)
			}
		}
		raw, rebind := rawDB(t, db)
		before := rowCounts(t, raw, rebind, doomed.ID)
		if before["comments"] != 2 || before["votes"] != 1 || before["page_views_daily"] != 1 {
			t.Fatalf("setup wrong: %v", before)
		}
		if err := db.DeleteSite(ctx, doomed.ID); err != nil {
			t.Fatal(err)
		}
		for table, n := range rowCounts(t, raw, rebind, doomed.ID) {
			if n != 0 {
				t.Errorf("%s still has %d rows of the deleted site", table, n)
			}
		}
		if got := rowCounts(t, raw, rebind, kept.ID); !cmp.Equal(got, before) {
			t.Errorf("other site's rows changed: %v, want %v", got, before)
		}
		if err := db.DeleteSite(ctx, doomed.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second delete: %v, want ErrNotFound", err)
		}
	})
}
