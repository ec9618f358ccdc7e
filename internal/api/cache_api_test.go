package api_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
)

// metric reads one value from a metrics set.
func metric(t testing.TB, set *metrics.Set, name string) float64 {
	t.Helper()
	var b bytes.Buffer
	set.WritePrometheus(&b)
	for _, line := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s in:\n%s", name, b.String())
	return 0
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestThreadCacheStaysUnderItsBound sends thousands of distinct variants of
// a few threads (limits, sorts, cursors, languages) and of made-up paths,
// as an anonymous client could: the cache keeps to its byte bound and the
// heap does not grow with the number of variants.
func TestThreadCacheStaysUnderItsBound(t *testing.T) {
	const bound = 256 << 10
	set := metrics.NewSet()
	e := newEnv(t, "sqlite", options{cache: bound, metrics: set})
	const pages = 8
	for p := range pages {
		for i := range 25 {
			e.post(fmt.Sprintf("/p%d", p), 0, fmt.Sprintf("comment %d with enough words in it to weigh like a real one, **some** markdown too", i))
		}
	}
	var cursors []string
	for _, sort := range []string{"oldest", "newest", "top"} {
		for limit := 1; limit < 25; limit++ {
			th := e.thread(fmt.Sprintf("path=/p0&sort=%s&limit=%d", sort, limit))
			cursors = append(cursors, "sort="+sort+"&cursor="+th.str("nextCursor"))
		}
	}
	before := heapAlloc()
	for i := range 4000 {
		var q string
		switch i % 4 {
		case 0:
			q = fmt.Sprintf("path=/p%d&limit=%d", i%pages, 1+i%maxLimit)
		case 1:
			q = fmt.Sprintf("path=/p%d&%s", i%pages, cursors[i%len(cursors)])
		case 2:
			q = fmt.Sprintf("path=/p%d&sort=top&lang=x-%d", i%pages, i) // unknown languages are one variant
		case 3:
			q = fmt.Sprintf("path=/made-up/%d", i)
		}
		if r := e.thread(q); r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.raw)
		}
		if i%500 == 0 {
			if b := metric(t, set, "parley_thread_cache_bytes"); b > bound {
				t.Fatalf("after %d requests the cache holds %.0f bytes, bound %d", i, b, bound)
			}
		}
		if i%500 == 0 {
			if b := metric(t, set, "parley_thread_cache_bytes"); b > bound {
				t.Fatalf("after %d requests the cache holds %.0f bytes, bound %d", i, b, bound)
			}
		}
	}
	if b := metric(t, set, "parley_thread_cache_bytes"); b > bound || b == 0 {
		t.Errorf("cache holds %.0f bytes, bound %d", b, bound)
	}
	// Generous margin: the view counter and the database's own caches grow
	// too; 4,000 cached variants would take tens of megabytes.
	grown := int64(heapAlloc()) - int64(before)
	t.Logf("heap grew by %d KB", grown>>10)
	if grown > 8<<20 {
		t.Errorf("heap grew by %d MB over 4,000 variants (cache bound %d KB)", grown>>20, bound>>10)
	}
}

// TestWriteKeepsOtherPagesCached: a comment, an edit, a vote or a delete on
// one page leaves the cached thread of another page in place.
func TestWriteKeepsOtherPagesCached(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			set := metrics.NewSet()
			e := newEnv(t, d, options{metrics: set})
			id, token := e.post("/a", 0, "on page a")
			e.post("/b", 0, "on page b")
			writes := []struct {
				name string
				do   func() int
			}{
				{"comment", func() int { _, _ = e.post("/a", 0, "another on a"); return 201 }},
				{"edit", func() int {
					return e.do(req{method: "PATCH", path: "/api/v1/comments/" + strconv.FormatInt(id, 10), body: map[string]any{"text": "edited"},
						headers: map[string]string{"X-Parley-Edit-Token": token}}).status
				}},
				{"vote", func() int {
					return e.do(req{method: "POST", path: "/api/v1/comments/" + strconv.FormatInt(id, 10) + "/vote", body: map[string]any{"value": 1}}).status
				}},
				{"delete", func() int {
					return e.do(req{method: "DELETE", path: "/api/v1/comments/" + strconv.FormatInt(id, 10),
						headers: map[string]string{"X-Parley-Edit-Token": token}}).status
				}},
			}
			for _, w := range writes {
				e.thread("path=/a")
				e.thread("path=/b") // both cached now
				hits := metric(t, set, "parley_thread_cache_hits_total")
				loads := metric(t, set, "parley_thread_loads_total")
				if status := w.do(); status >= 300 {
					t.Fatalf("%s: %d", w.name, status)
				}
				e.thread("path=/b")
				if got := metric(t, set, "parley_thread_cache_hits_total"); got != hits+1 {
					t.Errorf("after a %s on /a, /b was not served from the cache (hits %v → %v)", w.name, hits, got)
				}
				e.thread("path=/a")
				if got := metric(t, set, "parley_thread_loads_total"); got != loads+1 {
					t.Errorf("after a %s on /a, /a was not read again (loads %v → %v)", w.name, loads, got)
				}
			}
			if th := e.thread("path=/a"); strings.Contains(string(th.raw), "on page a") || !strings.Contains(string(th.raw), "another on a") {
				t.Errorf("page /a is stale: %s", th.raw)
			}
		})
	}
}

const maxLimit = 200

// TestOtherServerDropsOnlyTheWrittenPage runs two API servers on one
// PostgreSQL database: a comment posted through one drops that page from the
// other's cache at once, and only that page.
func TestOtherServerDropsOnlyTheWrittenPage(t *testing.T) {
	first := newEnv(t, "postgres", options{})
	set := metrics.NewSet()
	second, changes := secondServer(t, first, set)

	first.post("/b", 0, "on b")
	<-changes
	second.thread("path=/a")
	second.thread("path=/b")
	first.post("/a", 0, "posted on the first server")
	if ch := <-changes; ch.SiteID != first.site.ID || ch.PageID == 0 || ch.Path != "/a" {
		t.Fatalf("notification: %+v", ch)
	}
	hits := metric(t, set, "parley_thread_cache_hits_total")
	if th := second.thread("path=/a"); !strings.Contains(string(th.raw), "posted on the first server") {
		t.Fatalf("second server serves its stale cached thread: %s", th.raw)
	}
	second.thread("path=/b")
	if got := metric(t, set, "parley_thread_cache_hits_total"); got != hits+1 {
		t.Errorf("/b was dropped from the second server's cache too (hits %v → %v)", hits, got)
	}
}
