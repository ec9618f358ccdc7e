package stats

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/store"
)

// ViewSink stores counted views; *store.Store implements it.
type ViewSink interface {
	AddViews(ctx context.Context, views map[store.PageView]int) (store.ViewsAdded, error)
}

// maxPendingBytes bounds the memory of the counters held between flushes,
// so that a flood of made-up paths cannot grow memory without limit: views
// that would need a new counter past it are dropped until the next flush.
// A counter costs its path plus counterOverhead bytes (key, day, map
// entry), an estimate the test checks against the heap: 8 MiB hold some
// 40,000 counters of typical paths, 12,500 of the longest.
const (
	maxPendingBytes = 8 << 20
	counterOverhead = 160
)

// ViewCounter aggregates page views in memory and writes them in one
// transaction per interval, so that reading a thread never waits for a
// database write. It is safe for concurrent use.
type ViewCounter struct {
	sink ViewSink
	now  func() time.Time
	log  *slog.Logger

	m       viewMetrics
	mu      sync.Mutex
	pending map[store.PageView]int
	bytes   int // estimated memory of pending, at most maxPendingBytes
}

// viewMetrics say how made-up paths fare against the bounds of pages that
// views may create (store.DefaultNewPagesPerDay): labels are the bound,
// never a site or a path.
type viewMetrics struct {
	created, refusedDaily, refusedSite *metrics.Counter
	dropped                            *metrics.Counter // views past maxPendingBytes
}

func newViewMetrics(set *metrics.Set) viewMetrics {
	return viewMetrics{
		created:      set.GetOrCreateCounter(`parley_pages_created_by_reads_total`),
		refusedDaily: set.GetOrCreateCounter(`parley_page_creations_refused_total{limit="daily"}`),
		refusedSite:  set.GetOrCreateCounter(`parley_page_creations_refused_total{limit="site"}`),
		dropped:      set.GetOrCreateCounter(`parley_page_views_dropped_total`),
	}
}

// NewViewCounter returns a counter writing to sink.
func NewViewCounter(sink ViewSink, now func() time.Time, log *slog.Logger) *ViewCounter {
	return &ViewCounter{sink: sink, now: now, log: log, m: newViewMetrics(metrics.NewSet()), pending: map[store.PageView]int{}}
}

// ExportMetrics exports the counter's metrics in set, for /metrics. Call it
// before Run or Flush.
func (v *ViewCounter) ExportMetrics(set *metrics.Set) { v.m = newViewMetrics(set) }

// Add counts one view of path on a site today (UTC); loggedIn says the
// view was made with a valid session, which is counted too, never whose.
func (v *ViewCounter) Add(siteID int64, path string, loggedIn bool) {
	key := store.PageView{SiteID: siteID, Path: path, Day: v.now().UTC().Format(time.DateOnly), LoggedIn: loggedIn}
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.add(key, 1) {
		v.m.dropped.Inc()
	}
}

// add adds n to key's counter if it exists or fits under maxPendingBytes.
// The caller holds mu.
func (v *ViewCounter) add(key store.PageView, n int) bool {
	if _, ok := v.pending[key]; !ok {
		size := len(key.Path) + counterOverhead
		if v.bytes+size > maxPendingBytes {
			return false
		}
		v.bytes += size
	}
	v.pending[key] += n
	return true
}

// Flush writes the counted views. On failure they are kept for the next try.
func (v *ViewCounter) Flush(ctx context.Context) error {
	v.mu.Lock()
	batch := v.pending
	v.pending, v.bytes = map[store.PageView]int{}, 0
	v.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	added, err := v.sink.AddViews(ctx, batch)
	v.m.created.Add(added.PagesCreated)
	v.m.refusedDaily.Add(added.RefusedDaily)
	v.m.refusedSite.Add(added.RefusedSite)
	if err != nil {
		v.mu.Lock()
		for k, n := range batch {
			if !v.add(k, n) {
				v.m.dropped.Add(n)
			}
		}
		v.mu.Unlock()
	}
	return err
}

// Run flushes every interval until ctx ends, then flushes once more.
func (v *ViewCounter) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := v.Flush(final); err != nil {
				v.log.Error("flush page views", "err", err)
			}
			cancel()
			return
		case <-t.C:
			if err := v.Flush(ctx); err != nil {
				v.log.Error("flush page views", "err", err)
			}
		}
	}
}
