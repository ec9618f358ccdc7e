package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
)

// startParley runs the real server (SQLite) on a free port, without rate
// or flood limits, and returns its base URL.
func startParley(b *testing.B) string {
	b.Helper()
	return startParleyWith(b, nil)
}

// startParleyWith is startParley with more settings (PARLEY_DATABASE_URL,
// PARLEY_DATA_DIR) in vars.
func startParleyWith(b *testing.B, more map[string]string) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars := map[string]string{"PARLEY_LISTEN": addr, "PARLEY_DATA_DIR": b.TempDir(), "PARLEY_WRITE_RATE": "0", "PARLEY_LOG_LEVEL": "error",
		"PARLEY_COMMENT_INTERVAL": "0", "PARLEY_MIN_FILL_TIME": "0"}
	maps.Copy(vars, more)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve"}, func(k string) string { return vars[k] }, io.Discard, io.Discard)
	}()
	b.Cleanup(func() { cancel(); <-done })
	base := "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return base
		}
		if i > 200 {
			b.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func postComments(b *testing.B, base, path string, n int) {
	b.Helper()
	for i := range n {
		body := fmt.Sprintf(`{"site":"localhost","path":%q,"text":"Comment %d with *some* markdown and a [link](https://example.com).","author":{"name":"Reader %d"}}`, path, i, i)
		req, _ := http.NewRequest("POST", base+"/api/v1/comments", strings.NewReader(body))
		req.Header.Set("Origin", base)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 201 {
			b.Fatalf("seed comment %d: %v %v", i, resp, err)
		}
		resp.Body.Close()
	}
}

func get(b *testing.B, client *http.Client, url string) []byte {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		b.Error(err) // Error, not Fatal: this runs in RunParallel's goroutines
		return nil
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Errorf("%s: %d", url, resp.StatusCode)
	}
	return body
}

// BenchmarkThreadRead compares a cached 100-comment thread served by Parley
// with a plain net/http handler serving the same gzipped bytes (the budget:
// Parley at ≥ 0.8× its throughput). Compare the ns/op of the two sub-benchmarks.
func BenchmarkThreadRead(b *testing.B) {
	base := startParley(b)
	postComments(b, base, "/bench", 100)
	url := base + "/api/v1/thread?site=localhost&path=/bench"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	gz := get(b, client, url)

	file := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, "thread.json", time.Time{}, bytes.NewReader(gz))
	}))
	defer file.Close()

	for _, target := range []struct{ name, url string }{{"parley", url}, {"filehandler", file.URL}} {
		b.Run(target.name, func(b *testing.B) {
			b.SetParallelism(8)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(b, client, target.url)
				}
			})
		})
	}
}
