package bench

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley/bench/load"
)

// scenarios run the suite's scenarios against one database.
type scenarios struct {
	b    *testing.B
	s    settings
	bins binaries
	db   string
}

// next builds a request relative to a server's base URL: the same requests
// go to Parley and to the static baseline.
type next func(base string) func(worker, i int) load.Request

// browser are the headers of a widget's request.
func browser() http.Header {
	return http.Header{"Accept-Encoding": {"gzip"}, "Origin": {siteOrigin}}
}

func getting(rel func(worker, i int) string) next {
	return func(base string) func(int, int) load.Request {
		h := browser()
		return func(w, i int) load.Request { return load.Request{URL: base + rel(w, i), Header: h} }
	}
}

func threadRel(path string) string {
	return "/api/v1/thread?" + url.Values{"site": {siteHost}, "path": {path}}.Encode()
}

// commentBody is the i-th comment of worker w on path.
func commentBody(path string, w, i int) []byte {
	return fmt.Appendf(nil, `{"site":%q,"path":%q,"text":"Benchmark comment %d-%d with *some* markdown and a [link](https://example.com).","author":{"name":"Writer %d"}}`,
		siteHost, path, w, i, w)
}

func post(path string) next {
	return func(base string) func(int, int) load.Request {
		h := browser()
		h.Set("Content-Type", "application/json")
		return func(w, i int) load.Request {
			return load.Request{Method: "POST", URL: base + "/api/v1/comments", Body: commentBody(path, w, i), Header: h}
		}
	}
}

// fetch sends the first request of n to base once and returns the answer's
// bytes as sent, and whether they are gzip-compressed.
func (sc scenarios) fetch(base string, n next) ([]byte, bool) {
	r := n(base)(-1, -1)
	req, _ := http.NewRequest(r.Method, r.URL, bytes.NewReader(r.Body))
	req.Header = r.Header
	resp, err := load.NewClient(1).Do(req)
	if err != nil {
		sc.b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode >= 400 {
		sc.b.Fatalf("%s %s: %d %v %s", r.Method, r.URL, resp.StatusCode, err, body)
	}
	return body, resp.Header.Get("Content-Encoding") == "gzip"
}

func (sc scenarios) run(base string, n next, expect int) load.Result {
	res, err := load.Run(ctxFor(sc.b), load.Options{Concurrency: sc.s.conc, Duration: sc.s.duration, Warmup: sc.s.warmup,
		Next: n(base), Expect: expect})
	if err != nil {
		sc.b.Fatal(err)
	}
	return res
}

// baseline serves the answer of n's first request from a plain file
// handler and loads it as Parley was.
func (sc scenarios) baseline(p *process, n next) *load.Result {
	body, gz := sc.fetch(p.base, n)
	st := static(sc.b, sc.bins, body, gz)
	defer st.stop()
	res := sc.run(st.base, n, 0)
	return &res
}

// measure runs n against Parley then its baseline.
func (sc scenarios) measure(p *process, name string, n next, expect int) row {
	base := sc.baseline(p, n)
	r := row{db: sc.db, name: name, res: sc.run(p.base, n, expect), static: base}
	r.mem = sc.memory(p)
	return r
}

func (sc scenarios) memory(p *process) load.Memory {
	m, err := load.ReadMemory(p.pid())
	if err != nil {
		sc.b.Fatal(err)
	}
	return m
}

// cachedRead reads one thread of n comments, as every reader of a busy
// page does.
func (sc scenarios) cachedRead(p *process, n int) row {
	rel := threadRel(fmt.Sprintf("/t%d", n))
	return sc.measure(p, fmt.Sprintf("cached read, %d-comment thread", n), getting(func(int, int) string { return rel }), http.StatusOK)
}

// randomReads reads the 10,000 one-comment pages in a random order, each
// once before any again, so that reads miss the thread cache (entries live
// 5 s) as the first readers of a page do; the note says how many missed.
// The baseline serves the answer of one of them.
func (sc scenarios) randomReads(p *process) row {
	order := rand.Perm(randomPages)
	var next atomic.Int64
	n := getting(func(w, i int) string {
		if i < 0 {
			return threadRel("/r/0")
		}
		return threadRel(fmt.Sprintf("/r/%d", order[next.Add(1)%randomPages]))
	})
	base := sc.baseline(p, n)
	hits, misses := sc.cacheCounts(p)
	r := row{db: sc.db, name: fmt.Sprintf("random reads over %d pages", randomPages), res: sc.run(p.base, n, http.StatusOK), static: base}
	hits2, misses2 := sc.cacheCounts(p)
	r.mem = sc.memory(p)
	if total := hits2 - hits + misses2 - misses; total > 0 {
		r.note = fmt.Sprintf("%.0f%% of these reads missed the thread cache", 100*(misses2-misses)/total)
	}
	return r
}

// cacheCounts reads the thread cache's hits and misses from /metrics.
func (sc scenarios) cacheCounts(p *process) (hits, misses float64) {
	resp, err := http.Get(p.base + "/metrics")
	if err != nil {
		sc.b.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		name, value, _ := strings.Cut(line, " ")
		v, _ := strconv.ParseFloat(value, 64)
		switch name {
		case "parley_thread_cache_hits_total":
			hits = v
		case "parley_thread_cache_misses_total":
			misses = v
		}
	}
	return hits, misses
}

// readsUnderWrites reads /t100 while 8 writers post to another page; the
// baseline is the quiet file handler.
func (sc scenarios) readsUnderWrites(p *process) row {
	rel := threadRel("/t100")
	reads := getting(func(int, int) string { return rel })
	base := sc.baseline(p, reads)
	var writes load.Result
	var wg sync.WaitGroup
	wg.Go(func() {
		var err error
		writes, err = load.Run(ctxFor(sc.b), load.Options{Concurrency: 8, Duration: sc.s.duration, Warmup: sc.s.warmup,
			Next: post("/w-other")(p.base), Expect: http.StatusCreated})
		if err != nil {
			sc.b.Error(err)
		}
	})
	r := row{db: sc.db, name: "cached read of 100 while 8 writers post to another page", res: sc.run(p.base, reads, http.StatusOK), static: base}
	wg.Wait()
	r.mem = sc.memory(p)
	r.note = fmt.Sprintf("writers meanwhile: %.0f comments/s, p99 %s", writes.Rate(), load.Round(writes.P99))
	if writes.Errors > 0 {
		r.note += fmt.Sprintf(", %d errors (%s)", writes.Errors, writes.FirstError)
	}
	return r
}

// create posts comments to path from every worker; the baseline answers
// the bytes of one such 201.
func (sc scenarios) create(p *process, name, path string) row {
	return sc.measure(p, name, post(path), http.StatusCreated)
}

// counts asks the comment counts of 50 pages in one request.
func (sc scenarios) counts(p *process) row {
	q := url.Values{"site": {siteHost}}
	for i := range 50 {
		q.Add("path", fmt.Sprintf("/r/%d", i))
	}
	rel := "/api/v1/counts?" + q.Encode()
	return sc.measure(p, "counts of 50 pages", getting(func(int, int) string { return rel }), http.StatusOK)
}

// errorText shortens an answer for a report.
func errorText(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
