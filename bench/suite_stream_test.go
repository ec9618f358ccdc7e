package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/bench/load"
)

// Fan-out: how many comments are posted to the page the streams follow, and
// how long each may take to reach every stream.
const (
	fanOutPosts   = 20
	fanOutTimeout = 5 * time.Second
	// fanOutQuiet is how long no event may arrive before the next post, so
	// that the late events of one post are not taken for the next one's.
	fanOutQuiet = 100 * time.Millisecond
)

// arrival is one event read by stream n.
type arrival struct {
	n  int
	at time.Time
}

// fanOut opens the configured number of streams of /t100
// (GET /api/v1/stream), then posts comments there one at a time and
// measures how long each takes to reach every stream. It is skipped, with
// the reason in the report, when the server has no stream endpoint.
func (sc scenarios) fanOut(p *process) row {
	r := row{db: sc.db, name: fmt.Sprintf("SSE fan-out to %d streams", sc.s.streams), unit: "events/s"}
	streamURL := p.base + "/api/v1/stream?" + url.Values{"site": {siteHost}, "path": {"/t100"}}.Encode()
	ctx, cancel := context.WithCancel(ctxFor(sc.b))
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: -1}}
	arrivals := make(chan arrival, sc.s.streams*4)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	opened := 0
	for n := range sc.s.streams {
		resp, err := openStream(ctx, client, streamURL)
		if err != nil {
			r.skipped = err.Error()
			if n > 0 {
				r.skipped = fmt.Sprintf("only %d streams opened: %v", n, err)
			}
			return r
		}
		opened++
		wg.Go(func() { readEvents(ctx, resp.Body, n, arrivals) })
	}
	start := time.Now()
	var lat []time.Duration
	missed := 0
	post := post("/t100")(p.base)
	for i := range fanOutPosts {
		drain(arrivals, fanOutQuiet)
		sent := time.Now()
		if _, err := sc.send(post(0, i)); err != nil {
			sc.b.Fatal(err)
		}
		got := collect(arrivals, opened, sent)
		lat = append(lat, got...)
		missed += opened - len(got)
	}
	elapsed := time.Since(start)
	slices.Sort(lat)
	r.res = load.Result{Requests: len(lat), Elapsed: elapsed, P50: load.Percentile(lat, 50), P99: load.Percentile(lat, 99)}
	if len(lat) > 0 {
		r.res.Max = lat[len(lat)-1]
	}
	r.mem = sc.memory(p)
	r.note = fmt.Sprintf("%d comments, each to %d streams; latency from the post to the event", fanOutPosts, opened)
	if missed > 0 {
		r.note += fmt.Sprintf("; %d deliveries missing after %s", missed, fanOutTimeout)
	}
	return r
}

func openStream(ctx context.Context, client *http.Client, u string) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Origin", siteOrigin)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("GET /api/v1/stream answers 404: this build has no live updates")
		}
		return nil, fmt.Errorf("GET /api/v1/stream answers %d: %s", resp.StatusCode, errorText(b))
	}
	return resp, nil
}

// readEvents reports each event's data line until the stream or ctx ends.
func readEvents(ctx context.Context, body io.ReadCloser, n int, out chan<- arrival) {
	defer body.Close()
	sc := bufio.NewScanner(body)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "data:") {
			continue
		}
		select {
		case out <- arrival{n, time.Now()}:
		case <-ctx.Done():
			return
		}
	}
}

// drain discards arrivals until none came for quiet.
func drain(ch <-chan arrival, quiet time.Duration) {
	for {
		select {
		case <-ch:
		case <-time.After(quiet):
			return
		}
	}
}

// collect returns how long after sent the first event reached each of the
// streams, waiting at most fanOutTimeout.
func collect(ch <-chan arrival, streams int, sent time.Time) []time.Duration {
	seen := make(map[int]bool, streams)
	var lat []time.Duration
	deadline := time.After(fanOutTimeout)
	for len(seen) < streams {
		select {
		case a := <-ch:
			if !seen[a.n] {
				seen[a.n] = true
				lat = append(lat, a.at.Sub(sent))
			}
		case <-deadline:
			return lat
		}
	}
	return lat
}

// send does one request and checks it succeeded.
func (sc scenarios) send(r load.Request) ([]byte, error) {
	req, _ := http.NewRequest(r.Method, r.URL, strings.NewReader(string(r.Body)))
	req.Header = r.Header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		return b, fmt.Errorf("%s %s: %d %s", r.Method, r.URL, resp.StatusCode, errorText(b))
	}
	return b, nil
}
