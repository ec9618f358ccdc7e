package load

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, c := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100 is the 99th", ms(hundred...), 99, 99 * time.Millisecond},
		{"p50 of 100 is the 50th", ms(hundred...), 50, 50 * time.Millisecond},
		{"p100 is the largest", ms(1, 5, 9), 100, 9 * time.Millisecond},
		{"tiny p is the smallest", ms(1, 5, 9), 0.001, time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Percentile(c.sorted, c.p); got != c.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", c.sorted, c.p, got, c.want)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(300, 1200); got != 0.25 {
		t.Errorf("Ratio(300, 1200) = %v, want 0.25", got)
	}
	if got := Ratio(5, 0); got != 0 {
		t.Errorf("Ratio against no baseline = %v, want 0", got)
	}
}

// TestRunCountsWhatTheServerAnswered drives a local server whose every
// fourth answer is slow and every tenth an error: the run counts each
// request the server saw, the errors apart, and its p99 is a slow answer.
func TestRunCountsWhatTheServerAnswered(t *testing.T) {
	const slow = 30 * time.Millisecond
	var served, failed atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		switch r.URL.Query().Get("kind") {
		case "slow":
			time.Sleep(slow)
		case "fail":
			failed.Add(1)
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "hello")
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Options{
		Concurrency: 4, Duration: 500 * time.Millisecond,
		Next: func(_, i int) Request {
			kind := "fast"
			switch {
			case i%10 == 9:
				kind = "fail"
			case i%4 == 0:
				kind = "slow"
			}
			return Request{URL: srv.URL + "/?kind=" + kind}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors == 0 {
		t.Fatalf("nothing measured: %+v", res)
	}
	if int64(res.Requests) != served.Load() || int64(res.Errors) != failed.Load() {
		t.Errorf("counted %d requests and %d errors, the server saw %d and failed %d", res.Requests, res.Errors, served.Load(), failed.Load())
	}
	if !strings.Contains(res.FirstError, "500") {
		t.Errorf("first error %q does not name the status", res.FirstError)
	}
	if res.P99 < slow || res.Max < res.P99 || res.P50 > res.P99 {
		t.Errorf("p50 %v, p99 %v, max %v: p99 must be a slow answer (≥ %v)", res.P50, res.P99, res.Max, slow)
	}
	if want := float64(res.Requests-res.Errors) / res.Elapsed.Seconds(); res.Rate() != want {
		t.Errorf("rate %v, want %v", res.Rate(), want)
	}
}

// TestRunLeavesTheWarmupOut: requests sent during the warm-up are sent but
// not counted (each worker's first request is one of them).
func TestRunLeavesTheWarmupOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var sent atomic.Int64
	res, err := Run(context.Background(), Options{
		Concurrency: 2, Warmup: 200 * time.Millisecond, Duration: 200 * time.Millisecond,
		Next: func(int, int) Request { sent.Add(1); return Request{URL: srv.URL} },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || int64(res.Requests) > sent.Load()-2 || res.Elapsed != 200*time.Millisecond {
		t.Errorf("counted %d of %d requests over %v: want the warm-up's left out and the measured time alone", res.Requests, sent.Load(), res.Elapsed)
	}
}

// TestStaticServesTheSameBytes: the machine's limit answers every method
// with the very bytes it was given, compressed ones labelled so.
func TestStaticServesTheSameBytes(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"comments":[]}`))
	zw.Close()
	srv := httptest.NewServer(Static(buf.Bytes(), "application/json", true))
	defer srv.Close()
	for _, method := range []string{"GET", "POST"} {
		req, _ := http.NewRequest(method, srv.URL+"/any/path", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := NewClient(1).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, buf.Bytes()) || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: got %d bytes (encoding %q), want the %d given", method, len(got), resp.Header.Get("Content-Encoding"), buf.Len())
		}
	}
}

func TestParseStatus(t *testing.T) {
	status := "Name:\tparley\nVmPeak:\t  900000 kB\nVmHWM:\t   40960 kB\nVmRSS:\t   20480 kB\nThreads:\t9\n"
	m, err := parseStatus([]byte(status))
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 20<<20 || m.Peak != 40<<20 {
		t.Errorf("got %+v, want RSS 20 MiB and peak 40 MiB", m)
	}
	if _, err := parseStatus([]byte("Name:\tkthread\n")); err == nil {
		t.Error("a status without memory lines was read without error")
	}
}
