package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

func TestVotesPerNetworkAreBounded(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		c := mustComment(t, db, site, "/p", 0, "vote on me")
		vote := func(id, network string, value int) (store.VoteTally, error) {
			v := store.Voter{ID: []byte(id)}
			if network != "" {
				v.Network = []byte(network)
			}
			return db.Vote(ctx, site.ID, c.ID, v, value)
		}
		for i := range store.MaxVotesPerNetwork {
			if _, err := vote(fmt.Sprint("nat-", i), "nat", 1); err != nil {
				t.Fatalf("voter %d of one network: %v", i, err)
			}
		}
		if _, err := vote("nat-extra", "nat", 1); !errors.Is(err, store.ErrVoteLimit) {
			t.Errorf("one voter too many from a network: err = %v, want ErrVoteLimit", err)
		}
		// The network's voters still change and withdraw their votes.
		if got, err := vote("nat-0", "nat", -1); err != nil || got.Score != store.MaxVotesPerNetwork-2 {
			t.Errorf("change a vote at the bound: %+v, %v", got, err)
		}
		if _, err := vote("nat-0", "nat", 0); err != nil {
			t.Fatalf("withdraw at the bound: %v", err)
		}
		// A withdrawn vote frees a place.
		if got, err := vote("nat-extra", "nat", 1); err != nil || got.Score != store.MaxVotesPerNetwork {
			t.Errorf("vote after a withdrawal: %+v, %v", got, err)
		}
		// Other networks, and voters of no known network, are not affected.
		if got, err := vote("elsewhere", "other", 1); err != nil || got.Score != store.MaxVotesPerNetwork+1 {
			t.Errorf("vote from another network: %+v, %v", got, err)
		}
		if got, err := vote("unknown", "", 1); err != nil || got.Score != store.MaxVotesPerNetwork+2 {
			t.Errorf("vote without a network: %+v, %v", got, err)
		}
	})
}

// Votes stored before migration 0003 have no network; they keep counting,
// and their voters still change them rather than vote twice.
func TestVotesWithoutNetworkKeepCounting(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		c := mustComment(t, db, site, "/p", 0, "voted on before 0003")
		raw, rebind := rawDB(t, db)
		for _, voter := range []string{"old-1", "old-2"} {
			if _, err := raw.ExecContext(ctx, rebind("INSERT INTO votes (comment_id, page_id, voter, value, created_at) VALUES (?, ?, ?, 1, 0)"),
				c.ID, c.PageID, []byte(voter)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Vote(ctx, site.ID, c.ID, store.Voter{ID: []byte("new"), Network: []byte("n")}, 1)
		if err != nil || got.Score != 3 || got.Upvotes != 3 {
			t.Errorf("a new vote beside two earlier ones: %+v, %v; want score 3", got, err)
		}
		got, err = db.Vote(ctx, site.ID, c.ID, store.Voter{ID: []byte("old-1"), Network: []byte("n")}, -1)
		if err != nil || got.Score != 1 || got.Upvotes != 2 || got.Downvotes != 1 {
			t.Errorf("an earlier voter changes their vote: %+v, %v; want score 1 (2 up, 1 down)", got, err)
		}
		mine, err := db.VotesOnPage(ctx, c.PageID, store.Voter{ID: []byte("old-2")})
		if err != nil || mine[c.ID] != 1 {
			t.Errorf("an earlier voter's own votes: %v, %v", mine, err)
		}
	})
}
