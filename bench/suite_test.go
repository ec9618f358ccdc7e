package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley/bench/load"
	"github.com/parleyhq/parley/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Settings of the suite (make bench), from the environment.
const (
	envOut         = "PARLEY_BENCH_OUT"         // write the report to this file (else only the log)
	envDuration    = "PARLEY_BENCH_DURATION"    // measured time per run, default 3s
	envConcurrency = "PARLEY_BENCH_CONCURRENCY" // workers per run, default 8
	envStreams     = "PARLEY_BENCH_STREAMS"     // open streams of the fan-out scenario, default 1000
	envNote        = "PARLEY_BENCH_NOTE"        // a remark printed above the table (a noisy machine)
)

// settings are the suite's knobs.
type settings struct {
	duration, warmup time.Duration
	conc, streams    int
	out, note        string
}

func readSettings(b *testing.B) settings {
	s := settings{duration: 3 * time.Second, conc: 8, streams: 1000, out: os.Getenv(envOut), note: os.Getenv(envNote)}
	if v := os.Getenv(envDuration); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			b.Fatalf("%s=%q: want a duration such as 3s", envDuration, v)
		}
		s.duration = d
	}
	for env, dst := range map[string]*int{envConcurrency: &s.conc, envStreams: &s.streams} {
		if v := os.Getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				b.Fatalf("%s=%q: want a positive number", env, v)
			}
			*dst = n
		}
	}
	s.warmup = min(s.duration/4, time.Second)
	return s
}

// row is one line of the report: a scenario on one database, its figures,
// and the static baseline of the same bytes in the same run.
type row struct {
	db, name string
	res      load.Result
	static   *load.Result // nil: no baseline makes sense
	mem      load.Memory  // the server's, after the scenario
	unit     string       // "req/s" unless said
	note     string
	skipped  string // why it did not run
}

// BenchmarkSuite is make bench: it builds parley, seeds a throwaway
// instance on SQLite (and PostgreSQL when its binaries exist), runs every
// scenario against parley serve and the same bytes against a plain file
// handler, and writes docs/benchmarks.md (PARLEY_BENCH_OUT). It runs once
// whatever -benchtime says and takes a few minutes; make bench-go skips it.
func BenchmarkSuite(b *testing.B) {
	s := readSettings(b)
	began := time.Now()
	bins := buildBinaries(b)
	b.Logf("built in %s", time.Since(began).Round(time.Millisecond))
	seed := writeSeed(b)
	var rows []row
	rows = append(rows, runDatabase(b, s, instance{bins: bins, dir: b.TempDir()}, "SQLite", seed)...)
	rows = append(rows, importRow(b, instance{bins: bins, dir: b.TempDir()}, "SQLite"))
	if pg, ok := postgresURL(b); ok {
		in := instance{bins: bins, dir: b.TempDir(), dbURL: pg}
		rows = append(rows, runDatabase(b, s, in, "PostgreSQL", seed)...)
		rows = append(rows, twoInstances(b, s, in)...)
		imp, _ := postgresURL(b)
		rows = append(rows, importRow(b, instance{bins: bins, dir: b.TempDir(), dbURL: imp}, "PostgreSQL"))
	} else {
		rows = append(rows, row{db: "PostgreSQL", name: "every scenario", skipped: "PostgreSQL binaries not installed"})
	}
	report := render(s, machine(), rows)
	b.Log("\n" + report)
	if s.out != "" {
		if err := os.WriteFile(s.out, []byte(report), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// postgresURL returns a new database on a throwaway cluster (internal/pgtest),
// or false when PostgreSQL is neither configured nor installed.
func postgresURL(b *testing.B) (url string, ok bool) {
	_, err := exec.LookPath("initdb")
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if os.Getenv("PARLEY_TEST_DATABASE_URL") == "" && err != nil && len(dirs) == 0 {
		return "", false
	}
	return pgtest.PostgresURL(b), true
}

// runDatabase seeds one instance, serves it and runs every scenario on it.
func runDatabase(b *testing.B, s settings, in instance, db, seed string) []row {
	began := time.Now()
	in.run(b, "site", "add", siteHost)
	in.run(b, "import", "--site", siteHost, "--quiet", seed)
	b.Logf("%s: %d comments seeded in %s", db, seedComments(), time.Since(began).Round(time.Millisecond))
	p := in.serve(b)
	sc := scenarios{b: b, s: s, bins: in.bins, db: db}
	rows := []row{}
	for _, n := range threadSizes {
		rows = append(rows, sc.cachedRead(p, n))
	}
	rows = append(rows,
		sc.randomReads(p),
		sc.readsUnderWrites(p),
		sc.create(p, "comment create, fresh page", "/fresh-"+strconv.FormatInt(time.Now().UnixNano(), 36)),
		sc.create(p, "comment create, page of 15k comments", "/big"),
		sc.counts(p),
		sc.fanOut(p),
	)
	p.stop()
	b.Logf("%s: scenarios done in %s", db, time.Since(began).Round(time.Millisecond))
	return rows
}
