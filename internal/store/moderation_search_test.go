package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// searchFixture is a site with comments by a guest with email, a guest
// without, and an account, on two pages, in two statuses.
func searchFixture(t *testing.T, db *testDB) (*model.Site, *model.User, map[string]*model.Comment) {
	ctx := context.Background()
	clock := newClock(db)
	site := mustSite(t, db, "search.example")
	acct := &model.User{Name: "Ada Account", Email: "ada@example.com", Role: model.RoleCommenter}
	if err := db.CreateUser(ctx, acct); err != nil {
		t.Fatal(err)
	}
	out := map[string]*model.Comment{}
	for _, c := range []struct {
		key, path, name, email string
		author                 int64
		status                 model.Status
		text                   string
	}{
		{"gus1", "/news/one", "Gus Guest", "gus@example.com", 0, model.StatusPending, "Cheap PILLS here 100%"},
		{"gus2", "/news/two", "Gus Guest", "GUS@example.com", 0, model.StatusApproved, "a fair point"},
		{"nemo", "/news/one", "Nemo", "", 0, model.StatusPending, "no email, 100_percent"},
		{"ada", "/blog/x", "", "", acct.ID, model.StatusPending, "written by the account"},
	} {
		clock.advance(time.Second)
		m := &model.Comment{SiteID: site.ID, AuthorID: c.author, GuestName: c.name, GuestEmail: c.email, Text: c.text,
			HTML: "<p>" + c.text + "</p>", Status: c.status, CreatedAt: clock.now()}
		if err := db.CreateComment(ctx, m, store.NewComment{Path: c.path}); err != nil {
			t.Fatal(err)
		}
		out[c.key] = m
	}
	return site, acct, out
}

func TestSearchModerationQueue(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, _, c := searchFixture(t, db)
		for _, tt := range []struct {
			name   string
			status model.Status
			search store.Search
			want   []int64
		}{
			{"text, any case", model.StatusPending, store.Search{Text: "pills"}, []int64{c["gus1"].ID}},
			{"% and _ are literal", model.StatusPending, store.Search{Text: "100%"}, []int64{c["gus1"].ID}},
			{"_ literal", model.StatusPending, store.Search{Text: "100_"}, []int64{c["nemo"].ID}},
			{"author name", model.StatusPending, store.Search{AuthorName: "gus"}, []int64{c["gus1"].ID}},
			{"account name", model.StatusPending, store.Search{AuthorName: "ada acc"}, []int64{c["ada"].ID}},
			{"guest email by index", model.StatusApproved, store.Search{AuthorEmail: " Gus@Example.com"}, []int64{c["gus2"].ID}},
			{"account email by index", model.StatusPending, store.Search{AuthorEmail: "ada@example.com"}, []int64{c["ada"].ID}},
			{"path", model.StatusPending, store.Search{Path: "/news/"}, []int64{c["nemo"].ID, c["gus1"].ID}},
			{"combined", model.StatusPending, store.Search{Path: "/news/one", AuthorName: "nemo"}, []int64{c["nemo"].ID}},
			{"the tab counts", model.StatusSpam, store.Search{Text: "pills"}, nil},
		} {
			got, err := db.ModerationQueue(ctx, store.QueueQuery{SiteID: site.ID, Status: tt.status, Limit: 10, Search: tt.search})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var ids []int64
			for _, q := range got {
				ids = append(ids, q.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, ids, tt.want)
			}
		}
		long := strings.Repeat("x", store.MaxSearchLength+1)
		if _, err := db.ModerationQueue(ctx, store.QueueQuery{SiteID: site.ID, Status: model.StatusPending, Limit: 10,
			Search: store.Search{Path: long}}); !errors.Is(err, store.ErrSearchTooLong) {
			t.Errorf("a term over MaxSearchLength: %v", err)
		}
	})
}

// TestSearchScansTheNewestOnly: a search looks at the tab's newest
// MaxSearchScan comments, so an older match is not found.
func TestSearchScansTheNewestOnly(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	site := mustSite(t, db, "big.example")
	old := mustComment(t, db, site, "/p", 0, "needle in the oldest")
	for i := range store.MaxSearchScan {
		mustComment(t, db, site, "/p", 0, fmt.Sprintf("hay %d", i))
	}
	got, err := db.ModerationQueue(ctx, store.QueueQuery{SiteID: site.ID, Status: model.StatusApproved, Limit: 10, Search: store.Search{Text: "needle"}})
	if err != nil || len(got) != 0 {
		t.Errorf("the search reached past the newest %d: %+v %v (oldest is %d)", store.MaxSearchScan, got, err, old.ID)
	}
	mustComment(t, db, site, "/p", 0, "a newer needle")
	if got, _ := db.ModerationQueue(ctx, store.QueueQuery{SiteID: site.ID, Status: model.StatusApproved, Limit: 10, Search: store.Search{Text: "needle"}}); len(got) != 1 {
		t.Errorf("a recent match: %+v", got)
	}
}

func TestAuthorHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, _, c := searchFixture(t, db)
		other := mustSite(t, db, "elsewhere.example")
		for _, tt := range []struct {
			from   *model.Comment
			want   []int64
			counts map[model.Status]int
		}{
			{c["gus1"], []int64{c["gus2"].ID, c["gus1"].ID}, map[model.Status]int{model.StatusPending: 1, model.StatusApproved: 1}},
			{c["nemo"], []int64{c["nemo"].ID}, map[model.Status]int{model.StatusPending: 1}},
			{c["ada"], []int64{c["ada"].ID}, map[model.Status]int{model.StatusPending: 1}},
		} {
			h, err := db.AuthorHistory(ctx, site.ID, tt.from.ID)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, q := range h.Comments {
				ids = append(ids, q.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.want) || fmt.Sprint(h.Counts) != fmt.Sprint(tt.counts) {
				t.Errorf("history of %d: %v %v, want %v %v", tt.from.ID, ids, h.Counts, tt.want, tt.counts)
			}
		}
		if _, err := db.AuthorHistory(ctx, other.ID, c["gus1"].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("through another site: %v", err)
		}
	})
}

func TestEditCommentByModerator(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, acct, c := searchFixture(t, db)
		other := mustSite(t, db, "elsewhere.example")
		a := store.Action{SiteID: site.ID, ActorID: acct.ID}
		if _, err := db.EditComment(ctx, store.Action{SiteID: other.ID}, c["gus1"].ID, "x", "<p>x</p>", time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("through another site: %v", err)
		}
		page, err := db.EditComment(ctx, a, c["gus1"].ID, "cleaned", "<p>cleaned</p>", time.Now())
		if err != nil || page != c["gus1"].PageID {
			t.Fatalf("edit: %d %v", page, err)
		}
		got, _ := db.Comment(ctx, c["gus1"].ID)
		if got.Text != "cleaned" || got.HTML != "<p>cleaned</p>" || got.EditedAt == nil {
			t.Errorf("edited comment: %+v", got)
		}
		log, _ := db.AuditLog(ctx, site.ID, 10)
		if len(log) != 1 || log[0].Action != store.ActionEdit || log[0].CommentID != c["gus1"].ID || log[0].ActorName != "Ada Account" {
			t.Errorf("audit: %+v", log)
		}
	})
}

