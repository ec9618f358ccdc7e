package stats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

type sink struct {
	fail  bool
	saved map[store.PageView]int
}

func (s *sink) AddViews(_ context.Context, v map[store.PageView]int) (store.ViewsAdded, error) {
	if s.fail {
		return store.ViewsAdded{}, errors.New("database down")
	}
	for k, n := range v {
		s.saved[k] += n
	}
	return store.ViewsAdded{}, nil
}

func TestViewCounterAggregatesAndRetries(t *testing.T) {
	day := time.Date(2026, 11, 22, 23, 59, 0, 0, time.FixedZone("x", 5*3600)) // 18:59 UTC
	s := &sink{saved: map[store.PageView]int{}}
	v := NewViewCounter(s, func() time.Time { return day }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for range 3 {
		v.Add(1, "/a", false)
	}
	v.Add(2, "/a", false)
	s.fail = true
	if err := v.Flush(context.Background()); err == nil {
		t.Fatal("flush into a failing sink reported success")
	}
	v.Add(1, "/a", false)
	s.fail = false
	if err := v.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[store.PageView]int{{SiteID: 1, Path: "/a", Day: "2026-11-22"}: 4, {SiteID: 2, Path: "/a", Day: "2026-11-22"}: 1}
	if len(s.saved) != len(want) {
		t.Fatalf("saved %v, want %v", s.saved, want)
	}
	for k, n := range want {
		if s.saved[k] != n {
			t.Errorf("%v = %d, want %d (views lost or doubled across a failed flush)", k, s.saved[k], n)
		}
	}
}

func TestViewCounterIsBounded(t *testing.T) {
	s := &sink{saved: map[store.PageView]int{}}
	v := NewViewCounter(s, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	day := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	v.now = func() time.Time { return day }
	long := "/" + strings.Repeat("x", 500)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const reads = 40_000 // 20 MB of distinct paths
	for i := range reads {
		v.Add(1, fmt.Sprintf("%s/%d", long, i), false)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > maxPendingBytes {
		t.Errorf("%d distinct made-up paths grew the heap by %d bytes, bound %d", reads, grown, maxPendingBytes)
	}
	t.Logf("heap grew %d bytes for %d counters", int64(after.HeapAlloc)-int64(before.HeapAlloc), len(v.pending))
	if n := len(v.pending); n == 0 || n == reads {
		t.Errorf("%d of %d counters held: want some, not all", n, reads)
	}
	if v.m.dropped.Get() != uint64(reads-len(v.pending)) {
		t.Errorf("dropped views counted %d, want %d", v.m.dropped.Get(), reads-len(v.pending))
	}
	// A counter that exists still counts when the memory is full.
	first := fmt.Sprintf("%s/%d", long, 0)
	v.Add(1, first, false)
	if got := v.pending[store.PageView{SiteID: 1, Path: first, Day: "2026-11-22"}]; got != 2 {
		t.Errorf("existing counter at the bound = %d, want 2", got)
	}
}
