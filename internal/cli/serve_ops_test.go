package cli_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
)

func body(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestProfilesOnlyOnTheOperatorsListener: with PARLEY_PPROF_LISTEN the
// profiles are served there and never on the public listener, and /metrics
// shows the database pools and the cache's misses by cause.
func TestProfilesOnlyOnTheOperatorsListener(t *testing.T) {
	pprofAddr := freePort(t)
	base, stop := serve(t, map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_PPROF_LISTEN": pprofAddr})
	defer stop()
	if code, b := body(t, "http://"+pprofAddr+"/debug/pprof/goroutine?debug=1"); code != 200 || !strings.Contains(b, "goroutine profile") {
		t.Errorf("profiler listener: %d %q, want the goroutine profile", code, b)
	}
	if code, _ := body(t, "http://"+pprofAddr+"/debug/pprof/cmdline"); code == 200 {
		t.Error("the profiler shows the command line, whose flags may hold secrets")
	}
	if code, _ := body(t, base+"/debug/pprof/"); code != 404 {
		t.Errorf("public listener serves profiles: %d", code)
	}
	_, metrics := body(t, base+"/metrics")
	for _, want := range []string{`parley_db_connections{pool="read",state="in_use"}`, `parley_db_waits_total{pool="write"}`,
		`parley_thread_cache_miss_causes_total{cause="invalidated"}`, `parley_thread_cache_bytes`, `parley_mail_pending`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestProfilesRefuseARemoteAddress: profiles have no authentication, so a
// listener beyond loopback needs PARLEY_PPROF_ALLOW_REMOTE.
func TestProfilesRefuseARemoteAddress(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_LISTEN": freePort(t), "PARLEY_PPROF_LISTEN": "0.0.0.0:0"}
	err := cli.Run(context.Background(), []string{"serve"}, getenv(vars), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PARLEY_PPROF_ALLOW_REMOTE") {
		t.Errorf("serve with a remote profiler address: %v, want a refusal naming PARLEY_PPROF_ALLOW_REMOTE", err)
	}
}
