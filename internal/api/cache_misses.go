package api

import "sync/atomic"

// missCause says why a thread request was not answered from the cache;
// /metrics counts misses by cause (parley_thread_cache_miss_causes_total).
type missCause uint8

const (
	missCold        missCause = iota // never cached, or dropped too long ago to remember
	missExpired                      // its entry outlived threadTTL
	missInvalidated                  // a write dropped it
	missEvicted                      // the cache was full
	missUncacheable                  // a cursor or limit the cache does not keep
	missCauses
)

var missCauseNames = [missCauses]string{"cold", "expired", "invalidated", "evicted", "uncacheable"}

// maxTombstones bounds how many dropped keys the cache remembers, to tell
// why they miss next; when full it forgets them all, and their next misses
// count as cold.
const maxTombstones = 8192

// missCounts counts misses by cause. Its methods but count run under the
// cache's lock.
type missCounts struct {
	gone map[threadKey]missCause // dropped entries, until their next miss
	n    [missCauses]atomic.Uint64
}

// dropped remembers why the entry of k left the cache.
func (m *missCounts) dropped(k threadKey, why missCause) {
	if m.gone == nil || len(m.gone) >= maxTombstones {
		m.gone = make(map[threadKey]missCause)
	}
	m.gone[k] = why
}

// absent counts a miss of k, which has no entry.
func (m *missCounts) absent(k threadKey) {
	why, ok := m.gone[k]
	if !ok {
		why = missCold
	}
	delete(m.gone, k)
	m.n[why].Add(1)
}

// count counts a miss of a known cause.
func (m *missCounts) count(why missCause) { m.n[why].Add(1) }
