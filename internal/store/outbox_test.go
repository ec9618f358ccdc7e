package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

const lease = 5 * time.Minute

func testMail(to string) model.Mail {
	return model.Mail{Kind: "test", To: to, Subject: "Hello from example.com", Text: "plain body", HTML: "<p>html body</p>"}
}

func mustEnqueue(t *testing.T, db *testDB, m model.Mail) int64 {
	t.Helper()
	id, err := db.EnqueueMail(context.Background(), m)
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return id
}

func claim(t *testing.T, db *testDB, now time.Time, limit int) []store.QueuedMail {
	t.Helper()
	got, err := db.ClaimDueMail(context.Background(), now, limit, lease)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return got
}

func entry(t *testing.T, db *testDB, id int64) store.OutboxEntry {
	t.Helper()
	e, err := db.OutboxEntry(context.Background(), id)
	if err != nil {
		t.Fatalf("outbox entry %d: %v", id, err)
	}
	return e
}

// TestOutboxRetriesUntilSent: a mail is claimed once per attempt, is not
// claimed again while a worker holds it or before its retry time, and once
// sent is never claimed again; an outcome recorded by an attempt that no
// longer holds the mail is refused.
func TestOutboxRetriesUntilSent(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		id := mustEnqueue(t, db, testMail("ann@example.org"))

		got := claim(t, db, clk.t, 10)
		if len(got) != 1 || got[0].ID != id || got[0].Attempt != 1 || !got[0].Opened || got[0].Mail != testMail("ann@example.org") {
			t.Fatalf("first claim = %+v, want mail %d, attempt 1, opened", got, id)
		}
		if again := claim(t, db, clk.t.Add(lease-time.Millisecond), 10); len(again) != 0 {
			t.Fatalf("a claimed mail was claimed again within its lease: %+v", again)
		}
		retry := clk.t.Add(30 * time.Second)
		if err := db.MarkMailFailed(ctx, id, 1, retry, "dial: connection refused"); err != nil {
			t.Fatal(err)
		}
		if e := entry(t, db, id); e.Status != store.MailPending || e.Attempts != 1 || !e.NextAttemptAt.Equal(retry) || e.LastError != "dial: connection refused" {
			t.Errorf("after a failure: %+v", e)
		}
		if early := claim(t, db, retry.Add(-time.Millisecond), 10); len(early) != 0 {
			t.Fatalf("claimed before its retry time: %+v", early)
		}
		got = claim(t, db, retry, 10)
		if len(got) != 1 || got[0].Attempt != 2 {
			t.Fatalf("second claim = %+v, want attempt 2", got)
		}
		if err := db.MarkMailFailed(ctx, id, 1, retry, "late"); !errors.Is(err, store.ErrLostClaim) {
			t.Errorf("outcome of a stale attempt: %v, want ErrLostClaim", err)
		}
		if err := db.MarkMailSent(ctx, id, 2, retry); err != nil {
			t.Fatal(err)
		}
		e := entry(t, db, id)
		if e.Status != store.MailSent || e.SentAt == nil || !e.SentAt.Equal(retry) || e.LastError != "" || e.Attempts != 2 {
			t.Errorf("after sending: %+v", e)
		}
		if later := claim(t, db, retry.Add(48*time.Hour), 10); len(later) != 0 {
			t.Errorf("a sent mail was claimed again: %+v", later)
		}
	})
}

// TestOutboxLeaseRunsOut: a mail whose worker died mid-send is claimed again
// once the lease has run out, and the dead worker's late outcome is refused.
// A released mail is due at once and its unmade attempt is not counted.
func TestOutboxLeaseRunsOut(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		id := mustEnqueue(t, db, testMail("ann@example.org"))
		claim(t, db, clk.t, 1)
		got := claim(t, db, clk.t.Add(lease), 1)
		if len(got) != 1 || got[0].Attempt != 2 {
			t.Fatalf("claim after the lease = %+v, want attempt 2", got)
		}
		if err := db.MarkMailSent(ctx, id, 1, clk.t); !errors.Is(err, store.ErrLostClaim) {
			t.Errorf("the first worker's outcome: %v, want ErrLostClaim", err)
		}
		if err := db.ReleaseMail(ctx, id, 2, clk.t.Add(lease)); err != nil {
			t.Fatal(err)
		}
		got = claim(t, db, clk.t.Add(lease), 1)
		if len(got) != 1 || got[0].Attempt != 2 {
			t.Errorf("claim after a release = %+v, want attempt 2 again", got)
		}
	})
}

