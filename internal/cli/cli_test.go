package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func run(t *testing.T, vars map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), args, getenv(vars), &out, &errOut)
	return out.String(), errOut.String(), err
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestHelpAndVersion(t *testing.T) {
	out, _, err := run(t, nil, "help")
	if err != nil || !strings.Contains(out, "serve") || !strings.Contains(out, "site") || !strings.Contains(out, "migrate") {
		t.Errorf("help: %v\n%s", err, out)
	}
	_, errOut, err := run(t, nil, "serve", "-h")
	if err != nil || !strings.Contains(errOut, "PARLEY_LISTEN") || !strings.Contains(errOut, "-data-dir") {
		t.Errorf("serve -h: %v\n%s", err, errOut)
	}
	if out, _, err := run(t, nil, "version"); err != nil || !strings.HasPrefix(out, "parley ") {
		t.Errorf("version: %q %v", out, err)
	}
	if _, _, err := run(t, nil, "frobnicate"); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("unknown command: %v, want ErrUsage", err)
	}
}

func TestConfigPrintsEffectiveSettingsWithSecretsMasked(t *testing.T) {
	file := filepath.Join(t.TempDir(), "parley.conf")
	os.WriteFile(file, []byte("# comment\nPARLEY_WRITE_RATE=12\nPARLEY_LISTEN=127.0.0.1:9000\n"), 0o600)
	vars := map[string]string{
		"PARLEY_SECRET_KEY":   strings.Repeat("ab", 32),
		"PARLEY_DATABASE_URL": "postgres://parley:hunter2@db.internal/parley",
		"PARLEY_LISTEN":       "127.0.0.1:9100", // env beats the file
		"PARLEY_CONFIG":       file,
	}
	out, _, err := run(t, vars, "config", "--public-url", "https://comments.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PARLEY_LISTEN=127.0.0.1:9100", "PARLEY_WRITE_RATE=12", "PARLEY_PUBLIC_URL=https://comments.example.com", "PARLEY_SECRET_KEY=********", "parley:xxxxx@db.internal"} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"hunter2", strings.Repeat("ab", 32)} {
		if strings.Contains(out, secret) {
			t.Errorf("config output shows a secret:\n%s", out)
		}
	}
	if out, _, _ := run(t, nil, "config"); !strings.Contains(out, "PARLEY_PUBLIC_URL=http://localhost:8080") || !strings.Contains(out, "PARLEY_DATA_DIR=./parley-data") {
		t.Errorf("defaults:\n%s", out)
	}
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		vars map[string]string
		args []string
		want string
	}{
		{map[string]string{"PARLEY_LISTEN": "8080"}, nil, "PARLEY_LISTEN"},
		{nil, []string{"--write-rate", "fast"}, "PARLEY_WRITE_RATE"},
		{map[string]string{"PARLEY_DATABASE_URL": "mysql://x"}, nil, "PARLEY_DATABASE_URL"},
		{map[string]string{"PARLEY_PUBLIC_URL": "comments.example.com"}, nil, "PARLEY_PUBLIC_URL"},
		{map[string]string{"PARLEY_TRUSTED_PROXIES": "10.0.0.0/99"}, nil, "PARLEY_TRUSTED_PROXIES"},
		{map[string]string{"PARLEY_LOG_LEVEL": "loud"}, nil, "PARLEY_LOG_LEVEL"},
	}
	for _, c := range cases {
		_, _, err := run(t, c.vars, append([]string{"config"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: error %v should name %s", c.vars, c.args, err, c.want)
		}
	}
}

func TestSiteCommands(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	out, _, err := run(t, vars, "site", "add", "Blog.Example:3000", "--origin", "https://www.blog.example", "--moderation", "first")
	if err != nil || !strings.Contains(out, "https://blog.example:3000") || !strings.Contains(out, "https://www.blog.example") {
		t.Fatalf("site add: %v\n%s", err, out)
	}
	if _, _, err := run(t, vars, "site", "add", "blog.example:3000"); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Errorf("duplicate site: %v", err)
	}
	for _, bad := range [][]string{{"site", "add", "http://x.example/"}, {"site", "add", "x.example", "--origin", "x.example"}, {"site", "add"}, {"site", "add", "a.example", "--moderation", "some"}} {
		if _, _, err := run(t, vars, bad...); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
	out, _, err = run(t, vars, "site", "list")
	if err != nil || !strings.Contains(out, "blog.example:3000") || !strings.Contains(out, "first") {
		t.Errorf("site list: %v\n%s", err, out)
	}
	if info, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v mode %v, want 0600", err, info.Mode().Perm())
	}
	if out, _, err := run(t, vars, "site", "remove", "blog.example:3000"); err != nil || !strings.Contains(out, "removed") {
		t.Errorf("site remove: %v %s", err, out)
	}
	if _, _, err := run(t, vars, "site", "remove", "blog.example:3000"); err == nil {
		t.Error("removing a missing site succeeded")
	}
}

