package api

import (
	"strconv"
	"testing"
	"time"
)

// TestLimiterMemoryIsBounded: a limiter asked about more keys than
// maxLimiterKeys keeps at most that many buckets, and still limits the key
// asked about last.
func TestLimiterMemoryIsBounded(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(6, 1, func() time.Time { return now })
	for i := range maxLimiterKeys + 1000 {
		l.allowShare("prefix "+strconv.Itoa(i), PrefixShare)
	}
	if n := len(l.keys); n > maxLimiterKeys {
		t.Errorf("%d buckets, want at most %d", n, maxLimiterKeys)
	}
	l.allow("last")
	if ok, wait := l.allow("last"); ok || wait <= 0 {
		t.Errorf("the newest key is not limited after eviction: %v %v", ok, wait)
	}
}

// TestFloodMemoryIsBounded: the flood limits remember at most MaxFloodKeys
// identities and texts, however many they are shown, and still refuse the
// newest.
func TestFloodMemoryIsBounded(t *testing.T) {
	f := newFlood()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxFloodKeys + 1000 {
		at := now.Add(time.Duration(i) * time.Millisecond)
		f.takeInterval(1, "network "+strconv.Itoa(i), at, time.Hour)
		f.posted(textKey(1, "/p", "network", strconv.Itoa(i)), at, DuplicateWindow)
	}
	if len(f.last) > MaxFloodKeys || len(f.texts) > MaxFloodKeys {
		t.Errorf("remembered %d identities and %d texts, want at most %d", len(f.last), len(f.texts), MaxFloodKeys)
	}
	end := now.Add(time.Duration(MaxFloodKeys+1000) * time.Millisecond)
	if ok, _ := f.takeInterval(1, "network "+strconv.Itoa(MaxFloodKeys+999), end, time.Hour); ok {
		t.Error("the newest identity was forgotten")
	}
	if !f.duplicate(textKey(1, "/p", "network", strconv.Itoa(MaxFloodKeys+999)), end, DuplicateWindow) {
		t.Error("the newest text was forgotten")
	}
}
