package store_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// TestRefusedSeesEveryNewBanAtOnce: a site where nobody was banned is
// remembered as such (its writes ask nothing), yet a ban on it, an IP block
// on every site and a ban on every site all refuse the very next write.
func TestRefusedSeesEveryNewBanAtOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, acct, c := searchFixture(t, db)
		other := mustSite(t, db, "other.example")
		newClock(db)
		gus := store.BanCheck{SiteID: site.ID, EmailIndexes: [][]byte{testSealer(t).EmailIndex("gus@example.com")}}
		refused := func(check store.BanCheck, ip string) (*store.Ban, int64) {
			t.Helper()
			ban, blocked, err := db.Refused(ctx, check, ip)
			if err != nil {
				t.Fatal(err)
			}
			return ban, blocked
		}
		for range 2 { // the second from memory
			if ban, blocked := refused(gus, "203.0.113.5"); ban != nil || blocked != 0 {
				t.Fatalf("nobody banned yet: ban %+v, block %d", ban, blocked)
			}
		}
		a := store.Action{SiteID: site.ID, ActorID: acct.ID, Detail: "test"}
		ban, err := db.BanAuthor(ctx, a, c["gus1"].ID, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := refused(gus, "203.0.113.5"); got == nil || got.ID != ban.ID {
			t.Fatalf("the write after a ban: %+v, want ban %d", got, ban.ID)
		}
		if err := db.LiftBan(ctx, a, ban.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := refused(gus, "203.0.113.5"); got != nil {
			t.Fatalf("after the ban was lifted: %+v", got)
		}

		elsewhere := store.BanCheck{SiteID: other.ID, EmailIndexes: [][]byte{testSealer(t).EmailIndex("gus@example.com")}}
		if ban, blocked := refused(elsewhere, "203.0.113.5"); ban != nil || blocked != 0 {
			t.Fatalf("nobody banned on the other site: ban %+v, block %d", ban, blocked)
		}
		block := &store.IPBlock{Prefix: netip.MustParsePrefix("203.0.113.0/24")} // SiteID 0: every site
		if err := db.CreateIPBlock(ctx, a, block); err != nil {
			t.Fatal(err)
		}
		if _, blocked := refused(elsewhere, "203.0.113.5"); blocked != block.ID {
			t.Fatalf("a block on every site: the other site's next write is blocked by %d, want %d", blocked, block.ID)
		}
		if _, blocked := refused(elsewhere, "198.51.100.1"); blocked != 0 {
			t.Fatalf("an address outside the block was blocked by %d", blocked)
		}
		everywhere, err := db.BanAuthor(ctx, a, c["gus2"].ID, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := refused(elsewhere, "198.51.100.1"); got == nil || got.ID != everywhere.ID {
			t.Fatalf("a ban on every site: the other site's next write got %+v, want ban %d", got, everywhere.ID)
		}
	})
}

// TestBansReachOtherServers: a server that remembers a site as clear hears
// of a ban made through another server on the same PostgreSQL within
// seconds, and its listener is not told to drop the site's threads for it.
func TestBansReachOtherServers(t *testing.T) {
	db := openPostgres(t)
	site, acct, c := searchFixture(t, db)
	other := secondStore(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	heard := make(chan store.SiteChange, 10)
	go other.ListenSiteChanges(ctx, func(c store.SiteChange) { heard <- c }, func(err error) { t.Log(err) })
	<-heard // "every site", when listening starts
	gus := store.BanCheck{SiteID: site.ID, EmailIndexes: [][]byte{testSealer(t).EmailIndex("gus@example.com")}}
	if ban, _, err := other.Refused(ctx, gus, ""); err != nil || ban != nil {
		t.Fatalf("nobody banned yet: %+v, %v", ban, err)
	}
	ban, err := db.BanAuthor(ctx, store.Action{SiteID: site.ID, ActorID: acct.ID, Detail: "test"}, c["gus1"].ID, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, _, err := other.Refused(ctx, gus, "")
		if err != nil {
			t.Fatal(err)
		}
		if got != nil && got.ID == ban.ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other server still lets the banned guest write after 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case ch := <-heard:
		t.Errorf("the listener was told %+v for a ban; it caches nothing bans change", ch)
	default:
	}
}