// TestOutboxDeadMailIsNotRetried: a dead mail is never claimed again; it
// keeps its error for the operator.
func TestOutboxDeadMailIsNotRetried(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		clk := newClock(db)
		id := mustEnqueue(t, db, testMail("ann@example.org"))
		claim(t, db, clk.t, 1)
		if err := db.MarkMailDead(context.Background(), id, 1, "smtp 550 "+strings.Repeat("x", 500)); err != nil {
			t.Fatal(err)
		}
		if got := claim(t, db, clk.t.Add(30*24*time.Hour), 10); len(got) != 0 {
			t.Errorf("a dead mail was claimed: %+v", got)
		}
		if e := entry(t, db, id); e.Status != store.MailDead || len(e.LastError) != store.MaxMailErrorLen {
			t.Errorf("dead entry: status %q, error of %d bytes, want dead and %d", e.Status, len(e.LastError), store.MaxMailErrorLen)
		}
	})
}

// TestOutboxRefusesInvalidMail: every bound of a mail is enforced when it is
// queued, at the limit accepted and one past it refused.
func TestOutboxRefusesInvalidMail(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		edit := func(f func(m *model.Mail)) model.Mail {
			m := testMail("ann@example.org")
			f(&m)
			return m
		}
		atLimit := edit(func(m *model.Mail) {
			m.Text = strings.Repeat("a", store.MaxMailBodyBytes)
			m.HTML = strings.Repeat("b", store.MaxMailBodyBytes)
			m.Subject = strings.Repeat("s", store.MaxMailSubjectBytes)
		})
		if _, err := db.EnqueueMail(context.Background(), atLimit); err != nil {
			t.Errorf("a mail at every limit was refused: %v", err)
		}
		for name, m := range map[string]model.Mail{
			"no kind":            edit(func(m *model.Mail) { m.Kind = "" }),
			"kind with a space":  edit(func(m *model.Mail) { m.Kind = "a b" }),
			"display name":       edit(func(m *model.Mail) { m.To = "Ann <ann@example.org>" }),
			"two recipients":     edit(func(m *model.Mail) { m.To = "ann@example.org, bob@example.org" }),
			"no address":         edit(func(m *model.Mail) { m.To = "" }),
			"subject on 2 lines": edit(func(m *model.Mail) { m.Subject = "a\r\nBcc: x@example.org" }),
			"subject too long":   edit(func(m *model.Mail) { m.Subject = strings.Repeat("s", store.MaxMailSubjectBytes+1) }),
			"text too long":      edit(func(m *model.Mail) { m.Text = strings.Repeat("a", store.MaxMailBodyBytes+1) }),
			"html too long":      edit(func(m *model.Mail) { m.HTML = strings.Repeat("a", store.MaxMailBodyBytes+1) }),
			"no html part":       edit(func(m *model.Mail) { m.HTML = "" }),
		} {
			if _, err := db.EnqueueMail(context.Background(), m); !errors.Is(err, store.ErrInvalidMail) {
				t.Errorf("%s: %v, want ErrInvalidMail", name, err)
			}
		}
		if n, _ := db.PendingMailCount(context.Background()); n != 1 {
			t.Errorf("%d mails pending, want only the one at the limits", n)
		}
	})
}

// TestOutboxClaimIsBounded: one claim takes at most MaxMailClaim mails,
// oldest first, whatever limit it is asked for.
func TestOutboxClaimIsBounded(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		clk := newClock(db)
		for i := range store.MaxMailClaim + 5 {
			mustEnqueue(t, db, testMail(fmt.Sprintf("u%d@example.org", i)))
		}
		got := claim(t, db, clk.t, 1000)
		if len(got) != store.MaxMailClaim || got[0].To != "u0@example.org" {
			t.Errorf("claimed %d mails starting with %q, want %d starting with u0", len(got), got[0].To, store.MaxMailClaim)
		}
	})
}

// TestOutboxKeepsNoPersonalData: the address, subject and bodies of a queued
// mail are sealed at rest (promise P4), and a sent mail keeps none of them.
func TestOutboxKeepsNoPersonalData(t *testing.T) {
	const (
		email   = "secret.reader@example.org"
		subject = "Subject naming Zebediah"
		body    = "a reset link https://c.example/reset?t=tok3n"
	)
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		m := model.Mail{Kind: "visible-kind", To: email, Subject: subject, Text: body, HTML: "<p>" + body + "</p>"}
		id := mustEnqueue(t, db, m)
		stored := storedBytes(t, db, "outbox")
		if !bytes.Contains(stored, []byte("visible-kind")) {
			t.Fatal("sanity check failed: the kind is not in the stored bytes, the test reads the wrong data")
		}
		for _, secret := range []string{email, "Zebediah", "tok3n"} {
			if bytes.Contains(stored, []byte(secret)) {
				t.Errorf("%q is stored in plain text", secret)
			}
		}
		claim(t, db, clk.t, 1)
		if err := db.MarkMailSent(ctx, id, 1, clk.t); err != nil {
			t.Fatal(err)
		}
		raw, rebind := rawDB(t, db)
		var kept int
		if err := raw.QueryRow(rebind(`SELECT COUNT(*) FROM outbox WHERE id = ? AND (recipient_sealed IS NOT NULL
			OR recipient_index IS NOT NULL OR subject_sealed IS NOT NULL OR text_sealed IS NOT NULL OR html_sealed IS NOT NULL)`), id).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if kept != 0 {
			t.Error("a sent mail still holds its address or content")
		}
	})
}

