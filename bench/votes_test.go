package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkThreadReadVoted serves a cached 100-comment thread that has one
// vote through the API handler, to a reader who never voted and to the voter
// (budget: the reader as cheap as on a page without votes, no query; the
// voter the cached body plus their own votes). cpu-ns/op is the process's
// CPU time per request.
func BenchmarkThreadReadVoted(b *testing.B) {
	h := newAPI(b)
	for i := range 100 {
		body := fmt.Sprintf(`{"site":"localhost","path":"/voted","text":"Comment %d with *some* markdown and a [link](https://example.com).","author":{"name":"Reader %d"}}`, i, i)
		r := httptest.NewRequest("POST", "/api/v1/comments", strings.NewReader(body))
		r.Header.Set("Origin", "http://localhost")
		serve(b, h, r, http.StatusCreated)
	}
	vote := httptest.NewRequest("POST", "/api/v1/comments/1/vote", strings.NewReader(`{"value":1}`))
	vote.Header.Set("Origin", "http://localhost")
	vote.Header.Set("User-Agent", "voter")
	serve(b, h, vote, http.StatusOK)
	for _, agent := range []string{"reader", "voter"} {
		b.Run(agent, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/api/v1/thread?site=localhost&path=/voted", nil)
			r.Header.Set("Accept-Encoding", "gzip")
			r.Header.Set("User-Agent", agent)
			b.ReportAllocs()
			start := cpuTime()
			for b.Loop() {
				serve(b, h, r, http.StatusOK)
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
