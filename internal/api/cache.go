package api

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// Thread cache limits. A write through this process drops the entries of the
// page it changed at once, and other servers on the same PostgreSQL are told
// which page changed (store.NotifySiteChanged); threadTTL bounds how stale an
// entry can be should such a notification be lost.
const (
	threadTTL = 5 * time.Second
	// DefaultThreadCacheBytes is the default bound of the thread cache
	// (PARLEY_CACHE_SIZE, --cache-size).
	DefaultThreadCacheBytes = 64 << 20
	// cacheSweepInterval is how often expired entries are freed in the
	// background, whether or not anyone reads them again.
	cacheSweepInterval = time.Second
	// entryOverhead approximates what an entry holds besides its byte
	// slices and strings: the entry, its list element, map slots.
	entryOverhead = 320
	// MaxCachedPageVotes bounds the votes a cached thread holds (its page's
	// votes by voter, so that each reader's own are found without a query).
	// A page with more is cached without them, and each reader who may have
	// voted costs a query again.
	MaxCachedPageVotes = 10_000
	// voterOverhead and voteSize approximate the memory of the held votes:
	// a voter's map slot and slice header, and one vote.
	voterOverhead = 80
	voteSize      = 16
)

// pageKey names one page of a site.
type pageKey struct {
	site int64
	path string
}

// threadKey is one cacheable thread request: the first page of roots at the
// default limit, per sort and widget language ("" when none or unknown).
type threadKey struct {
	pageKey
	sort, lang string
}

// cachedThread is a thread response without the caller's votes, encoded and
// ready for the common reader who has not voted.
type cachedThread struct {
	body     []byte // ends with `"myVotes":{}}` and a newline: see personalized
	gz       []byte // body gzipped, nil when small
	etag     string
	pageID   int64 // 0 when the page does not exist yet
	hasVotes bool  // the page has votes: look up the caller's
	// votes are the page's votes by voter id (store.PageVotes) when
	// votesHeld; otherwise a reader's are read from the database.
	votes     map[string][]store.CommentVote
	votesHeld bool
	// head is the gzip stream of body up to the reader's own part, for a
	// page with votes (writePersonalized); nil otherwise or when small.
	head *gzipHead

	key     threadKey
	size    int
	expires time.Time
	elem    *list.Element
}

// invalidation is one write, remembered while loads that may have read the
// data before it are in flight.
type invalidation struct {
	seq    uint64
	site   int64 // 0: every site
	pageID int64 // 0 with path "": the whole site
	path   string
}

// covers reports whether the write may have changed the loaded entry e.
func (v invalidation) covers(e *cachedThread) bool {
	switch {
	case v.site == 0:
		return true
	case v.site != e.key.site:
		return false
	case v.pageID == 0 && v.path == "":
		return true
	}
	return (v.pageID != 0 && v.pageID == e.pageID) || (v.path != "" && v.path == e.key.path)
}

// flight is one load of a key that concurrent misses wait for.
type flight struct {
	done    chan struct{}
	entry   *cachedThread
	err     error
	waiters int // for tests: how many callers wait on this load
}

// threadCache holds recent thread responses, bounded by their bytes, so that
// readers of a busy page cost no database query. It evicts the least recently
// used entry when full, frees expired entries in the background (run), and
// loads each missing key once however many readers miss it at the same time.
type threadCache struct {
	now      func() time.Time
	maxBytes int

	mu      sync.Mutex
	entries map[threadKey]*cachedThread
	lru     list.List // of *cachedThread, most recently used first
	bytes   int
	byPath  map[pageKey][]*cachedThread
	byID    map[int64]pageKey
	flights map[threadKey]*flight

	misses    missCounts
	dropCause missCause // why remove is removing: set by its callers

	seq     uint64             // counts invalidations
	loads   map[*flight]uint64 // loads in flight and the seq they started at
	pending []invalidation     // invalidations newer than the oldest load in flight
}

func newThreadCache(now func() time.Time, maxBytes int) *threadCache {
	return &threadCache{
		now: now, maxBytes: maxBytes,
		entries: map[threadKey]*cachedThread{}, byPath: map[pageKey][]*cachedThread{}, byID: map[int64]pageKey{},
		flights: map[threadKey]*flight{}, loads: map[*flight]uint64{},
	}
}