// storedBytes is everything the database holds: the SQLite file and its
// WAL, or the text of every row of tables on PostgreSQL.
func storedBytes(t *testing.T, db *testDB, tables ...string) []byte {
	t.Helper()
	if db.dialect == "sqlite" {
		a, err := os.ReadFile(db.file)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(db.file + "-wal") // none after a checkpoint
		return append(a, b...)
	}
	raw, _ := rawDB(t, db)
	var out []byte
	for _, table := range tables {
		rows, err := raw.Query("SELECT t::text FROM " + table + " t")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s...)
		}
		rows.Close()
	}
	return out
}

// TestOutboxPurge: sent and dead mails older than the cutoff are deleted;
// pending ones stay whatever their age, and so do younger ones.
func TestOutboxPurge(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		clk := newClock(db)
		sent, dead, pending := mustEnqueue(t, db, testMail("a@example.org")), mustEnqueue(t, db, testMail("b@example.org")), mustEnqueue(t, db, testMail("c@example.org"))
		claim(t, db, clk.t, 3)
		db.MarkMailSent(ctx, sent, 1, clk.t)
		db.MarkMailDead(ctx, dead, 1, "smtp 550")
		db.MarkMailFailed(ctx, pending, 1, clk.t.Add(time.Hour), "dial")
		clk.advance(time.Hour)
		young := mustEnqueue(t, db, testMail("d@example.org"))
		claim(t, db, clk.t, 1)
		db.MarkMailSent(ctx, young, 1, clk.t)

		n, err := db.PurgeMail(ctx, clk.t.Add(-time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("purged %d (%v), want the old sent and dead mails", n, err)
		}
		for id, want := range map[int64]bool{sent: false, dead: false, pending: true, young: true} {
			_, err := db.OutboxEntry(ctx, id)
			if exists := err == nil; exists != want {
				t.Errorf("mail %d exists = %v after the purge, want %v (%v)", id, exists, want, err)
			}
		}
	})
}

// TestOutboxMailGoesWithItsSite: removing a site removes the mail queued
// about it (promise P7); mail about no site stays.
func TestOutboxMailGoesWithItsSite(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "doomed.example")
		m := testMail("ann@example.org")
		m.SiteID = site.ID
		about := mustEnqueue(t, db, m)
		other := mustEnqueue(t, db, testMail("bob@example.org"))
		if err := db.DeleteSite(ctx, site.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.OutboxEntry(ctx, about); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("mail about a removed site: %v, want ErrNotFound", err)
		}
		entry(t, db, other)
	})
}

// TestDeleteMailTo: erasing a person deletes the mail still queued for their
// address, whatever its case, and no one else's.
func TestDeleteMailTo(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		mustEnqueue(t, db, testMail("ann@example.org"))
		mustEnqueue(t, db, testMail("ann@example.org"))
		keep := mustEnqueue(t, db, testMail("bob@example.org"))
		if n, err := db.DeleteMailTo(ctx, "Ann@Example.org"); err != nil || n != 2 {
			t.Errorf("deleted %d (%v), want 2", n, err)
		}
		entry(t, db, keep)
	})
}

// TestOutboxClaimsAreDisjointAcrossServers: two servers claiming from one
// PostgreSQL database at the same time never claim the same mail.
func TestOutboxClaimsAreDisjointAcrossServers(t *testing.T) {
	a := openPostgres(t)
	b, err := store.OpenPostgres(context.Background(), a.url, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const mails = 300
	for i := range mails {
		mustEnqueue(t, a, testMail(fmt.Sprintf("u%d@example.org", i)))
	}
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	for _, st := range []*store.Store{a.Store, b, a.Store, b} {
		wg.Go(func() {
			for {
				got, err := st.ClaimDueMail(context.Background(), time.Now(), 7, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					claimed[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != mails {
		t.Errorf("%d mails claimed, want %d", len(claimed), mails)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("mail %d claimed %d times", id, n)
		}
	}
}

// TestQueuedMailIsKeyedData: a database whose only sealed data is a queued
// mail still counts as sealed with a key, so no new key is generated for it
// and another key is refused rather than leave the mail unreadable.
func TestQueuedMailIsKeyedData(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		mustEnqueue(t, db, testMail("ann@example.org"))
		if keyed, err := db.HasKeyedData(ctx); err != nil || !keyed {
			t.Errorf("HasKeyedData = %v, %v; want true", keyed, err)
		}
		var mismatch *store.KeyMismatchError
		if err := reopen(t, db, "another-secret-key-that-is-long-enough-0123").CheckKey(ctx); !errors.As(err, &mismatch) {
			t.Errorf("another key: %v, want a KeyMismatchError", err)
		}
	})
}
