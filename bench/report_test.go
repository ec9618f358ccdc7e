package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/parleyhq/parley/bench/load"
)

// machine describes the machine the suite runs on.
func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	ram := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			ram = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	commit := "unknown"
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
		if dirty, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(dirty) > 0 {
			commit += " with uncommitted changes"
		}
	}
	return fmt.Sprintf("- CPU: %s, %d cores (GOMAXPROCS %d)\n- RAM: %s\n- Go: %s, %s/%s\n- Date: %s\n- Commit: %s\n",
		cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), ram, runtime.Version(), runtime.GOOS, runtime.GOARCH,
		time.Now().UTC().Format("2006-01-02 15:04 MST"), commit)
}

// render writes the report in Markdown: every scenario with its rate,
// latencies and the server's memory, and as a ratio to the plain file
// handler serving the same bytes in the same run.
func render(s settings, machineText string, rows []row) string {
	var w strings.Builder
	w.WriteString("# Benchmarks\n\n")
	w.WriteString("Written by `make bench` (bench/suite_test.go); do not edit by hand. Every scenario runs against a\n" +
		"throwaway `parley serve` process, then the same requests go to a plain `net/http` file handler serving the\n" +
		"very bytes Parley answered (`parleyload -serve`, a process of its own): the machine's limit for that\n" +
		"answer, measured in the same run. **ratio** is Parley's rate over that limit. The load generator\n" +
		"(`bench/cmd/parleyload`) runs on the same machine and takes its share of the CPU, equally for both.\n\n")
	if s.note != "" {
		fmt.Fprintf(&w, "> **%s**\n\n", s.note)
	}
	w.WriteString("## Machine\n\n" + machineText)
	fmt.Fprintf(&w, "- Settings: %s measured after %s of warm-up per run, %d concurrent clients, %d streams\n\n",
		s.duration, s.warmup, s.conc, s.streams)
	w.WriteString("## Results\n\n")
	w.WriteString("| scenario | database | Parley | p50 | p99 | server RSS (peak) | static, same bytes | ratio |\n")
	w.WriteString("|---|---|---:|---:|---:|---:|---:|---:|\n")
	var notes []string
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Fprintf(&w, "| %s | %s | skipped: %s | | | | | |\n", r.name, r.db, r.skipped)
			continue
		}
		unit := r.unit
		if unit == "" {
			unit = "req/s"
		}
		rate := fmt.Sprintf("%s %s", thousands(r.res.Rate()), unit)
		if r.res.Errors > 0 {
			rate += fmt.Sprintf(" (%d errors: %s)", r.res.Errors, r.res.FirstError)
		}
		lat50, lat99 := "", ""
		if r.res.P99 > 0 {
			lat50, lat99 = load.Round(r.res.P50).String(), load.Round(r.res.P99).String()
		}
		mem := ""
		if r.mem.RSS > 0 {
			mem = load.MiB(r.mem.RSS) + " (" + load.MiB(r.mem.Peak) + ")"
		} else if r.mem.Peak > 0 {
			mem = "(" + load.MiB(r.mem.Peak) + ")"
		}
		static, ratio := "—", "—"
		if r.static != nil {
			static = thousands(r.static.Rate()) + " req/s"
			ratio = fmt.Sprintf("%.2f×", load.Ratio(r.res.Rate(), r.static.Rate()))
		}
		name := r.name
		if r.note != "" {
			notes = append(notes, r.note)
			name += fmt.Sprintf(" [%d]", len(notes))
		}
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, r.db, rate, lat50, lat99, mem, static, ratio)
	}
	w.WriteString("\n")
	for i, n := range notes {
		fmt.Fprintf(&w, "%d. %s\n", i+1, n)
	}
	w.WriteString("\nRun it again with `make bench` (PARLEY_BENCH_DURATION, PARLEY_BENCH_CONCURRENCY, PARLEY_BENCH_STREAMS\n" +
		"and PARLEY_BENCH_NOTE set the run; see bench/suite_test.go). `bench/cmd/parleyload` loads any other server\n" +
		"the same way for side-by-side runs.\n")
	return w.String()
}

// thousands formats a rate with a thousands separator: 12,345.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
