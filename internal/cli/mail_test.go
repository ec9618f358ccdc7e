package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/notify/smtptest"
)

// TestMailTestIsDeliveredByServe: parley mail test queues a mail that a
// running parley serve delivers through PARLEY_SMTP_URL, and /metrics counts it.
func TestMailTestIsDeliveredByServe(t *testing.T) {
	srv := smtptest.Start(t)
	vars := map[string]string{
		"PARLEY_DATA_DIR":  t.TempDir(),
		"PARLEY_SMTP_URL":  srv.URL(),
		"PARLEY_MAIL_FROM": "Comments <noreply@comments.example.com>",
		"PARLEY_LISTEN":    freePort(t),
	}
	out, errOut, err := run(t, vars, "mail", "test", "ops@example.org")
	if err != nil || !strings.Contains(out, "queued test mail 1 to ops@example.org") || !strings.Contains(out, srv.Addr()) {
		t.Fatalf("mail test: %v\n%s%s", err, out, errOut)
	}
	base, stop := serveAt(t, vars, vars["PARLEY_LISTEN"])
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	got := srv.Wait(1, 20*time.Second)
	if got[0].From != "noreply@comments.example.com" || len(got[0].To) != 1 || got[0].To[0] != "ops@example.org" ||
		!bytes.Contains(got[0].Data, []byte("Subject: Test mail from 127.0.0.1:")) {
		t.Errorf("delivered from %s to %s:\n%s", got[0].From, got[0].To, got[0].Data)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(metrics(t, base), "parley_mail_sent_total 1\n") {
		if time.Now().After(deadline) {
			t.Fatalf("/metrics does not count the sent mail:\n%s", metrics(t, base))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func metrics(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// lockedBuffer is a bytes.Buffer that serve's logger and the test may use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMailWithoutSMTPGoesToTheLog: without PARLEY_SMTP_URL, serve warns that
// mails go to its log, then prints the queued mail there, link included.
func TestMailWithoutSMTPGoesToTheLog(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_LISTEN": freePort(t)}
	if out, _, err := run(t, vars, "mail", "test", "dev@example.org"); err != nil || !strings.Contains(out, "printed to its log") {
		t.Fatalf("mail test: %v\n%s", err, out)
	}
	var log lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cli.Run(ctx, []string{"serve"}, getenv(vars), io.Discard, &log) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(log.String(), "mail printed instead of sent") {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no mail in the log:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PARLEY_SMTP_URL is not set: mails are printed to this log", "to=dev@example.org", "http://" + vars["PARLEY_LISTEN"]} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

// TestMailTestRefusesMistakes: a missing or malformed address is a usage error.
func TestMailTestRefusesMistakes(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"mail"}, {"mail", "test"}, {"mail", "test", "Ann <ann@example.org>"}, {"mail", "test", "nobody"}, {"mail", "send"}} {
		if _, _, err := run(t, map[string]string{"PARLEY_DATA_DIR": dir}, args...); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}
