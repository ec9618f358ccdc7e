package notify_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const sender = "Parley <noreply@comments.example.com>"

var site = notify.Sender{Name: "example.com", URL: "https://example.com"}

func sealer(t testing.TB) *privacy.Sealer {
	t.Helper()
	s, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openSQLite opens and migrates the SQLite database at path.
func openSQLite(t *testing.T, path string) *store.Store {
	t.Helper()
	return migrated(t)(store.OpenSQLite(context.Background(), path, sealer(t)))
}

// openPostgres opens and migrates the PostgreSQL database at url.
func openPostgres(t *testing.T, url string) *store.Store {
	t.Helper()
	return migrated(t)(store.OpenPostgres(context.Background(), url, sealer(t)))
}

// migrated returns a function that migrates a newly opened store, closed at
// the end of the test.
func migrated(t *testing.T) func(*store.Store, error) *store.Store {
	return func(st *store.Store, err error) *store.Store {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return st
	}
}

func tempDB(t *testing.T) string { return filepath.Join(t.TempDir(), "parley.db") }

// clock is a settable time source, safe across goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func smtpMailer(t *testing.T, rawURL string) *notify.SMTPMailer {
	t.Helper()
	u, err := smtpurl.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	m, err := notify.NewSMTPMailer(u, sender)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rig is a store, a worker on a settable clock with no jitter, and the
// worker's metrics.
type rig struct {
	st      *store.Store
	clk     *clock
	worker  *notify.Worker
	metrics *metrics.Set
}

func newRig(t *testing.T, st *store.Store, clk *clock, mailer notify.Mailer, opt notify.WorkerOptions) *rig {
	st.SetClock(clk.now)
	opt.Now, opt.Jitter = clk.now, func() float64 { return 0 }
	r := &rig{st: st, clk: clk, worker: notify.NewWorker(st, mailer, opt), metrics: metrics.NewSet()}
	r.worker.ExportMetrics(r.metrics)
	return r
}

func (r *rig) enqueue(t *testing.T, to string) int64 {
	t.Helper()
	m, err := notify.TestMail(to, site)
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.st.EnqueueMail(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (r *rig) deliver(t *testing.T) int {
	t.Helper()
	n, err := r.worker.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (r *rig) entry(t *testing.T, id int64) store.OutboxEntry {
	t.Helper()
	e, err := r.st.OutboxEntry(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// metric returns the value line of name in /metrics' format, such as
// "parley_mail_sent_total 1".
func (r *rig) metric(name string) string {
	var b bytes.Buffer
	r.metrics.WritePrometheus(&b)
	for line := range strings.Lines(b.String()) {
		if strings.HasPrefix(line, name+" ") {
			return strings.TrimSpace(line)
		}
	}
	return name + " (missing)"
}

// messageTo is the one message server received for to.
func messageTo(t *testing.T, srv *smtptest.Server, to string) smtptest.Message {
	t.Helper()
	var found []smtptest.Message
	for _, m := range srv.Messages() {
		if len(m.To) == 1 && m.To[0] == to {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d messages to %s, want 1", len(found), to)
	}
	return found[0]
}
