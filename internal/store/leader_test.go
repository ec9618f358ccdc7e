package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// secondStore opens another store (another server) on db's PostgreSQL
// database.
func secondStore(t *testing.T, db *testDB) *store.Store {
	t.Helper()
	st, err := store.OpenPostgres(context.Background(), db.url, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestLeadRunsOnOneServerAtATime: of two servers on one PostgreSQL, one
// runs the background jobs; when it stops, the other takes over; never both.
func TestLeadRunsOnOneServerAtATime(t *testing.T) {
	db := openPostgres(t)
	stores := []*store.Store{db.Store, secondStore(t, db)}
	var running, most atomic.Int32
	leader := make(chan int, 2)
	ctxs := make([]context.CancelFunc, 2)
	stopped := make([]chan struct{}, 2)
	for i, st := range stores {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i], stopped[i] = cancel, make(chan struct{})
		go func() {
			defer close(stopped[i])
			st.Lead(ctx, 20*time.Millisecond, func(jobs context.Context) {
				n := running.Add(1)
				if n > most.Load() {
					most.Store(n)
				}
				leader <- i
				<-jobs.Done()
				running.Add(-1)
			}, func(err error) { t.Log(err) })
		}()
	}
	t.Cleanup(func() {
		for _, c := range ctxs {
			c()
		}
	})
	first := waitLeader(t, leader)
	time.Sleep(100 * time.Millisecond) // five retries of the other server
	select {
	case second := <-leader:
		t.Fatalf("servers %d and %d both lead", first, second)
	default:
	}
	ctxs[first]()
	<-stopped[first]
	if next := waitLeader(t, leader); next == first {
		t.Fatalf("server %d led again after it stopped", next)
	}
	if most.Load() != 1 {
		t.Errorf("%d servers ran the jobs at once, want 1", most.Load())
	}
}

func waitLeader(t *testing.T, leader <-chan int) int {
	t.Helper()
	select {
	case i := <-leader:
		return i
	case <-time.After(10 * time.Second):
		t.Fatal("no server took the lead")
		return -1
	}
}

// TestLeadOnSQLiteRunsAtOnce: a lone SQLite server runs the jobs itself.
func TestLeadOnSQLiteRunsAtOnce(t *testing.T) {
	db := openSQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	db.Lead(ctx, time.Hour, func(context.Context) { ran = true; cancel() }, func(err error) { t.Error(err) })
	if !ran {
		t.Error("the jobs did not run")
	}
}

// TestEventNotificationsReachOtherServers: a change with a live event sent
// by one server reaches the others with its page, path, kind and comment
// ids, and comes back to its sender marked as its own.
func TestEventNotificationsReachOtherServers(t *testing.T) {
	db := openPostgres(t)
	other := secondStore(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	heard := func(st *store.Store) <-chan store.SiteChange {
		ch := make(chan store.SiteChange, 10)
		go st.ListenSiteChanges(ctx, func(c store.SiteChange) { ch <- c }, func(err error) { t.Log(err) })
		<-ch // "every site", when listening starts
		return ch
	}
	mine, theirs := heard(db.Store), heard(other)
	sent := store.SiteChange{SiteID: 3, PageID: 7, Path: "/a:b/c", Event: "approved", CommentIDs: []int64{11, 12}}
	if err := db.NotifySiteChanged(ctx, sent); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		ch   <-chan store.SiteChange
		own  bool
	}{{"other server", theirs, false}, {"sender", mine, true}} {
		select {
		case got := <-tt.ch:
			if got.SiteID != 3 || got.PageID != 7 || got.Path != "/a:b/c" || got.Event != "approved" ||
				len(got.CommentIDs) != 2 || got.CommentIDs[1] != 12 || got.Own != tt.own || !got.Page() {
				t.Errorf("%s heard %+v", tt.name, got)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s heard nothing", tt.name)
		}
	}
}
