package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/importer/importtest"
)

// BenchmarkImport100k imports a generated Disqus export of 100,000
// comments (1,000 threads, a third of them replies) into a fresh database
// per iteration, on SQLite and on PostgreSQL. The budget (DESIGN.md §7,
// docs/migrating.md) is under 10 seconds on both, with memory bounded;
// peak-heap-MB shows the latter.
//
//	go test ./internal/importer -run '^$' -bench Import100k -benchtime 1x
func BenchmarkImport100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "disqus-100k.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := importtest.GenDisqus(f, 1000, 100, false); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	defer importer.CommandGC()() // as parley import does
	for _, db := range []struct {
		name string
		open func(testing.TB) *env
	}{{"sqlite", openSQLite}, {"postgres", openPostgres}} {
		b.Run(db.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			for b.Loop() {
				b.StopTimer()
				e := db.open(b)
				peak := watchHeap()
				b.StartTimer()
				in, _ := os.Open(path)
				rep, err := e.im.Run(context.Background(), in, e.options(importer.Options{Size: st.Size()}), nil)
				in.Close()
				b.StopTimer()
				heap := peak()
				if err != nil {
					b.Fatal(err)
				}
				if rep.Added != 100_000 {
					b.Fatalf("added %d comments, want 100000 (%+v)", rep.Added, rep.SkippedByReason)
				}
				b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
				b.StartTimer()
			}
			b.ReportMetric(float64(b.N*100_000)/b.Elapsed().Seconds(), "comments/s")
		})
	}
}

// watchHeap samples the heap in use until the returned function is called,
// which returns the highest value seen. It reads runtime/metrics, which do
// not stop the world: runtime.ReadMemStats every 20 ms did, and preempting
// the import's goroutines for it cost a tenth of the run's CPU.
func watchHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
		for {
			metrics.Read(sample)
			if inUse := sample[0].Value.Uint64() + sample[1].Value.Uint64(); inUse > peak.Load() {
				peak.Store(inUse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(stop)
		wg.Wait()
		return peak.Load()
	}
}
