package api

import (
	"sync"
	"time"
)

// Thread cache limits. Writes through this process invalidate a site's
// entries at once; threadTTL bounds how stale an entry can be after a write
// by another process (an import, a second server on PostgreSQL).
const (
	threadTTL        = 5 * time.Second
	maxThreadEntries = 20_000
)

// threadKey is one distinct thread request.
type threadKey struct {
	site                     int64
	path, sort, cursor, lang string
	limit                    int
}

// cachedThread is a thread response without the caller's votes, with its
// encoded body and ETag ready for the common reader who has not voted.
type cachedThread struct {
	resp     *threadResponse
	body     []byte
	gz       []byte // body gzipped, nil when small
	etag     string
	pageID   int64
	hasVotes bool // the page has votes: look up the caller's
	gen      uint64
	allGen   uint64
	expires  time.Time
}

// threadCache holds recent thread responses so that readers of a busy page
// cost no database query.
type threadCache struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[threadKey]*cachedThread
	gens    map[int64]uint64 // per site, bumped by every write
	allGen  uint64           // bumped when every site may have changed
}

func newThreadCache(now func() time.Time) *threadCache {
	return &threadCache{now: now, entries: map[threadKey]*cachedThread{}, gens: map[int64]uint64{}}
}

func (c *threadCache) get(k threadKey) *cachedThread {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil
	}
	if e.gen != c.gens[k.site] || e.allGen != c.allGen || c.now().After(e.expires) {
		delete(c.entries, k)
		return nil
	}
	return e
}

// generation returns the site's current generations; take them before
// reading the database so that a write racing the read makes the entry stale.
func (c *threadCache) generation(site int64) (gen, allGen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gens[site], c.allGen
}

func (c *threadCache) put(k threadKey, e *cachedThread) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxThreadEntries {
		clear(c.entries)
	}
	e.expires = c.now().Add(threadTTL)
	c.entries[k] = e
}

// invalidate makes every cached thread of a site stale; site 0 means all.
func (c *threadCache) invalidate(site int64) {
	c.mu.Lock()
	if site == 0 {
		c.allGen++
		clear(c.entries)
	} else {
		c.gens[site]++
	}
	c.mu.Unlock()
}
