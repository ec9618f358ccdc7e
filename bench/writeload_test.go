package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReadsUnderWritesElsewhere reads one unchanged 10-comment page
// while nothing else happens ("quiet"), while 4 clients post comments to
// another page of the same site, each 50 times a second ("writes-elsewhere",
// 200 writes/s: more than any comment section sees), and while they post as
// fast as they can ("flood-elsewhere"). A write drops only its own page from
// the cache, so the reads stay cache hits (budget: ≥ 0.8× the quiet
// throughput, p99 ≤ 2× quiet, under writes-elsewhere). Under a flood the
// writers take most of the CPU of a small machine, which no cache can give
// back. Compare the ns/op and p99-ns of the sub-benchmarks; writes/s shows
// the load.
func BenchmarkReadsUnderWritesElsewhere(b *testing.B) {
	base := startParley(b)
	postComments(b, base, "/read", 10)
	postComments(b, base, "/write", 1)
	url := base + "/api/v1/thread?site=localhost&path=/read"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	for _, load := range []struct {
		name    string
		writers int
		every   time.Duration // between one writer's posts; 0: no pause
	}{{"quiet", 0, 0}, {"writes-elsewhere", 4, 20 * time.Millisecond}, {"flood-elsewhere", 4, 0}} {
		b.Run(load.name, func(b *testing.B) {
			ctx, stop := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			var written atomic.Int64
			for w := range load.writers {
				writer := fmt.Sprintf("%d of run %d", w, time.Now().UnixNano())
				wg.Go(func() { written.Add(int64(postUntil(ctx, b, client, base, "/write", writer, load.every))) })
			}
			var mu sync.Mutex
			var latencies []time.Duration
			misses := counter(b, base, "parley_thread_cache_misses_total")
			b.SetParallelism(4)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					t := time.Now()
					get(b, client, url)
					mine = append(mine, time.Since(t))
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			wg.Wait()
			slices.Sort(latencies)
			b.ReportMetric(float64(latencies[len(latencies)*99/100]), "p99-ns")
			b.ReportMetric(float64(written.Load())/elapsed.Seconds(), "writes/s")
			b.ReportMetric((counter(b, base, "parley_thread_cache_misses_total")-misses)/float64(len(latencies)), "misses/read")
		})
	}
}

// postUntil posts comments to path as writer (a name no other writer of any
// run has: duplicate texts are refused), one every interval (or back to
// back), until ctx ends, and returns how many.
func postUntil(ctx context.Context, b *testing.B, client *http.Client, base, path, writer string, every time.Duration) int {
	n := 0
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for ctx.Err() == nil {
		if tick != nil {
			select {
			case <-ctx.Done():
				return n
			case <-tick:
			}
		}
		body := fmt.Sprintf(`{"site":"localhost","path":%q,"text":"Load comment %d of writer %s","author":{"name":"Writer"}}`, path, n, writer)
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/comments", strings.NewReader(body))
		req.Header.Set("Origin", base)
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				b.Error(err)
			}
			return n
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Errorf("post: %d", resp.StatusCode)
			return n
		}
		n++
	}
	return n
}

// counter reads one counter from the server's /metrics.
func counter(b *testing.B, base, name string) float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatal(err)
			}
			return f
		}
	}
	b.Fatalf("no %s in /metrics", name)
	return 0
}
