package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// TestBannedNamesTheBanThatLastsLongest: of several bans on one person,
// Banned gives the one that ends last, a ban forever before any other.
func TestBannedNamesTheBanThatLastsLongest(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site, acct, c := searchFixture(t, db)
		clock := newClock(db)
		a := store.Action{SiteID: site.ID, ActorID: acct.ID, Detail: "test"}
		ban := func(d time.Duration) *store.Ban {
			var until *time.Time
			if d > 0 {
				u := clock.now().Add(d)
				until = &u
			}
			b, err := db.BanAuthor(ctx, a, c["gus1"].ID, false, until)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		check := store.BanCheck{SiteID: site.ID, EmailIndexes: [][]byte{testSealer(t).EmailIndex("gus@example.com")}}
		banned := func() int64 {
			b, err := db.Banned(ctx, check)
			if err != nil {
				t.Fatal(err)
			}
			return b.ID
		}
		ban(24 * time.Hour)
		week := ban(7 * 24 * time.Hour)
		ban(48 * time.Hour)
		if got := banned(); got != week.ID {
			t.Errorf("of bans for a day, a week and two days: ban %d, want the week's %d", got, week.ID)
		}
		forever := ban(0)
		if got := banned(); got != forever.ID {
			t.Errorf("with a ban forever too: ban %d, want %d", got, forever.ID)
		}
	})
}
