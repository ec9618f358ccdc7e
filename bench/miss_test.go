package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
)

// newAPI returns the API handler over a fresh SQLite database with one
// site, localhost, without rate limits.
func newAPI(b *testing.B) http.Handler {
	b.Helper()
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("bench-secret-bench-secret-bench-secret!"))
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.OpenSQLite(ctx, filepath.Join(b.TempDir(), store.SQLiteFile), sealer)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	site := &model.Site{Host: "localhost", Origins: []string{"http://localhost"}, Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := api.New(api.Deps{Store: st, Comments: comment.NewService(st, markup.New(), time.Now), Sealer: sealer,
		Views: stats.NewViewCounter(st, time.Now, log), ClientIP: clientip.New(nil).IP, Log: log, Now: time.Now})
	mux := http.NewServeMux()
	h.Register(mux)
	return mux
}

func serve(b *testing.B, h http.Handler, r *http.Request, want int) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		b.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body)
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkThreadMiss serves a 10-comment thread that is not in the cache
// (another limit than the widget's, which is never cached) through the API
// handler: every request reads the database, encodes and gzips. cpu-ns/op
// is the process's CPU time per request (budget: well under 0.3 ms).
func BenchmarkThreadMiss(b *testing.B) {
	h := newAPI(b)
	for i := range 10 {
		body := fmt.Sprintf(`{"site":"localhost","path":"/miss","text":"Comment %d with *some* markdown and a [link](https://example.com).","author":{"name":"Reader %d"}}`, i, i)
		r := httptest.NewRequest("POST", "/api/v1/comments", strings.NewReader(body))
		r.Header.Set("Origin", "http://localhost")
		serve(b, h, r, http.StatusCreated)
	}
	r := httptest.NewRequest("GET", "/api/v1/thread?site=localhost&path=/miss&limit=10", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	serve(b, h, r, http.StatusOK)
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		serve(b, h, r, http.StatusOK)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
