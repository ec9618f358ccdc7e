package pgtest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// shared is the cluster of this test process. It has to be package-level
// state, unlike anything in production code: starting a cluster takes about a
// second while a database in it takes milliseconds, so every test of the
// process must share one, and the testing package offers no per-process place
// to keep it other than TestMain, which cannot pass values to tests. The mutex
// makes the lazy start safe for parallel tests; err is kept so that a failed
// start is reported to every test rather than retried by each.
var shared struct {
	mu      sync.Mutex
	started bool
	c       *cluster
	err     error
}

// errStopped is returned to URL calls that come after Main has stopped the cluster.
var errStopped = errors.New("pgtest: the cluster was already stopped by pgtest.Main")

// sharedCluster returns the process's cluster, starting it on first use.
func sharedCluster() (*cluster, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.started {
		shared.started = true
		shared.c, shared.err = startCluster(false)
	}
	return shared.c, shared.err
}

// stopShared stops and removes the process's cluster, if one was started.
func stopShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	c := shared.c
	shared.started, shared.c, shared.err = true, nil, errStopped
	if c == nil {
		return nil
	}
	return c.stop()
}

// port is fixed: the socket lives in a directory of its own, so it cannot
// clash, and naming it keeps PGPORT in the environment from interfering.
const port = "5432"

// maxSocketPath is the longest Unix socket path Linux accepts (sun_path is
// 108 bytes including the terminating NUL).
const maxSocketPath = 107

// cluster is a PostgreSQL cluster in a temporary directory that holds its
// data directory, its server log and its Unix socket.
type cluster struct {
	dir  string              // temporary directory, removed by stop
	bin  string              // directory holding initdb and pg_ctl
	cred *syscall.Credential // user to run the server as; nil unless we are root
	// durable keeps PostgreSQL's defaults of fsync and synchronous commit,
	// for benchmarks whose numbers must hold on a real server.
	durable bool

	watchdog   *exec.Cmd
	watchdogIn io.WriteCloser
}

// startCluster creates, starts and returns a new cluster, durable (fsync
// and synchronous commit on, as a production server runs) or not. On failure
// it leaves nothing behind, and the error carries the tail of the server log.
func startCluster(durable bool) (_ *cluster, err error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	// A short name, because the socket path must fit in maxSocketPath.
	dir, err := os.MkdirTemp("", "pg")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &cluster{dir: dir, bin: bin, cred: cred, durable: durable}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.stop())
		}
	}()
	if err := c.prepareDir(); err != nil {
		return nil, err
	}
	if err := c.startWatchdog(); err != nil {
		return nil, err
	}
	if err := c.initdb(); err != nil {
		return nil, err
	}
	return c, c.start()
}

// prepareDir checks the socket path length and, when we are root, gives the
// directory to the server's user.
func (c *cluster) prepareDir() error {
	if sock := c.socketPath(); len(sock) > maxSocketPath {
		return fmt.Errorf("pgtest: socket path %s is longer than %d bytes; set TMPDIR to a shorter directory", sock, maxSocketPath)
	}
	if c.cred == nil {
		return nil
	}
	// The directory is new and empty, so chown needs no recursion.
	if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

func (c *cluster) initdb() error {
	out, err := c.command("initdb", "-D", c.dataDir(), "-U", "postgres",
		"--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s%s", err, tail(out), c.rootHint())
	}
	return nil
}

// start starts the server on a Unix socket in c.dir and no TCP port, with
// durability off unless c.durable: the data is thrown away anyway.
func (c *cluster) start() error {
	// pg_ctl hands -o to a shell, hence the quoting of the directory.
	opts := "-k " + shellQuote(c.dir) + " -c port=" + port + " -c listen_addresses=''"
	if !c.durable {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	out, err := c.command("pg_ctl", "-w", "-D", c.dataDir(), "-l", c.logPath(), "-o", opts, "start").CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(c.logPath())
		return fmt.Errorf("pgtest: pg_ctl start: %w\n%s\nserver log %s:\n%s", err, tail(out), c.logPath(), tail(log))
	}
	return nil
}

