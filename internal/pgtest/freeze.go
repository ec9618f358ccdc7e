package pgtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Cluster is a PostgreSQL cluster started for one test alone, for fault
// tests that stop the whole server, which the shared cluster of [URL] must
// never be.
type Cluster struct {
	c *cluster
}

// Dedicated starts a cluster for t alone (about a second and a half) and
// stops and removes it at t.Cleanup, continuing it first if it is frozen. It
// needs the PostgreSQL binaries even when PARLEY_TEST_DATABASE_URL is set
// (a configured server cannot be frozen): without them it skips, or fails
// under PARLEY_TEST_REQUIRE_PG=1, like [URL].
func Dedicated(t testing.TB) *Cluster {
	t.Helper()
	return dedicated(t, false)
}

// DedicatedDurable is Dedicated with PostgreSQL's durable defaults (fsync,
// synchronous commit, full page writes), which the other clusters turn off
// for speed: for benchmarks of writes, whose cost is mostly the flush.
func DedicatedDurable(t testing.TB) *Cluster {
	t.Helper()
	return dedicated(t, true)
}

func dedicated(t testing.TB, durable bool) *Cluster {
	t.Helper()
	c, err := startCluster(durable)
	if errors.Is(err, errNotInstalled) && os.Getenv(envRequire) != "1" {
		t.Skipf("%v; install the PostgreSQL 15 server binaries to run this fault test", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	cl := &Cluster{c: c}
	t.Cleanup(func() {
		if err := cl.signal(syscall.SIGCONT); err != nil {
			t.Errorf("pgtest: continue before stopping: %v", err)
		}
		if err := c.stop(); err != nil {
			t.Error(err)
		}
	})
	return cl
}

// URL returns a connection string for the cluster's postgres database, in
// keyword/value form (accepted by sql.Open("pgx", url) and pgx.Connect).
func (cl *Cluster) URL() string { return cl.c.connString() + " dbname=postgres" }

// Freeze stops the server and every one of its processes with SIGSTOP, as a
// hung host or a network partition would: connections stay open, nothing
// answers, and new connections wait in the socket's backlog.
func (cl *Cluster) Freeze(t testing.TB) {
	t.Helper()
	if err := cl.signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
}

// Thaw lets a frozen server run again (SIGCONT).
func (cl *Cluster) Thaw(t testing.TB) {
	t.Helper()
	if err := cl.signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

// signal sends sig to the postmaster first, so that it forks no new backend,
// then to each of its children (backends and auxiliary processes, each in a
// session of its own, so a process group signal would miss them).
func (cl *Cluster) signal(sig syscall.Signal) error {
	pid, err := cl.c.postmasterPID()
	if err != nil {
		return err
	}
	if err := syscall.Kill(pid, sig); err != nil {
		return fmt.Errorf("pgtest: signal postmaster %d: %w", pid, err)
	}
	children, err := childrenOf(pid)
	if err != nil {
		return err
	}
	for _, child := range children {
		// A child may have exited since it was listed.
		if err := syscall.Kill(child, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("pgtest: signal server process %d: %w", child, err)
		}
	}
	return nil
}

// postmasterPID reads the first line of postmaster.pid.
func (c *cluster) postmasterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("pgtest: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return 0, fmt.Errorf("pgtest: postmaster.pid: %w", err)
	}
	return pid, nil
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(pid int) ([]int, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	var out []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process exited
		}
		// stat is "pid (comm) state ppid …"; comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(b), ')')
		fields := strings.Fields(string(b[i+1:]))
		if i < 0 || len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil && ppid == pid {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			out = append(out, child)
		}
	}
	return out, nil
}

// CPUTime is the CPU time, user and system, the cluster's processes have
// used so far: the postmaster's, its running children's, and that of the
// children it has reaped. Benchmarks report the database's share of a
// workload with it (the difference of two readings).
func (cl *Cluster) CPUTime() (time.Duration, error) {
	pid, err := cl.c.postmasterPID()
	if err != nil {
		return 0, err
	}
	ticks, err := procTicks(pid, true)
	if err != nil {
		return 0, err
	}
	children, err := childrenOf(pid)
	if err != nil {
		return 0, err
	}
	for _, child := range children {
		t, err := procTicks(child, false)
		if err == nil { // else it exited since: the postmaster reaped it, counted above or at the next reading
			ticks += t
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// clockTicks is the unit of the times in /proc/PID/stat (USER_HZ, 100 on
// every Linux this runs on).
const clockTicks = 100

// procTicks reads a process's user and system time from /proc, with its
// reaped children's when withChildren.
func procTicks(pid int, withChildren bool) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("pgtest: %w", err)
	}
	// After "pid (comm)": state ppid … utime is the 12th field, stime,
	// cutime and cstime follow.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(fields) < 15 {
		return 0, fmt.Errorf("pgtest: /proc/%d/stat: too few fields", pid)
	}
	end := 13 // utime, stime
	if withChildren {
		end = 15 // cutime, cstime
	}
	var sum int64
	for _, f := range fields[11:end] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("pgtest: /proc/%d/stat: %w", pid, err)
		}
		sum += n
	}
	return sum, nil
}
