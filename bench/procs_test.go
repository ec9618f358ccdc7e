package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binaries are the programs the suite runs as processes of their own, so
// that each server's memory is its own and the load generator's work is not
// counted in it.
type binaries struct{ parley, load string }

// buildBinaries builds parley and parleyload into a temporary directory.
func buildBinaries(b *testing.B) binaries {
	b.Helper()
	dir := b.TempDir()
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Fatalf("make bench needs the go command in PATH: %v", err)
	}
	bins := binaries{parley: filepath.Join(dir, "parley"), load: filepath.Join(dir, "parleyload")}
	for out, pkg := range map[string]string{bins.parley: "../cmd/parley", bins.load: "./cmd/parleyload"} {
		cmd := exec.Command(goTool, "build", "-trimpath", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, msg)
		}
	}
	return bins
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is a server the suite started.
type process struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
}

// start runs bin with args and the environment env (added to this
// process's), waits until base+ready answers, and stops it (SIGTERM, then
// waits) when the benchmark ends.
func start(b *testing.B, env []string, base, ready, bin string, args ...string) *process {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	logf, err := os.Create(filepath.Join(b.TempDir(), "log"))
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	p := &process{cmd: cmd, base: base}
	b.Cleanup(func() { p.stop(); logf.Close() })
	for i := 0; ; i++ {
		if resp, err := http.Get(base + ready); err == nil {
			resp.Body.Close()
			return p
		}
		if i > 600 || cmd.ProcessState != nil {
			log, _ := os.ReadFile(logf.Name())
			b.Fatalf("%s did not start:\n%s", bin, tail(log))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *process) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}

// instance is one Parley configuration under test: a data directory and,
// on PostgreSQL, a database URL, shared by the commands run against it.
type instance struct {
	bins  binaries
	dir   string
	dbURL string
}

// env is the environment of every parley command of the instance: no
// rate, flood or per-network stream limits (the load generator is one client), no demo site,
// no scheduled backups, logs of errors only.
func (in instance) env(listen string) []string {
	env := []string{"PARLEY_DATA_DIR=" + in.dir, "PARLEY_WRITE_RATE=0", "PARLEY_COMMENT_INTERVAL=0",
		"PARLEY_MIN_FILL_TIME=0", "PARLEY_DEMO=false", "PARLEY_BACKUP_INTERVAL=0", "PARLEY_LOG_LEVEL=error",
		"PARLEY_NEW_PAGES_PER_DAY=1000000", "PARLEY_STREAMS_PER_NETWORK=1000000", "PARLEY_DATABASE_URL=" + in.dbURL}
	if listen != "" {
		env = append(env, "PARLEY_LISTEN="+listen, "PARLEY_PUBLIC_URL=http://"+listen)
	}
	return env
}

// run runs a parley command of the instance to its end.
func (in instance) run(b *testing.B, args ...string) *os.ProcessState {
	b.Helper()
	cmd := exec.Command(in.bins.parley, args...)
	cmd.Env = append(os.Environ(), in.env("")...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, tail(msg))
	}
	return cmd.ProcessState
}

// serve starts parley serve on a free port.
func (in instance) serve(b *testing.B) *process {
	b.Helper()
	addr := freeAddr(b)
	return start(b, in.env(addr), "http://"+addr, "/healthz", in.bins.parley, "serve")
}

// static starts parleyload serving body as the machine's limit.
func static(b *testing.B, bins binaries, body []byte, gzipped bool) *process {
	b.Helper()
	file := filepath.Join(b.TempDir(), "body")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		b.Fatal(err)
	}
	addr := freeAddr(b)
	return start(b, nil, "http://"+addr, "/", bins.load, "-serve", file, "-listen", addr, fmt.Sprintf("-gzip=%t", gzipped))
}

// ctxFor is the context of one scenario: it ends with the benchmark.
func ctxFor(b *testing.B) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return ctx
}
