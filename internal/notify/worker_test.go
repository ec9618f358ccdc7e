package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// parts reads a multipart/alternative message into its parts by media type.
func parts(t *testing.T, msg *mail.Message) map[string]string {
	t.Helper()
	media, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || media != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", msg.Header.Get("Content-Type"), err)
	}
	out := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		media, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		body, err := io.ReadAll(p) // multipart decodes quoted-printable
		if err != nil {
			t.Fatal(err)
		}
		if params["charset"] != "UTF-8" {
			t.Errorf("%s part has charset %q, want UTF-8", media, params["charset"])
		}
		out[media] = string(body)
	}
}

// TestQueuedMailArrives: a queued mail reaches a real SMTP server with the
// headers a mail client needs, a text and an HTML part, both naming the site,
// and nothing that loads from elsewhere.
func TestQueuedMailArrives(t *testing.T) {
	srv := smtptest.Start(t)
	r := newRig(t, openSQLite(t, tempDB(t)), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{})
	id := r.enqueue(t, "ann@example.org")
	if n := r.deliver(t); n != 1 {
		t.Fatalf("delivered %d, want 1", n)
	}
	got := messageTo(t, srv, "ann@example.org")
	if got.From != "noreply@comments.example.com" {
		t.Errorf("envelope sender %q", got.From)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	for header, want := range map[string]string{
		"From":           `"Parley" <noreply@comments.example.com>`,
		"To":             "<ann@example.org>",
		"Subject":        "Test mail from example.com",
		"Auto-Submitted": "auto-generated",
	} {
		if v := msg.Header.Get(header); v != want {
			t.Errorf("%s: %q, want %q", header, v, want)
		}
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.Contains(id, "@") {
		t.Errorf("Message-ID %q", id)
	}
	p := parts(t, msg)
	if text := p["text/plain"]; !strings.Contains(text, "test mail") || !strings.Contains(text, "https://example.com") {
		t.Errorf("text part:\n%s", text)
	}
	html := p["text/html"]
	if !strings.Contains(html, `<a href="https://example.com">`) || !strings.Contains(html, "example.com") {
		t.Errorf("html part:\n%s", html)
	}
	for _, remote := range []string{"<img", "src=", "url(", "<link", "<script"} {
		if strings.Contains(html, remote) {
			t.Errorf("html part loads something (%q):\n%s", remote, html)
		}
	}
	if e := r.entry(t, id); e.Status != store.MailSent || e.Attempts != 1 {
		t.Errorf("outbox entry %+v, want sent after 1 attempt", e)
	}
	if m := r.metric("parley_mail_sent_total"); m != "parley_mail_sent_total 1" {
		t.Errorf("metric: %s", m)
	}
}

// TestMailWaitsForSMTP: while the SMTP server is down, attempts fail and are
// retried after 30 s, then 60 s (never earlier); once the server is back the
// mail arrives, once.
func TestMailWaitsForSMTP(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	r := newRig(t, openSQLite(t, tempDB(t)), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{})
	id := r.enqueue(t, "ann@example.org")
	start := r.clk.now()

	r.deliver(t)
	e := r.entry(t, id)
	if e.Status != store.MailPending || e.Attempts != 1 || !e.NextAttemptAt.Equal(start.Add(30*time.Second)) {
		t.Fatalf("after the first failure: %+v, want pending, retry in 30s", e)
	}
	if !strings.Contains(e.LastError, "connection refused") || strings.Contains(e.LastError, "ann@") {
		t.Errorf("last error %q: want the cause, without the address", e.LastError)
	}
	r.clk.advance(29 * time.Second)
	if n := r.deliver(t); n != 0 {
		t.Fatalf("retried after 29s")
	}
	r.clk.advance(time.Second)
	if n := r.deliver(t); n != 1 {
		t.Fatalf("not retried after 30s")
	}
	if e := r.entry(t, id); e.Attempts != 2 || !e.NextAttemptAt.Equal(r.clk.now().Add(time.Minute)) {
		t.Fatalf("after the second failure: %+v, want a retry in 60s", e)
	}
	srv.Restart()
	r.clk.advance(time.Minute)
	r.deliver(t)
	messageTo(t, srv, "ann@example.org")
	r.clk.advance(24 * time.Hour)
	r.deliver(t)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if e := r.entry(t, id); e.Status != store.MailSent || e.Attempts != 3 {
		t.Errorf("outbox entry %+v, want sent at attempt 3", e)
	}
	for _, want := range []string{"parley_mail_failed_total 2", "parley_mail_sent_total 1", "parley_mail_dead_total 0"} {
		if got := r.metric(strings.Fields(want)[0]); got != want {
			t.Errorf("metric %s, want %s", got, want)
		}
	}
}

// TestMailSurvivesARestart is the scenario: a mail queued while the
// SMTP server is down, across a restart of Parley (the store and worker
// closed and opened again on the same database file), arrives exactly once
// when the server is back.
func TestMailSurvivesARestart(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	path, clk := tempDB(t), newClock()
	first, err := store.OpenSQLite(context.Background(), path, sealer(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, first, clk, smtpMailer(t, srv.URL()), notify.WorkerOptions{})
	id := r.enqueue(t, "ann@example.org")
	r.deliver(t)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	srv.Restart()
	clk.advance(time.Hour)
	r = newRig(t, openSQLite(t, path), clk, smtpMailer(t, srv.URL()), notify.WorkerOptions{Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { r.worker.Run(ctx); close(stopped) }()
	srv.Wait(1, 10*time.Second)
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not stop after its context ended")
	}
	clk.advance(24 * time.Hour)
	r.deliver(t)
	messageTo(t, srv, "ann@example.org")
	if e := r.entry(t, id); e.Status != store.MailSent || e.Attempts != 2 {
		t.Errorf("outbox entry %+v, want sent at attempt 2", e)
	}
}

// TestMailGoesDead: a mail that fails MaxAttempts times is dead and never
// tried again, even when the server is back; a permanent refusal (SMTP 5xx)
// is dead at once, and its recorded error does not repeat the address the
// server echoed.
func TestMailGoesDead(t *testing.T) {
	srv := smtptest.Start(t)
	srv.Stop()
	r := newRig(t, openSQLite(t, tempDB(t)), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{MaxAttempts: 3})
	id := r.enqueue(t, "ann@example.org")
	for range 3 {
		r.deliver(t)
		r.clk.advance(2 * time.Hour)
	}
	if e := r.entry(t, id); e.Status != store.MailDead || e.Attempts != 3 {
		t.Fatalf("after 3 failures: %+v, want dead", e)
	}
	srv.Restart()
	r.clk.advance(24 * time.Hour)
	r.deliver(t)
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("a dead mail was delivered")
	}

	srv.RejectRecipients(&smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<bob@example.org>: no such user"})
	refused := r.enqueue(t, "bob@example.org")
	r.deliver(t)
	e := r.entry(t, refused)
	if e.Status != store.MailDead || e.Attempts != 1 || !strings.Contains(e.LastError, "550") || strings.Contains(e.LastError, "bob@") {
		t.Errorf("after a 550: %+v, want dead at once, error with the code and without the address", e)
	}
	if got := r.metric("parley_mail_dead_total"); got != "parley_mail_dead_total 2" {
		t.Errorf("metric %s", got)
	}
}

// TestBackoffSchedule: 30 s doubling up to an hour, jitter only ever adding
// up to a fifth; MaxAttempts attempts span about a day.
func TestBackoffSchedule(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 7: 32 * time.Minute, 8: time.Hour, 100: time.Hour} {
		if got := notify.Backoff(attempt, 0); got != want {
			t.Errorf("Backoff(%d, 0) = %s, want %s", attempt, got, want)
		}
		if got := notify.Backoff(attempt, 0.999999); got <= want || got > want+want/5 {
			t.Errorf("Backoff(%d, max jitter) = %s, want over %s by at most a fifth", attempt, got, want)
		}
	}
	var total time.Duration
	for attempt := 1; attempt < notify.MaxAttempts; attempt++ {
		total += notify.Backoff(attempt, 0)
	}
	if total < 23*time.Hour || total > 25*time.Hour {
		t.Errorf("%d attempts span %s, want about a day", notify.MaxAttempts, total)
	}
}

// TestWakeDeliversAtOnce: a worker that polls hourly delivers a new mail as
// soon as it is woken.
func TestWakeDeliversAtOnce(t *testing.T) {
	srv := smtptest.Start(t)
	r := newRig(t, openSQLite(t, tempDB(t)), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{Poll: time.Hour})
	r.enqueue(t, "first@example.org")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.worker.Run(ctx)
	srv.Wait(1, 10*time.Second) // the worker has run its first round
	r.enqueue(t, "second@example.org")
	r.worker.Wake()
	srv.Wait(2, 10*time.Second)
	messageTo(t, srv, "second@example.org")
}

// TestTwoServersDeliverEachMailOnce: two workers on two stores sharing one
// PostgreSQL database, running at the same time, deliver every mail exactly
// once.
func TestTwoServersDeliverEachMailOnce(t *testing.T) {
	srv := smtptest.Start(t)
	url := pgtest.URL(t)
	clk := newClock()
	a := newRig(t, openPostgres(t, url), clk, smtpMailer(t, srv.URL()), notify.WorkerOptions{Batch: 3})
	b := newRig(t, openPostgres(t, url), clk, smtpMailer(t, srv.URL()), notify.WorkerOptions{Batch: 3})
	const mails = 40
	for i := range mails {
		a.enqueue(t, fmt.Sprintf("u%d@example.org", i))
	}
	var wg sync.WaitGroup
	for _, r := range []*rig{a, b, a, b} {
		wg.Go(func() {
			for {
				n, err := r.worker.DeliverDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				if n == 0 || err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if got := len(srv.Messages()); got != mails {
		t.Errorf("%d messages, want %d", got, mails)
	}
	for i := range mails {
		messageTo(t, srv, fmt.Sprintf("u%d@example.org", i))
	}
}

// TestMailThatDoesNotOpenIsDead: a mail sealed with another key (a restored
// database with the wrong key, past the start-up check) is not sent as an
// empty mail: it is dead at once, and says why.
func TestMailThatDoesNotOpenIsDead(t *testing.T) {
	srv := smtptest.Start(t)
	path := tempDB(t)
	id := newRig(t, openSQLite(t, path), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{}).enqueue(t, "ann@example.org")
	other, err := privacy.NewSealer([]byte("another-secret-key-that-is-long-enough-0123"))
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, migrated(t)(store.OpenSQLite(context.Background(), path, other)), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{})
	r.deliver(t)
	if e := r.entry(t, id); e.Status != store.MailDead || !strings.Contains(e.LastError, "does not open") {
		t.Errorf("outbox entry %+v, want dead because it does not open", e)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

// TestWorkerPurgesAndCountsPending: a running worker purges sent mail past
// the retention and reports the mails still waiting in parley_mail_pending.
func TestWorkerPurgesAndCountsPending(t *testing.T) {
	srv := smtptest.Start(t)
	r := newRig(t, openSQLite(t, tempDB(t)), newClock(), smtpMailer(t, srv.URL()), notify.WorkerOptions{Poll: time.Hour})
	sent := r.enqueue(t, "old@example.org")
	r.deliver(t)
	r.clk.advance(notify.Retention + time.Minute)
	srv.Stop()
	waiting := r.enqueue(t, "new@example.org")

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { r.worker.Run(ctx); close(stopped) }()
	deadline := time.Now().Add(10 * time.Second)
	for r.metric("parley_mail_pending") != "parley_mail_pending 1" {
		if time.Now().After(deadline) {
			t.Fatalf("%s, want 1 waiting", r.metric("parley_mail_pending"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-stopped
	if _, err := r.st.OutboxEntry(context.Background(), sent); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a sent mail past the retention: %v, want purged", err)
	}
	if e := r.entry(t, waiting); e.Status != store.MailPending || e.Attempts != 1 {
		t.Errorf("the waiting mail: %+v", e)
	}
}
