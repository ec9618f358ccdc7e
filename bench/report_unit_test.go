package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/bench/load"
)

// TestReportReadsAsRatios: every measured row shows Parley's rate over the
// static baseline of its run, a skipped scenario says why, notes are
// numbered, and the noisy-run remark comes before the table.
func TestReportReadsAsRatios(t *testing.T) {
	sec := time.Second
	rows := []row{
		{db: "SQLite", name: "cached read", res: load.Result{Requests: 3000, Elapsed: sec, P50: time.Millisecond, P99: 9 * time.Millisecond},
			static: &load.Result{Requests: 12000, Elapsed: sec}, mem: load.Memory{RSS: 30 << 20, Peak: 40 << 20}},
		{db: "SQLite", name: "import", unit: "comments/s", res: load.Result{Requests: 100000, Elapsed: 40 * sec}, note: "40.0 s in all"},
		{db: "SQLite", name: "SSE fan-out", skipped: "GET /api/v1/stream answers 404"},
	}
	out := render(settings{duration: 3 * sec, warmup: 750 * time.Millisecond, conc: 8, streams: 1000, note: "Noisy run"}, "- CPU: test\n", rows)
	for _, want := range []string{
		"| cached read | SQLite | 3,000 req/s | 1ms | 9ms | 30 MiB (40 MiB) | 12,000 req/s | 0.25× |",
		"| import [1] | SQLite | 2,500 comments/s |",
		"| — | — |",
		"| SSE fan-out | SQLite | skipped: GET /api/v1/stream answers 404 |",
		"1. 40.0 s in all",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if n, tbl := strings.Index(out, "Noisy run"), strings.Index(out, "| scenario |"); n < 0 || n > tbl {
		t.Errorf("the run's remark is not above the table:\n%s", out)
	}
}
