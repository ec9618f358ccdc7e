package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
)

// fanOutStreams is how many live streams BenchmarkStreamFanOut holds open:
// PARLEY_MAX_STREAMS's default.
const fanOutStreams = 10000

// TestHelperServe is not a test: BenchmarkStreamFanOut runs the test binary
// as a parley serve process of its own through it, so that the server's
// memory and CPU can be read apart from the clients'.
func TestHelperServe(t *testing.T) {
	if os.Getenv("PARLEY_BENCH_HELPER_SERVE") == "" {
		t.Skip("helper process only")
	}
	cli.Run(context.Background(), []string{"serve"}, os.Getenv, os.Stdout, os.Stderr)
}

// BenchmarkStreamFanOut opens 10,000 live streams of one page on a parley
// serve process of its own, then posts comments to the page: one operation
// is a comment posted and its event read by every stream. It reports the
// server's resident memory per open stream (B/stream, the growth of its
// RSS from before the streams opened, divided by their number), the
// server's CPU per event delivered to all streams (server-cpu-ms/event,
// from /proc) and the time until the last stream had the event
// (ns/op). The server's file descriptors limit the count: one per stream.
//
//	go test -run '^$' -bench StreamFanOut -benchtime 20x ./bench/
func BenchmarkStreamFanOut(b *testing.B) {
	srv := startServeProcess(b)
	rss, goMem := srv.rss(b), srv.goMem(b)
	var got, open atomic.Int64
	var conns []net.Conn
	b.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	// In batches, again for those the listen queue refused when opened at once.
	for open.Load() < fanOutStreams {
		had := open.Load()
		var ready sync.WaitGroup
		for range min(fanOutStreams-int(open.Load()), 500) {
			conns = append(conns, openRawStream(b, srv.addr, "/fan", len(conns), &got, &open, &ready))
		}
		ready.Wait() // every stream has its headers: subscribed
		if open.Load() == had {
			b.Fatalf("%d of %d streams opened", had, fanOutStreams)
		}
	}
	time.Sleep(time.Second)
	rssPerStream := float64(srv.rss(b)-rss) / fanOutStreams
	goPerStream := float64(srv.goMem(b)-goMem) / fanOutStreams
	cpu := srv.cpu(b)
	b.ResetTimer()
	for i := range b.N {
		postFanOut(b, srv.addr, i)
		want := int64(i+1) * fanOutStreams
		for deadline := time.Now().Add(time.Minute); got.Load() < want; time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				b.Fatalf("event %d reached %d of %d streams", i+1, got.Load()-want+fanOutStreams, fanOutStreams)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(rssPerStream, "rss-B/stream") // after ResetTimer, which forgets reported metrics
	b.ReportMetric(goPerStream, "go-B/stream")
	b.ReportMetric(float64(srv.cpu(b)-cpu)/float64(b.N)/float64(time.Millisecond), "server-cpu-ms/event")
}

// postFanOut posts comment n on the page the streams follow.
func postFanOut(b *testing.B, addr string, n int) {
	body := fmt.Sprintf(`{"site":"localhost","path":"/fan","text":"Fan-out comment %d.","author":{"name":"Reader"}}`, n)
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/comments", strings.NewReader(body))
	req.Header.Set("Origin", "http://"+addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		b.Fatalf("post comment %d: %v %v", n, resp, err)
	}
	resp.Body.Close()
}

// serveProcess is parley serve running as a process of its own.
type serveProcess struct {
	cmd  *exec.Cmd
	addr string
}

func startServeProcess(b *testing.B) *serveProcess {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	cmd.Env = append(os.Environ(), "PARLEY_BENCH_HELPER_SERVE=1", "PARLEY_LISTEN="+addr, "PARLEY_DATA_DIR="+b.TempDir(),
		"PARLEY_WRITE_RATE=0", "PARLEY_COMMENT_INTERVAL=0", "PARLEY_MIN_FILL_TIME=0", "PARLEY_LOG_LEVEL=error",
		"PARLEY_MAX_STREAMS="+strconv.Itoa(fanOutStreams), "PARLEY_BACKUP_INTERVAL=0",
		"PARLEY_TRUSTED_PROXIES=127.0.0.1/32") // each stream names its own address: one network holds 100 at most
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; ; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return &serveProcess{cmd: cmd, addr: addr}
		}
		if i > 400 {
			b.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rss is the server's resident memory in bytes (VmRSS of /proc).
func (p *serveProcess) rss(b *testing.B) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Skipf("no /proc to read the server's memory from: %v", err)
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS")
	return 0
}

// goMem is what the server's Go runtime holds for heap objects and
// goroutine stacks (go_memstats_heap_alloc_bytes + _stack_inuse_bytes of
// its /metrics): without the memory it freed but did not yet give back, which RSS counts.
func (p *serveProcess) goMem(b *testing.B) int64 {
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var sum int64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), " ")
		if name == "go_memstats_heap_alloc_bytes" || name == "go_memstats_stack_inuse_bytes" {
			n, _ := strconv.ParseFloat(value, 64)
			sum += int64(n)
		}
	}
	return sum
}

// cpu is the CPU time the server used so far (user and system, /proc stat;
// clock ticks of 10 ms, as Linux counts them for USER_HZ 100).
func (p *serveProcess) cpu(b *testing.B) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:])) // fields from the 3rd on
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// openRawStream opens one stream with a bare connection (no HTTP client
// state to weigh on the client side), as if from address 10.x.y.1 for its
// number n, and counts its events in got; ready is done once the answer's
// headers came, and open counts it if it was 200.
func openRawStream(b *testing.B, addr, path string, n int, got, open *atomic.Int64, ready *sync.WaitGroup) net.Conn {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatalf("open stream: %v (raise the open files limit: each stream takes one)", err)
	}
	fmt.Fprintf(c, "GET /api/v1/stream?site=localhost&path=%s HTTP/1.1\r\nHost: %s\r\nX-Forwarded-For: 10.%d.%d.1\r\n\r\n",
		path, addr, n>>8&255, n&255)
	ready.Add(1)
	go func() {
		r := bufio.NewReaderSize(c, 256)
		headers := true
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				if headers {
					ready.Done()
				}
				return
			}
			switch {
			case headers && bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")):
				open.Add(1)
			case headers && len(line) <= 2: // the blank line after the headers
				headers = false
				ready.Done()
			case bytes.Contains(line, []byte(`"kind"`)):
				got.Add(1)
			}
		}
	}()
	return c
}
