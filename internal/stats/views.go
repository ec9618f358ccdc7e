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

// maxPending bounds the distinct counters held between flushes, so a flood
// of made-up paths cannot grow memory without limit; views beyond it in one
// interval are dropped.
const maxPending = 100_000

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
}

// viewMetrics say how made-up paths fare against the bounds of pages that
// views may create (store.DefaultNewPagesPerDay): labels are the bound,
// never a site or a path.
type viewMetrics struct {
	created, refusedDaily, refusedSite *metrics.Counter
}

func newViewMetrics(set *metrics.Set) viewMetrics {
	return viewMetrics{
		created:      set.GetOrCreateCounter(`parley_pages_created_by_reads_total`),
		refusedDaily: set.GetOrCreateCounter(`parley_page_creations_refused_total{limit="daily"}`),
		refusedSite:  set.GetOrCreateCounter(`parley_page_creations_refused_total{limit="site"}`),
	}
}

// NewViewCounter returns a counter writing to sink.
func NewViewCounter(sink ViewSink, now func() time.Time, log *slog.Logger) *ViewCounter {
	return &ViewCounter{sink: sink, now: now, log: log, m: newViewMetrics(metrics.NewSet()), pending: map[store.PageView]int{}}
}

// ExportMetrics exports the counter's metrics in set, for /metrics. Call it
// before Run or Flush.
func (v *ViewCounter) ExportMetrics(set *metrics.Set) { v.m = newViewMetrics(set) }

// Add counts one view of path on a site today (UTC).
func (v *ViewCounter) Add(siteID int64, path string) {
	key := store.PageView{SiteID: siteID, Path: path, Day: v.now().UTC().Format(time.DateOnly)}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.pending[key]; !ok && len(v.pending) >= maxPending {
		return
	}
	v.pending[key]++
}

// Flush writes the counted views. On failure they are kept for the next try.
func (v *ViewCounter) Flush(ctx context.Context) error {
	v.mu.Lock()
	batch := v.pending
	v.pending = map[store.PageView]int{}
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
			if _, ok := v.pending[k]; ok || len(v.pending) < maxPending {
				v.pending[k] += n
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