// stop stops the server if it runs, removes the directory and dismisses the
// watchdog. It serves both Main and a failed start.
func (c *cluster) stop() error {
	var errs []error
	if _, err := os.Stat(filepath.Join(c.dataDir(), "postmaster.pid")); err == nil {
		out, err := c.command("pg_ctl", "-D", c.dataDir(), "-m", "immediate", "stop").CombinedOutput()
		if err != nil {
			errs = append(errs, fmt.Errorf("pgtest: pg_ctl stop: %w\n%s", err, tail(out)))
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("pgtest: %w", err))
	}
	if c.watchdog != nil {
		// Telling it "done" lets it exit without doing anything; a failure
		// here is harmless, as it would merely repeat the work above.
		io.WriteString(c.watchdogIn, "done\n")
		c.watchdogIn.Close()
		c.watchdog.Wait()
	}
	return errors.Join(errs...)
}

// watchdogScript waits for a line on stdin. Unless told "done", it then stops
// the server and removes the directory: the pipe reaches end of file when the
// test process dies in any way (a panicking test, -timeout, os.Exit, a kill),
// which is the case Main cannot handle.
//
// A server frozen by [Cluster.Freeze] is continued first (its postmaster and
// the postmaster's children, found by parent pid), or it could not stop.
const watchdogScript = `read -r line; [ "$line" = done ] && exit 0; ` +
	`pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) && kill -CONT "$pid" $(pgrep -P "$pid") 2>/dev/null; ` +
	`"$0" -D "$1" -m immediate stop; rm -rf "$2"`

// startWatchdog starts the process that cleans up if this one dies first. It
// runs in a process group of its own so that a Ctrl-C meant for go test does
// not kill it before it has done its work; pg_ctl detaches the server likewise.
func (c *cluster) startWatchdog() error {
	cmd := c.run("/bin/sh", "-c", watchdogScript, filepath.Join(c.bin, "pg_ctl"), c.dataDir(), c.dir)
	cmd.SysProcAttr.Setpgid = true
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("pgtest: watchdog: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: watchdog: %w", err)
	}
	c.watchdog, c.watchdogIn = cmd, in
	return nil
}

// command returns a command for one of the PostgreSQL programs.
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	return c.run(filepath.Join(c.bin, name), args...)
}

// run returns a command that runs as the server's user, from c.dir (the
// caller's working directory may be closed to that user), without PG*
// variables that would redirect it.
func (c *cluster) run(path string, args ...string) *exec.Cmd {
	cmd := exec.Command(path, args...)
	cmd.Dir = c.dir
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") })
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

// connString returns a keyword/value connection string for the cluster,
// without a database name.
func (c *cluster) connString() string {
	return "host=" + quoteValue(c.dir) + " port=" + port + " user=postgres"
}

func (c *cluster) dataDir() string    { return filepath.Join(c.dir, "data") }
func (c *cluster) logPath() string    { return filepath.Join(c.dir, "log") }
func (c *cluster) socketPath() string { return filepath.Join(c.dir, ".s.PGSQL."+port) }

// rootHint explains the likeliest cause of a failure when running as root.
func (c *cluster) rootHint() string {
	if c.cred == nil {
		return ""
	}
	return fmt.Sprintf("(running as root, so the server runs as user postgres: every parent of %s must be searchable by it; set TMPDIR if not)", c.dir)
}

// findBinaries returns the directory holding initdb and pg_ctl: the one in
// PATH if any, else the highest version in /usr/lib/postgresql, where Debian
// and Ubuntu install them without putting them in PATH.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil && hasPgCtl(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	var dirs []string
	for _, p := range found {
		if hasPgCtl(filepath.Dir(p)) {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	if len(dirs) == 0 {
		return "", errNotInstalled
	}
	return slices.MaxFunc(dirs, func(a, b string) int { return slices.Compare(version(a), version(b)) }), nil
}

func hasPgCtl(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pg_ctl"))
	return err == nil
}

// version returns the version numbers in /usr/lib/postgresql/VERSION/bin.
func version(binDir string) []int {
	var v []int
	for f := range strings.SplitSeq(filepath.Base(filepath.Dir(binDir)), ".") {
		n, _ := strconv.Atoi(f)
		v = append(v, n)
	}
	return v
}

// serverCredential returns the user to run initdb and the server as: nil
// (ourselves) unless we are root, which both refuse; then the postgres user.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, which initdb refuses, and no postgres user to run it as: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres uid: %w", err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres gid: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// tail returns the end of a log or of a program's output, where the reason
// for a failure usually is.
func tail(b []byte) string {
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
		if i := strings.IndexByte(string(b), '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
