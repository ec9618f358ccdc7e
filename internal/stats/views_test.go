package stats

import (
	"context"
	"errors"
	"io"
	"log/slog"
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
		v.Add(1, "/a")
	}
	v.Add(2, "/a")
	s.fail = true
	if err := v.Flush(context.Background()); err == nil {
		t.Fatal("flush into a failing sink reported success")
	}
	v.Add(1, "/a")
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
	for i := range maxPending + 10 {
		v.Add(1, "/p"+string(rune('a'+i%26))+string(rune(i)))
	}
	if len(v.pending) > maxPending {
		t.Errorf("%d pending counters, limit %d", len(v.pending), maxPending)
	}
}