// getOrLoad returns the entry for k: from the cache (hit true), or from
// load, which runs once for all callers missing k at the same time. A load
// that overlapped a write to its page is returned but not cached.
func (c *threadCache) getOrLoad(k threadKey, load func() (*cachedThread, error)) (e *cachedThread, hit bool, err error) {
	c.mu.Lock()
	if e := c.lookup(k); e != nil {
		c.mu.Unlock()
		return e, true, nil
	}
	if f, ok := c.flights[k]; ok {
		f.waiters++
		c.mu.Unlock()
		<-f.done
		return f.entry, false, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[k] = f
	c.loads[f] = c.seq
	c.mu.Unlock()

	f.err = errLoadAbandoned // unless load returns
	defer c.land(k, f)
	f.entry, f.err = load()
	return f.entry, false, f.err
}

// errLoadAbandoned is what callers waiting on a load get if it panicked.
var errLoadAbandoned = errors.New("api: thread load abandoned")

// land ends the load f of k: caches its entry unless a write overlapped it,
// then wakes the callers waiting on it.
func (c *threadCache) land(k threadKey, f *flight) {
	c.mu.Lock()
	if c.flights[k] == f {
		delete(c.flights, k)
	}
	start := c.loads[f]
	delete(c.loads, f)
	if f.err == nil {
		f.entry.key = k
		if !c.invalidatedSince(start, f.entry) {
			c.insert(f.entry)
		}
	}
	c.prunePending()
	c.mu.Unlock()
	close(f.done)
}

// lookup returns the live entry for k, marking it recently used.
func (c *threadCache) lookup(k threadKey) *cachedThread {
	e, ok := c.entries[k]
	if !ok {
		c.misses.absent(k)
		return nil
	}
	if c.now().After(e.expires) {
		c.misses.count(missExpired)
		c.dropCause = missExpired
		c.remove(e)
		delete(c.misses.gone, k)
		return nil
	}
	c.lru.MoveToFront(e.elem)
	return e
}

func (c *threadCache) invalidatedSince(start uint64, e *cachedThread) bool {
	for _, v := range c.pending {
		if v.seq > start && v.covers(e) {
			return true
		}
	}
	return false
}

// prunePending forgets invalidations that no load in flight predates.
func (c *threadCache) prunePending() {
	if len(c.loads) == 0 {
		c.pending = c.pending[:0]
		return
	}
	oldest := c.seq
	for _, s := range c.loads {
		oldest = min(oldest, s)
	}
	i := 0
	for i < len(c.pending) && c.pending[i].seq <= oldest {
		i++
	}
	c.pending = append(c.pending[:0], c.pending[i:]...)
}

// insert adds e, replacing an entry of the same key, then evicts the least
// recently used entries until the cache fits its bound. An entry larger than
// the whole bound is not kept.
func (c *threadCache) insert(e *cachedThread) {
	e.size = cap(e.body) + cap(e.gz) + len(e.etag) + len(e.key.path) + len(e.key.sort) + len(e.key.lang) + entryOverhead + e.votesBytes()
	if e.head != nil {
		e.size += cap(e.head.gz)
	}
	if e.size > c.maxBytes {
		return
	}
	if old, ok := c.entries[e.key]; ok {
		c.remove(old)
	}
	e.expires = c.now().Add(threadTTL)
	e.elem = c.lru.PushFront(e)
	c.entries[e.key] = e
	c.byPath[e.key.pageKey] = append(c.byPath[e.key.pageKey], e)
	if e.pageID != 0 {
		c.byID[e.pageID] = e.key.pageKey
	}
	c.bytes += e.size
	c.dropCause = missEvicted
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back().Value.(*cachedThread))
	}
}

// votesBytes approximates the memory of the votes e holds.
func (e *cachedThread) votesBytes() int {
	n := 0
	for voter, votes := range e.votes {
		n += len(voter) + voterOverhead + cap(votes)*voteSize
	}
	return n
}

func (c *threadCache) remove(e *cachedThread) {
	c.misses.dropped(e.key, c.dropCause)
	delete(c.entries, e.key)
	c.lru.Remove(e.elem)
	c.bytes -= e.size
	variants := c.byPath[e.key.pageKey]
	for i, v := range variants {
		if v == e {
			variants = append(variants[:i], variants[i+1:]...)
			break
		}
	}
	if len(variants) > 0 {
		c.byPath[e.key.pageKey] = variants
		return
	}
	delete(c.byPath, e.key.pageKey)
	if e.pageID != 0 {
		delete(c.byID, e.pageID)
	}
}

// invalidate drops what a write changed: one page (by id, by path or both:
// a new page has no id in entries cached before it existed), every page of
// a site (pageID 0 and path ""), or everything (site 0). Loads in flight
// that may have read the old data are not cached, and later misses do not
// join them.
func (c *threadCache) invalidate(site, pageID int64, path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.dropCause = missInvalidated
	v := invalidation{seq: c.seq, site: site, pageID: pageID, path: path}
	if len(c.loads) > 0 {
		c.pending = append(c.pending, v)
	}
	for k := range c.flights {
		if v.covers(&cachedThread{key: k}) || (pageID != 0 && site == k.site) {
			delete(c.flights, k) // its page id is unknown until it ends
		}
	}
	switch {
	case site == 0:
		c.removeIf(func(*cachedThread) bool { return true })
	case pageID == 0 && path == "":
		c.removeIf(func(e *cachedThread) bool { return e.key.site == site })
	default:
		if k, ok := c.byID[pageID]; ok && k.site == site {
			c.removePage(k)
		}
		if path != "" {
			c.removePage(pageKey{site, path})
		}
	}
}

func (c *threadCache) removePage(k pageKey) {
	for _, e := range append([]*cachedThread(nil), c.byPath[k]...) {
		c.remove(e)
	}
}

func (c *threadCache) removeIf(drop func(*cachedThread) bool) {
	for _, e := range c.entries {
		if drop(e) {
			c.remove(e)
		}
	}
}

// sweep frees every expired entry.
func (c *threadCache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.dropCause = missExpired
	c.removeIf(func(e *cachedThread) bool { return now.After(e.expires) })
}

// run sweeps at every tick until ctx ends.
func (c *threadCache) run(ctx context.Context, tick <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			c.sweep()
		}
	}
}

// size returns the bytes and number of entries held.
func (c *threadCache) size() (bytes, entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes, len(c.entries)
}

// Run frees expired cached threads in the background until ctx ends; serve
// runs it with its other background work.
func (h *Handler) Run(ctx context.Context) {
	t := time.NewTicker(cacheSweepInterval)
	defer t.Stop()
	h.threads.run(ctx, t.C)
}