func TestBansAndBlocks(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, acct, c := searchFixture(t, db)
		clock := newClock(db)
		other := mustSite(t, db, "elsewhere.example")
		a := store.Action{SiteID: site.ID, ActorID: acct.ID, Detail: "this site, 1 day"}
		until := clock.now().Add(24 * time.Hour)
		ban, err := db.BanAuthor(ctx, a, c["gus1"].ID, false, &until)
		if err != nil || ban.UserID != 0 || len(ban.EmailIndex) == 0 || ban.IPIndex != nil {
			t.Fatalf("ban a guest without a kept address: %+v %v", ban, err)
		}
		if _, err := db.BanAuthor(ctx, store.Action{SiteID: other.ID}, c["gus1"].ID, false, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a comment of another site: %v", err)
		}
		if _, err := db.BanAuthor(ctx, a, c["nemo"].ID, false, nil); !errors.Is(err, store.ErrBanEmpty) {
			t.Errorf("an anonymous guest with no address: %v", err)
		}
		check := store.BanCheck{SiteID: site.ID, EmailIndexes: [][]byte{testSealer(t).EmailIndex("gus@example.com")}}
		if b, err := db.Banned(ctx, check); err != nil || b.ID != ban.ID {
			t.Errorf("banned: %+v %v", b, err)
		}
		if _, err := db.Banned(ctx, store.BanCheck{SiteID: other.ID, EmailIndexes: check.EmailIndexes}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("on another site: %v", err)
		}
		if list, err := db.Bans(ctx, site.ID); err != nil || len(list) != 1 || list[0].AuthorName != "Gus Guest" {
			t.Errorf("bans: %+v %v", list, err)
		}
		if err := db.LiftBan(ctx, store.Action{SiteID: other.ID}, ban.ID, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lifted through another site: %v", err)
		}
		clock.advance(25 * time.Hour)
		if _, err := db.Banned(ctx, check); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired ban: %v", err)
		}
		if list, _ := db.Bans(ctx, site.ID); len(list) != 0 {
			t.Errorf("an expired ban is listed: %+v", list)
		}

		// Everywhere bans are lifted by the operator only.
		everywhere, err := db.BanAuthor(ctx, a, c["ada"].ID, true, nil)
		if err != nil || everywhere.UserID != acct.ID {
			t.Fatal(everywhere, err)
		}
		if _, err := db.Banned(ctx, store.BanCheck{SiteID: other.ID, UserID: acct.ID}); err != nil {
			t.Errorf("an everywhere ban on another site: %v", err)
		}
		if err := db.LiftBan(ctx, a, everywhere.ID, false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an everywhere ban lifted by a site: %v", err)
		}
		if err := db.LiftBan(ctx, a, everywhere.ID, true); err != nil {
			t.Error(err)
		}

		// Blocks: at most MaxIPBlocksPerSite per site; every site has its own count.
		for i := range store.MaxIPBlocksPerSite {
			b := &store.IPBlock{SiteID: site.ID, Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i)}), 32), CreatedAt: clock.now()}
			if err := db.CreateIPBlock(ctx, a, b); err != nil {
				t.Fatal(i, err)
			}
		}
		extra := &store.IPBlock{SiteID: site.ID, Prefix: netip.MustParsePrefix("10.9.0.0/16"), CreatedAt: clock.now()}
		if err := db.CreateIPBlock(ctx, a, extra); !errors.Is(err, store.ErrTooManyBlocks) {
			t.Errorf("block past the maximum: %v", err)
		}
		extra.SiteID = other.ID
		if err := db.CreateIPBlock(ctx, a, extra); err != nil {
			t.Errorf("another site's first block: %v", err)
		}
		if _, err := db.BlockedIP(ctx, site.ID, "10.0.0.7"); err != nil {
			t.Errorf("a blocked address: %v", err)
		}
		if _, err := db.BlockedIP(ctx, site.ID, "10.0.3.7"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an address not blocked: %v", err)
		}
		if err := db.BlockCommentIP(ctx, a, c["gus1"].ID, false, nil); !errors.Is(err, store.ErrNoAddress) {
			t.Errorf("block a comment without a kept address: %v", err)
		}
		entries, err := db.AuditEntries(ctx, store.AuditQuery{Limit: store.MaxAuditPageSize})
		if err != nil || len(entries) != store.MaxAuditPageSize || entries[0].SiteHost != "search.example" {
			t.Errorf("audit of every site: %d %v", len(entries), err)
		}
	})
}

// TestDeleteSiteRemovesBansAndBlocks: deleting a site deletes its bans and
// IP blocks (promise P7); a ban on every site made from one of its
// comments stays, without the comment.
func TestDeleteSiteRemovesBansAndBlocks(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, _, c := searchFixture(t, db)
		a := store.Action{SiteID: site.ID}
		if _, err := db.BanAuthor(ctx, a, c["gus1"].ID, false, nil); err != nil {
			t.Fatal(err)
		}
		everywhere, err := db.BanAuthor(ctx, a, c["ada"].ID, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateIPBlock(ctx, a, &store.IPBlock{SiteID: site.ID, Prefix: netip.MustParsePrefix("192.0.2.0/24")}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSite(ctx, site.ID); err != nil {
			t.Fatal(err)
		}
		raw, rebind := rawDB(t, db)
		var bans, blocks int
		if err := raw.QueryRow(rebind("SELECT COUNT(*) FROM bans WHERE site_id = ?"), site.ID).Scan(&bans); err != nil {
			t.Fatal(err)
		}
		if err := raw.QueryRow(rebind("SELECT COUNT(*) FROM ip_blocks WHERE site_id = ?"), site.ID).Scan(&blocks); err != nil {
			t.Fatal(err)
		}
		if bans != 0 || blocks != 0 {
			t.Errorf("%d bans and %d blocks of the deleted site remain", bans, blocks)
		}
		if b, err := db.Banned(ctx, store.BanCheck{SiteID: 999, UserID: everywhere.UserID}); err != nil || b.ID != everywhere.ID {
			t.Errorf("the ban on every site: %+v %v", b, err)
		}
	})
}

// BenchmarkBlockedIP measures the IP block check every write makes, with
// the most blocks a site and every site may have: each is opened and
// matched.
func BenchmarkBlockedIP(b *testing.B) {
	db := openSQLite(b)
	ctx := context.Background()
	site := &model.Site{Host: "bench.example", Settings: model.DefaultSiteSettings()}
	if err := db.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	for _, siteID := range []int64{site.ID, 0} {
		for i := range store.MaxIPBlocksPerSite {
			p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(siteID), byte(i / 256), byte(i)}), 32)
			if err := db.CreateIPBlock(ctx, store.Action{SiteID: site.ID}, &store.IPBlock{SiteID: siteID, Prefix: p}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.BlockedIP(ctx, site.ID, "192.0.2.1"); !errors.Is(err, store.ErrNotFound) {
			b.Fatal(err)
		}
	}
}
