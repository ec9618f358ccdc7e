package load

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Request is one request to send. Body is sent as is (nil: none).
type Request struct {
	Method string // "" means GET
	URL    string
	Body   []byte
	Header http.Header
}

// Options say how to load a server.
type Options struct {
	// Concurrency is the number of workers, each sending its next request
	// as soon as its last answer was read (a closed loop). At least 1.
	Concurrency int
	// Duration is how long requests are measured, after Warmup (whose
	// requests are sent but not counted).
	Duration, Warmup time.Duration
	// Next returns the i-th request (from 0) of a worker (from 0); it is
	// called from the workers' goroutines at the same time.
	Next func(worker, i int) Request
	// Expect is the status every answer must have; 0 accepts any status
	// below 400. An answer with another status counts as an error.
	Expect int
	// Client sends the requests; nil uses [NewClient] for Concurrency.
	Client *http.Client
}

// Result is what one run measured. Latencies are of the counted requests
// that succeeded, from sending to the last byte of the answer.
type Result struct {
	Requests   int           // answers counted, errors included
	Errors     int           // transport errors and unexpected statuses
	FirstError string        // the first of them, for the report
	Elapsed    time.Duration // the measured time
	Bytes      int64         // body bytes read (compressed as sent)
	P50, P99   time.Duration
	Max        time.Duration
}

// Rate is the successful answers per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// String is the result on one line, as parleyload prints it.
func (r Result) String() string {
	s := fmt.Sprintf("%.0f req/s  p50 %s  p99 %s  max %s  %d requests  %d errors",
		r.Rate(), Round(r.P50), Round(r.P99), Round(r.Max), r.Requests, r.Errors)
	if r.FirstError != "" {
		s += "  (first: " + r.FirstError + ")"
	}
	return s
}

// Round shortens a latency for reading: microseconds below 10 ms, then
// tenths of milliseconds.
func Round(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value that at least p percent of the
// values are not above. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Ratio is a / base, or 0 when base is not positive: how a figure compares
// with the machine's limit measured in the same run.
func Ratio(a, base float64) float64 {
	if base <= 0 {
		return 0
	}
	return a / base
}

// NewClient returns a client keeping up to concurrency connections to each
// host open, that never decompresses answers itself (a request asking for
// gzip gets the compressed bytes, as a browser would).
func NewClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns: 0, MaxIdleConnsPerHost: concurrency, DisableCompression: true,
			IdleConnTimeout: 90 * time.Second,
		},
	}
}

// worker is what one worker measured.
type worker struct {
	lat        []time.Duration
	requests   int
	errors     int
	firstError string
	bytes      int64
}

// Run loads the server as o says until the measured time is over or ctx
// ends, and returns what it measured.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Concurrency < 1 || o.Duration <= 0 || o.Next == nil {
		return Result{}, errors.New("load: Concurrency, Duration and Next are required")
	}
	client := o.Client
	if client == nil {
		client = NewClient(o.Concurrency)
	}
	start := time.Now()
	from, until := start.Add(o.Warmup), start.Add(o.Warmup+o.Duration)
	ctx, cancel := context.WithDeadline(ctx, until.Add(time.Minute))
	defer cancel()
	workers := make([]worker, o.Concurrency)
	var wg sync.WaitGroup
	for n := range workers {
		wg.Go(func() { workers[n].run(ctx, client, o, n, from, until) })
	}
	wg.Wait()
	return merge(workers, until.Sub(from)), nil
}

func (w *worker) run(ctx context.Context, client *http.Client, o Options, n int, from, until time.Time) {
	for i := 0; ctx.Err() == nil; i++ {
		sent := time.Now()
		if !sent.Before(until) {
			return
		}
		size, err := send(ctx, client, o.Next(n, i), o.Expect)
		if sent.Before(from) {
			continue
		}
		w.requests++
		w.bytes += size
		if err != nil {
			w.errors++
			if w.firstError == "" {
				w.firstError = err.Error()
			}
			continue
		}
		w.lat = append(w.lat, time.Since(sent))
	}
}

// send does one request and reads its answer to the end.
func send(ctx context.Context, client *http.Client, r Request, expect int) (int64, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, cmp.Or(r.Method, http.MethodGet), r.URL, body)
	if err != nil {
		return 0, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	switch {
	case err != nil:
		return n, err
	case expect != 0 && resp.StatusCode != expect, expect == 0 && resp.StatusCode >= 400:
		return n, fmt.Errorf("status %d", resp.StatusCode)
	}
	return n, nil
}

func merge(workers []worker, elapsed time.Duration) Result {
	r := Result{Elapsed: elapsed}
	var lat []time.Duration
	for _, w := range workers {
		r.Requests += w.requests
		r.Errors += w.errors
		r.Bytes += w.bytes
		if r.FirstError == "" {
			r.FirstError = w.firstError
		}
		lat = append(lat, w.lat...)
	}
	slices.Sort(lat)
	r.P50, r.P99 = Percentile(lat, 50), Percentile(lat, 99)
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
	return r
}
