package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestSmallThreadReadsAsAnyThread: a thread read in one query and laid out
// in Go gives exactly the page the queries for a thread of any size give,
// for every sort, limit, reply budget and cursor, over threads of random
// shape with held, spam and deleted comments, pinned roots, equal times
// and equal scores, and replies older than their parent (imports).
func TestSmallThreadReadsAsAnyThread(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		site := mustSite(t, db, "example.com")
		raw, rebind := rawDB(t, db)
		for seed := range uint64(4) {
			path := fmt.Sprintf("/thread-%d", seed)
			rnd := rand.New(rand.NewPCG(seed, 8))
			var posted []int64
			for range 20 + 10*int(seed) {
				clk.advance(time.Duration(rnd.IntN(2)) * time.Second) // some equal times
				parent := int64(0)
				if len(posted) > 0 && rnd.IntN(3) > 0 {
					parent = posted[rnd.IntN(len(posted))]
				}
				posted = append(posted, mustComment(t, db, site, path, parent, "text").ID)
			}
			statuses := []model.Status{model.StatusApproved, model.StatusApproved, model.StatusApproved,
				model.StatusPending, model.StatusSpam, model.StatusDeleted}
			for _, id := range posted {
				_, err := raw.Exec(rebind("UPDATE comments SET status = ?, score = ?, sticky = ? WHERE id = ?"),
					statuses[rnd.IntN(len(statuses))], rnd.IntN(4)-1, rnd.IntN(8) == 0, id)
				if err == nil && rnd.IntN(10) == 0 {
					_, err = raw.Exec(rebind("UPDATE comments SET created_at = created_at - 5000 WHERE id = ?"), id)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			page, _, err := db.PageByPath(ctx, site.ID, path)
			if err != nil {
				t.Fatal(err)
			}
			for _, sort := range []string{store.SortOldest, store.SortNewest, store.SortTop} {
				for _, shape := range []store.ThreadQuery{{Limit: 1}, {Limit: 2, Replies: 1, MaxComments: 4},
					{Limit: 3, Replies: 2, MaxComments: 7}, {Limit: 50, Replies: 50, MaxComments: 1000}} {
					q := store.ThreadQuery{PageID: page.ID, Sort: sort, Limit: shape.Limit, Replies: shape.Replies, MaxComments: shape.MaxComments}
					for pages := 0; ; pages++ {
						small, general := bothWays(t, db, q)
						if small == nil {
							t.Fatalf("%s: a thread of %d comments is not read in one query", path, len(posted))
						}
						if diff := cmp.Diff(general, small); diff != "" {
							t.Fatalf("%s, %+v: one query gives another page (-queries +one):\n%s", path, q, diff)
						}
						if q.Cursor = small.NextCursor; q.Cursor == "" {
							break
						}
						if pages > len(posted) {
							t.Fatalf("%s, %+v: the cursor does not move on", path, q)
						}
					}
				}
			}
		}
	})
}

// TestThreadBeyondSmallThread: a page with more visible comments than one
// query reads (store.MaxSmallThread) is read by the other queries, the same
// whether or not the caller gives its size.
func TestThreadBeyondSmallThread(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		root := mustComment(t, db, site, "/big", 0, "root").ID
		for range store.MaxSmallThread {
			mustComment(t, db, site, "/big", root, "reply")
		}
		page, count, err := db.PageByPath(ctx, site.ID, "/big")
		if err != nil {
			t.Fatal(err)
		}
		q := store.ThreadQuery{PageID: page.ID, Sort: store.SortOldest, Limit: 10, Replies: 3, MaxComments: 100}
		small, general := bothWays(t, db, q)
		if small != nil {
			t.Fatalf("a page of %d comments read in one query: %d comments", store.MaxSmallThread+1, len(small.Comments))
		}
		for _, size := range []int{0, count} {
			q.Size = size
			got, err := db.Thread(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(general, got); diff != "" {
				t.Errorf("size %d: (-queries +Thread):\n%s", size, diff)
			}
			if more := got.MoreReplies[root]; len(got.Comments) != 4 || more.Count != store.MaxSmallThread-3 {
				t.Errorf("size %d: %d comments, %+v more, want the root, 3 replies and %d more", size, len(got.Comments), more, store.MaxSmallThread-3)
			}
		}
	})
}

// bothWays reads a page of a thread in one query (nil when the thread is
// too big for it) and as a thread of any size.
func bothWays(t *testing.T, db *testDB, q store.ThreadQuery) (small, general *store.ThreadPage) {
	t.Helper()
	small, err := db.ThreadInOneQuery(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if general, err = db.ThreadByQueries(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	return small, general
}

// BenchmarkThreadSmall reads the first page of threads of up to
// store.MaxSmallThread comments (a third of them replies) both ways: one
// query must cost less than the general queries up to that bound.
func BenchmarkThreadSmall(b *testing.B) {
	for _, n := range []int{10, 50, store.MaxSmallThread} {
		db := openSQLite(b)
		site := &model.Site{Host: "bench.example", Settings: model.DefaultSiteSettings()}
		if err := db.CreateSite(context.Background(), site); err != nil {
			b.Fatal(err)
		}
		pageID := seedThread(b, db, site, "/p", n*3/4) // and a reply to every third: n comments
		q := store.ThreadQuery{PageID: pageID, Sort: store.SortOldest, Limit: 50, Replies: 50, MaxComments: 1000}
		for _, way := range []struct {
			name string
			read func(context.Context, store.ThreadQuery) (*store.ThreadPage, error)
		}{{"one-query", db.ThreadInOneQuery}, {"queries", db.ThreadByQueries}} {
			b.Run(fmt.Sprintf("comments=%d/%s", n, way.name), func(b *testing.B) {
				for b.Loop() {
					if tp, err := way.read(context.Background(), q); err != nil || tp == nil {
						b.Fatal(tp, err)
					}
				}
			})
		}
	}
}
