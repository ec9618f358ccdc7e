package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/store"
)

// TestThreadBoundsReplies: a thread page holds at most Replies replies per
// root and MaxComments comments in all; Store.Replies returns the rest page
// by page, each reply exactly once, parents before children, placeholders
// kept for replies that come on a later page.
func TestThreadBoundsReplies(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site := mustSite(t, db, "example.com")
		post := func(parent int64, text string) int64 {
			clk.advance(time.Second)
			return mustComment(t, db, site, "/p", parent, text).ID
		}
		r1, r2, r3 := post(0, "r1"), post(0, "r2"), post(0, "r3")
		a := post(r1, "a")
		b := post(a, "b")
		c := post(r1, "c")
		d := post(c, "d")
		e := post(r1, "e")
		var r2replies []int64
		for range 5 {
			r2replies = append(r2replies, post(r2, "r2 reply"))
		}
		post(r3, "r3 reply")
		post(r3, "r3 reply")
		if err := db.DeleteComment(ctx, c, clk.now()); err != nil { // a placeholder: d replies to it
			t.Fatal(err)
		}
		page, _, err := db.PageByPath(ctx, site.ID, "/p")
		if err != nil {
			t.Fatal(err)
		}
		tp, err := db.Thread(ctx, store.ThreadQuery{PageID: page.ID, Sort: store.SortOldest, Limit: 10, Replies: 2, MaxComments: 7})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ids(tp.Comments), []int64{r1, r2, r3, a, b, r2replies[0], r2replies[1]}; !cmp.Equal(got, want) {
			t.Fatalf("thread = %v, want %v", got, want)
		}
		if got := tp.MoreReplies[r3]; got.Count != 2 || got.Cursor != "" {
			t.Errorf("r3, out of budget: %+v, want all 2 replies left from the start", got)
		}
		if got := tp.MoreReplies[r2]; got.Count != 3 {
			t.Errorf("r2: %+v, want 3 left", got)
		}
		more := tp.MoreReplies[r1]
		if more.Count != 3 {
			t.Fatalf("r1: %+v, want 3 left", more)
		}
		var rest []int64
		for more.Count > 0 {
			list, next, err := db.Replies(ctx, store.RepliesQuery{PageID: page.ID, RootID: r1, Cursor: more.Cursor, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) > 2 || next.Count != more.Count-len(list) {
				t.Fatalf("replies page of %d with %d left, after %d left", len(list), next.Count, more.Count)
			}
			rest, more = append(rest, ids(list)...), next
		}
		if want := []int64{c, d, e}; !cmp.Equal(rest, want) {
			t.Errorf("rest of r1 = %v, want the placeholder, its reply, then e: %v", rest, want)
		}
		if _, _, err := db.Replies(ctx, store.RepliesQuery{PageID: page.ID, RootID: a, Limit: 2}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("replies of a reply: %v, want ErrNotFound", err)
		}
		if _, _, err := db.Replies(ctx, store.RepliesQuery{PageID: page.ID, RootID: r1, Cursor: "bogus", Limit: 2}); !errors.Is(err, store.ErrInvalidSort) {
			t.Errorf("bad cursor: %v, want ErrInvalidSort", err)
		}
	})
}
