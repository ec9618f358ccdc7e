package api

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newTestCache(maxBytes int) (*threadCache, *clock) {
	clk := &clock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	return newThreadCache(clk.now, maxBytes), clk
}

func key(path string) threadKey { return threadKey{pageKey: pageKey{1, path}, sort: "oldest"} }

// fill caches an entry of about n bytes for path on page pageID.
func fill(t *testing.T, c *threadCache, path string, pageID int64, n int) {
	t.Helper()
	_, hit, err := c.getOrLoad(key(path), func() (*cachedThread, error) {
		return &cachedThread{body: make([]byte, n), pageID: pageID}, nil
	})
	if err != nil || hit {
		t.Fatalf("fill %s: hit %v, err %v", path, hit, err)
	}
}

func cached(c *threadCache, path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookup(key(path)) != nil
}

// waitForWaiters returns once n callers wait on the load of k.
func waitForWaiters(c *threadCache, k threadKey, n int) {
	for waiting := 0; waiting < n; {
		time.Sleep(time.Millisecond)
		c.mu.Lock()
		if f := c.flights[k]; f != nil {
			waiting = f.waiters
		}
		c.mu.Unlock()
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	const entry = 10_000
	c, _ := newTestCache(3*(entry+entryOverhead) + 100) // room for three entries
	fill(t, c, "/a", 1, entry)
	fill(t, c, "/b", 2, entry)
	fill(t, c, "/c", 3, entry)
	if !cached(c, "/a") { // /a is now the most recently used, /b the least
		t.Fatal("/a evicted before the cache was full")
	}
	fill(t, c, "/d", 4, entry)
	for path, want := range map[string]bool{"/a": true, "/b": false, "/c": true, "/d": true} {
		if cached(c, path) != want {
			t.Errorf("%s cached: %v, want %v", path, !want, want)
		}
	}
	if bytes, n := c.size(); bytes > c.maxBytes || n != 3 {
		t.Errorf("cache holds %d bytes in %d entries, bound %d", bytes, n, c.maxBytes)
	}
	fill(t, c, "/huge", 5, c.maxBytes) // larger than the whole cache: served, not kept
	if cached(c, "/huge") || !cached(c, "/d") {
		t.Error("an entry larger than the cache evicted the others or was kept")
	}
}

func TestCacheExpiresInBackground(t *testing.T) {
	c, clk := newTestCache(1 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() { c.run(ctx, tick); close(done) }()
	// run handles ticks one at a time: once a second tick is taken, the
	// sweep of the first has finished.
	sweep := func() { tick <- time.Time{}; tick <- time.Time{} }

	fill(t, c, "/a", 1, 1000)
	clk.add(threadTTL / 2)
	fill(t, c, "/b", 2, 1000)
	sweep()
	if _, n := c.size(); n != 2 {
		t.Fatalf("live entries swept: %d left", n)
	}
	clk.add(threadTTL/2 + time.Millisecond) // /a expired, never read again
	sweep()
	if bytes, n := c.size(); n != 1 || bytes == 0 {
		t.Fatalf("after /a expired: %d entries, %d bytes", n, bytes)
	}
	clk.add(threadTTL)
	sweep()
	if bytes, n := c.size(); n != 0 || bytes != 0 {
		t.Fatalf("after every entry expired: %d entries, %d bytes", n, bytes)
	}
	cancel()
	<-done // run stops with its context
}

func TestConcurrentMissesLoadOnce(t *testing.T) {
	const readers = 20
	c, _ := newTestCache(1 << 20)
	var loads atomic.Int32
	release := make(chan struct{})
	load := func() (*cachedThread, error) {
		loads.Add(1)
		<-release
		return &cachedThread{body: []byte("thread"), pageID: 1}, nil
	}
	var wg sync.WaitGroup
	got := make([]*cachedThread, readers)
	for i := range readers {
		wg.Go(func() {
			e, _, err := c.getOrLoad(key("/a"), load)
			if err != nil {
				t.Error(err)
			}
			got[i] = e
		})
	}
	waitForWaiters(c, key("/a"), readers-1) // hold the load until every other reader waits for it
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("%d concurrent misses ran %d loads, want 1", readers, n)
	}
	for i, e := range got {
		if e != got[0] {
			t.Fatalf("reader %d got another entry", i)
		}
	}
	if !cached(c, "/a") {
		t.Error("the shared load was not cached")
	}
}

func TestCacheLoadOverlappingAWriteIsNotKept(t *testing.T) {
	for _, tc := range []struct {
		name       string
		invalidate func(c *threadCache)
		kept       bool
	}{
		{"same page by id", func(c *threadCache) { c.invalidate(1, 7, "") }, false},
		{"same page by path", func(c *threadCache) { c.invalidate(1, 0, "/a") }, false},
		{"whole site", func(c *threadCache) { c.invalidate(1, 0, "") }, false},
		{"every site", func(c *threadCache) { c.invalidate(0, 0, "") }, false},
		{"other page", func(c *threadCache) { c.invalidate(1, 8, "/b") }, true},
		{"other site", func(c *threadCache) { c.invalidate(2, 7, "/a") }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestCache(1 << 20)
			_, _, err := c.getOrLoad(key("/a"), func() (*cachedThread, error) {
				tc.invalidate(c) // a write lands while the thread is read
				return &cachedThread{body: []byte("maybe stale"), pageID: 7}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if cached(c, "/a") != tc.kept {
				t.Errorf("kept %v, want %v", !tc.kept, tc.kept)
			}
			if len(c.pending) != 0 || len(c.loads) != 0 {
				t.Errorf("bookkeeping left: %d pending, %d loads", len(c.pending), len(c.loads))
			}
		})
	}
}

func TestCacheInvalidatesOnlyTheWrittenPage(t *testing.T) {
	c, _ := newTestCache(1 << 20)
	for i := range 5 {
		fill(t, c, "/p"+strconv.Itoa(i), int64(10+i), 100)
	}
	c.invalidate(1, 12, "")
	c.invalidate(1, 0, "/p3")
	for i := range 5 {
		if want := i != 2 && i != 3; cached(c, "/p"+strconv.Itoa(i)) != want {
			t.Errorf("/p%d cached %v, want %v", i, !want, want)
		}
	}
	// A failed load is not cached and the next miss loads again.
	boom := errors.New("database down")
	if _, _, err := c.getOrLoad(key("/x"), func() (*cachedThread, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("load error: %v", err)
	}
	fill(t, c, "/x", 20, 100)
}

func TestCacheLoadThatPanicsReleasesItsWaiters(t *testing.T) {
	c, _ := newTestCache(1 << 20)
	release := make(chan struct{})
	go func() {
		defer func() { recover() }() // the server's recovery middleware does this
		c.getOrLoad(key("/a"), func() (*cachedThread, error) { <-release; panic("bug") })
	}()
	waited := make(chan error)
	go func() {
		for {
			c.mu.Lock()
			f := c.flights[key("/a")]
			c.mu.Unlock()
			if f != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		_, _, err := c.getOrLoad(key("/a"), func() (*cachedThread, error) { return nil, errors.New("not shared") })
		waited <- err
	}()
	waitForWaiters(c, key("/a"), 1)
	close(release)
	if err := <-waited; !errors.Is(err, errLoadAbandoned) {
		t.Fatalf("waiter got %v, want errLoadAbandoned", err)
	}
	fill(t, c, "/a", 1, 10) // the key is not stuck
}

// TestSharedLoadKeepsTheDeadline: the read shared by concurrent misses does
// not end when the reader who started it goes away, but does end at the
// database deadline that reader had.
func TestSharedLoadKeepsTheDeadline(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	shared, stop := detach(ctx)
	defer stop()
	cancel()
	if shared.Err() != nil {
		t.Error("the shared read ended with the reader who started it")
	}
	if d, ok := shared.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("shared deadline %v %v, want %v", d, ok, deadline)
	}
	if _, ok := detachNoDeadline(); ok {
		t.Error("a deadline appeared from nowhere")
	}
}

func detachNoDeadline() (time.Time, bool) {
	shared, stop := detach(context.Background())
	defer stop()
	return shared.Deadline()
}
