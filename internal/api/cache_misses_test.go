package api

import (
	"testing"
	"time"
)

// TestMissesAreCountedByCause: each way an entry leaves the cache is the
// cause of that key's next miss, a key never cached misses cold, and the
// tombstones stay bounded.
func TestMissesAreCountedByCause(t *testing.T) {
	const entry = 1000
	c, clk := newTestCache(2*(entry+entryOverhead) + 100) // room for two entries
	want := [missCauses]uint64{}
	check := func(step string) {
		t.Helper()
		for why := range missCauses {
			if got := c.misses.n[why].Load(); got != want[why] {
				t.Errorf("%s: %d %s misses, want %d", step, got, missCauseNames[why], want[why])
			}
		}
	}
	fill(t, c, "/a", 1, entry)
	want[missCold]++
	check("first read")

	c.invalidate(1, 1, "/a")
	fill(t, c, "/a", 1, entry)
	want[missInvalidated]++
	check("after a write")

	fill(t, c, "/b", 2, entry)
	fill(t, c, "/c", 3, entry) // evicts /a, the least recently used
	want[missCold] += 2
	fill(t, c, "/a", 1, entry)
	want[missEvicted]++
	check("after an eviction")

	clk.add(threadTTL + time.Second)
	fill(t, c, "/a", 1, entry)
	want[missExpired]++
	check("after expiry on read")

	c.sweep() // frees /c, expired too
	fill(t, c, "/c", 3, entry)
	want[missExpired]++
	check("after expiry in the background")

	for i := range maxTombstones + 10 {
		c.mu.Lock()
		c.misses.dropped(key(string(rune('a'+i%26))+string(rune(i))), missEvicted)
		c.mu.Unlock()
	}
	if n := len(c.misses.gone); n > maxTombstones {
		t.Errorf("%d tombstones kept, want at most %d", n, maxTombstones)
	}
}
