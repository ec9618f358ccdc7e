package cli_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
)

// TestHelperServe is not a test: TestTwoServersOnOnePostgres runs the test
// binary as a separate parley serve process through it, so that it can
// kill -9 that process. Its settings come from the environment.
func TestHelperServe(t *testing.T) {
	if os.Getenv("PARLEY_TEST_HELPER_SERVE") == "" {
		t.Skip("helper process only")
	}
	cli.Run(context.Background(), []string{"serve"}, os.Getenv, os.Stdout, os.Stderr)
}

// TestTwoServersOnOnePostgres: two parley serve on one PostgreSQL database
// behave as one. Server A is a process of its own, server B runs in this
// one. A comment posted through A shows at once in B's thread (which B had
// cached) and in the live stream a reader holds open on B; a comment A
// acknowledged is in the database after A is killed with SIGKILL; B shuts
// down gracefully with the stream still open.
func TestTwoServersOnOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	db := pgURL(t)
	vars := map[string]string{
		"PARLEY_DATABASE_URL": db, "PARLEY_SECRET_KEY": strings.Repeat("5e", 32),
		"PARLEY_COMMENT_INTERVAL": "0", "PARLEY_MIN_FILL_TIME": "0", "PARLEY_DEMO": "false",
	}
	vars["PARLEY_DATA_DIR"] = t.TempDir()
	if _, _, err := run(t, vars, "site", "add", "blog.example"); err != nil {
		t.Fatal(err)
	}
	a := startProcess(t, vars, t.TempDir())
	vars["PARLEY_DATA_DIR"] = t.TempDir()
	b, stopB := serve(t, vars)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stopB()
		}
	})

	if got := threadTexts(t, b); len(got) != 0 { // B caches the empty thread
		t.Fatalf("fresh thread on B: %v", got)
	}
	events := stream(t, b, "/two")
	waitListening(t, db, 2) // a notice sent before B listens is not B's to hear
	first := postTo(t, a.base, "posted through A")
	heard(t, events, first)
	if got := threadTexts(t, b); len(got) != 1 || !strings.Contains(got[0], "posted through A") {
		t.Errorf("B's thread after the event: %v, want the comment posted through A", got)
	}

	second := postTo(t, a.base, "acknowledged, then A died")
	a.cmd.Process.Kill()
	a.cmd.Wait()
	heard(t, events, second) // A told before it answered
	if got := threadTexts(t, b); len(got) != 2 || !strings.Contains(got[1], "acknowledged") {
		t.Errorf("after A was killed, B shows %v; want comments %d and %d", got, first, second)
	}
	// A reader's open stream does not hold B's shutdown for its grace.
	stopped = true
	if err := stopB(); err != nil {
		t.Errorf("B did not shut down cleanly with a stream open: %v", err)
	}
}

// heard waits for the stream's event of the creation of comment id.
func heard(t *testing.T, events <-chan string, id int64) {
	t.Helper()
	start := time.Now()
	select {
	case ev := <-events:
		if !strings.Contains(ev, `"kind":"created"`) || !strings.Contains(ev, fmt.Sprint(id)) {
			t.Errorf("B's stream told %s, want the creation of %d", ev, id)
		}
		t.Logf("B's stream heard of comment %d after %s", id, time.Since(start))
	case <-time.After(5 * time.Second):
		t.Fatalf("B's stream heard nothing of comment %d, posted through A", id)
	}
}

// waitListening waits until n sessions of the database at url listen for
// changes (each server holds one), for at most 30 seconds.
func waitListening(t *testing.T, url string, n int) {
	t.Helper()
	conn, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var listening int
		err := conn.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE 'LISTEN %'`).Scan(&listening)
		if err == nil && listening >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d servers listen for changes (%v), want %d", listening, err, n)
		}
	}
}

// process is a parley serve running as a process of its own.
type process struct {
	cmd  *exec.Cmd
	base string
}

// startProcess starts parley serve (the test binary through
// TestHelperServe) with vars and the data directory dir, and waits until it
// answers /healthz.
func startProcess(t *testing.T, vars map[string]string, dir string) *process {
	t.Helper()
	addr := freePort(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	cmd.Env = append(os.Environ(), "PARLEY_TEST_HELPER_SERVE=1", "PARLEY_LISTEN="+addr, "PARLEY_DATA_DIR="+dir)
	for k, v := range vars {
		if k != "PARLEY_DATA_DIR" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &process{cmd: cmd, base: "http://" + addr}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the server process did not become healthy")
		}
	}
}

// postTo posts a guest comment on /two through base and returns its id.
func postTo(t *testing.T, base, text string) int64 {
	t.Helper()
	body := fmt.Sprintf(`{"site":"blog.example","path":"/two","text":%q,"author":{"name":"Ann"}}`, text)
	req, _ := http.NewRequest("POST", base+"/api/v1/comments", strings.NewReader(body))
	req.Header.Set("Origin", "https://blog.example")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Comment struct{ ID int64 } }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 201 {
		t.Fatalf("post: %d %v", resp.StatusCode, err)
	}
	return out.Comment.ID
}

// threadTexts returns the texts of the comments of /two as base shows them.
func threadTexts(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/thread?site=blog.example&path=/two")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var th struct{ Comments []struct{ HTML string } }
	if err := json.NewDecoder(resp.Body).Decode(&th); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range th.Comments {
		texts = append(texts, c.HTML)
	}
	return texts
}

// stream opens the live stream of /two on base and returns the data lines
// of its events.
func stream(t *testing.T, base, path string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/stream?site=blog.example&path="+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", resp, err)
	}
	out := make(chan string, 10)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- data
			}
		}
		io.Copy(io.Discard, resp.Body)
	}()
	return out
}