// serve starts the real server with cli.Run on a free loopback port and waits for /healthz.
func serve(t *testing.T, vars map[string]string) (base string, stop func() error) {
	t.Helper()
	return serveAt(t, vars, freePort(t))
}

// serveAt is serve listening on addr (host:port).
func serveAt(t *testing.T, vars map[string]string, addr string) (base string, stop func() error) {
	t.Helper()
	vars["PARLEY_LISTEN"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cli.Run(ctx, []string{"serve"}, getenv(vars), io.Discard, io.Discard) }()
	base = "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not become healthy")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(20 * time.Second):
			return errors.New("serve did not stop")
		}
	}
}

func TestServeWithDefaultsHasAWorkingDemoSite(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
			if db == "postgres" {
				vars["PARLEY_DATABASE_URL"] = pgURL(t)
			}
			base, stop := serve(t, vars)
			for _, path := range []string{"/healthz", "/readyz"} {
				if resp, err := http.Get(base + path); err != nil || resp.StatusCode != 200 {
					t.Errorf("%s: %v %v", path, resp, err)
				}
			}
			body := `{"site":"localhost","path":"/demo","text":"hello from the demo","author":{"name":"Ann"}}`
			req, _ := http.NewRequest("POST", base+"/api/v1/comments", strings.NewReader(body))
			req.Header.Set("Origin", base)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 201 {
				t.Fatalf("demo comment: %v %v", resp, err)
			}
			resp.Body.Close()
			resp, err = http.Get(base + "/api/v1/thread?site=localhost&path=/demo")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(b), "hello from the demo") {
				t.Errorf("thread: %s", b)
			}
			resp, err = http.Get(base + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, want := range []string{
				`parley_comments_created_total{status="approved"} 1`,
				`parley_http_requests_total{route="POST /api/v1/comments",status="2xx"} 1`,
				`parley_page_views_total 1`,
				`parley_db_open_connections`,
				`process_resident_memory_bytes`,
			} {
				if !strings.Contains(string(b), want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			if strings.Contains(string(b), "path=/demo") || strings.Contains(string(b), "127.0.0.1") {
				t.Errorf("/metrics carries request details:\n%s", b)
			}
			if err := stop(); err != nil {
				t.Errorf("graceful stop: %v", err)
			}
			if _, err := http.Get(base + "/healthz"); err == nil {
				t.Error("server still answers after stop")
			}
		})
	}
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	base, stop := serve(t, vars)
	// Open a slow upload: the request is in flight when shutdown starts.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/api/v1/comments", pr)
	req.Header.Set("Origin", base)
	result := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	fmt.Fprint(pw, `{"site":"localhost","path":"/demo",`)
	time.Sleep(200 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	fmt.Fprint(pw, `"text":"in flight","author":{"name":"Ann"}}`)
	pw.Close()
	if code := <-result; code != 201 {
		t.Errorf("in-flight request got %d, want 201", code)
	}
	if err := <-stopped; err != nil {
		t.Errorf("stop: %v", err)
	}
}

func pgURL(t *testing.T) string { return pgtest.PostgresURL(t) }

// TestDefaultsWorkFromAFreshDirectory runs the README's commands as they are:
// no flags, the data directory relative to the working directory.
func TestDefaultsWorkFromAFreshDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if _, _, err := run(t, nil, "site", "add", "blog.example"); err != nil {
		t.Fatalf("site add with default data dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "parley-data", "parley.db")); err != nil {
		t.Errorf("database not in ./parley-data: %v", err)
	}
	base, stop := serve(t, map[string]string{})
	resp, err := http.Get(base + "/api/v1/thread?site=blog.example&path=/")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("thread on the default database: %v %v", resp, err)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}
