package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/notify/smtptest"
	"github.com/parleyhq/parley/internal/notify/smtpurl"
)

// raw opens a second, plain connection to the env's database, to look at
// what is really stored.
func (e *env) raw() *sql.DB {
	e.t.Helper()
	var db *sql.DB
	var err error
	if e.dbFile != "" {
		db, err = sql.Open("sqlite", "file:"+e.dbFile+"?_pragma=busy_timeout(5000)")
	} else {
		db, err = sql.Open("pgx", e.dbURL)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

// schema lists every table of the database with its columns, read from the
// database itself, so that a table or column added later is seen.
func (e *env) schema(db *sql.DB) map[string][]string {
	e.t.Helper()
	tablesQ := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	colsQ := `SELECT name FROM pragma_table_info(?)`
	if e.dbURL != "" {
		tablesQ = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
		colsQ = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	}
	tables := e.strings(db, tablesQ)
	out := map[string][]string{}
	for _, t := range tables {
		out[t] = e.strings(db, colsQ, t)
	}
	return out
}

func (e *env) strings(db *sql.DB, q string, args ...any) []string {
	e.t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// cell is one stored value and where it is.
type cell struct {
	table, column string
	value         any
}

// cells returns every value of every table.
func (e *env) cells(db *sql.DB) []cell {
	e.t.Helper()
	var out []cell
	for table, cols := range e.schema(db) {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			e.t.Fatal(err)
		}
		names, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(names))
			ptrs := make([]any, len(names))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			for i, v := range vals {
				out = append(out, cell{table, names[i], v})
			}
		}
		rows.Close()
		_ = cols
	}
	return out
}

// mailbox delivers the outbox of an env through a real SMTP server.
type mailbox struct {
	e      *env
	srv    *smtptest.Server
	worker *notify.Worker
	seen   int
}

func newMailbox(e *env) *mailbox {
	e.t.Helper()
	srv := smtptest.Start(e.t)
	u, err := smtpurl.Parse(srv.URL())
	if err != nil {
		e.t.Fatal(err)
	}
	mailer, err := notify.NewSMTPMailer(u, "parley@comments.example")
	if err != nil {
		e.t.Fatal(err)
	}
	return &mailbox{e: e, srv: srv, worker: notify.NewWorker(e.store, mailer, notify.WorkerOptions{Now: func() time.Time { return e.now }})}
}

// next delivers what is due and returns the text part of the one new
// mail, which must be to "to".
func (m *mailbox) next(to string) string {
	m.e.t.Helper()
	if _, err := m.worker.DeliverDue(context.Background()); err != nil {
		m.e.t.Fatal(err)
	}
	msgs := m.srv.Wait(m.seen+1, 5*time.Second)
	if len(msgs) != m.seen+1 {
		m.e.t.Fatalf("%d mails arrived, want %d", len(msgs), m.seen+1)
	}
	msg := msgs[m.seen]
	m.seen++
	if len(msg.To) != 1 || msg.To[0] != to {
		m.e.t.Fatalf("mail to %v, want %s", msg.To, to)
	}
	return textPart(m.e.t, msg.Data)
}

// textPart returns the decoded text/plain part of a raw message.
func textPart(t testing.TB, data []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no text/plain part: %v", err)
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			continue
		}
		var r io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

var linkPattern = regexp.MustCompile(`https://\S+/privacy/confirm\?token=[A-Za-z0-9]+`)

// link returns the one privacy link of a mail's text.
func link(t testing.TB, text string) string {
	t.Helper()
	links := linkPattern.FindAllString(text, -1)
	if len(links) != 1 {
		t.Fatalf("want one link in the mail, got %q in:\n%s", links, text)
	}
	return links[0]
}

// traces lists where a person's email (as itself, sealed, or as its blind
// index) or IP address (itself or sealed) is still stored, in any column of
// any table.
func (e *env) traces(email, ip string) []string {
	e.t.Helper()
	index := e.sealer.EmailIndex(email)
	var found []string
	holds := func(s string) bool {
		s = strings.ToLower(s)
		return strings.Contains(s, strings.ToLower(email)) || strings.Contains(s, ip)
	}
	for _, c := range e.cells(e.raw()) {
		where := c.table + "." + c.column
		switch v := c.value.(type) {
		case []byte:
			if bytes.Equal(v, index) {
				found = append(found, where+" (blind index)")
			} else if plain, err := e.sealer.Open(v); err == nil && holds(plain) {
				found = append(found, where+" (sealed)")
			} else if holds(string(v)) {
				found = append(found, where)
			}
		case string:
			if holds(v) {
				found = append(found, where)
			}
		}
	}
	return found
}

// assertNoTrace fails the test if traces finds anything.
func (e *env) assertNoTrace(t *testing.T, email, ip string) {
	t.Helper()
	if found := e.traces(email, ip); len(found) > 0 {
		t.Errorf("after erasure %s or %s is still stored in %v", email, ip, found)
	}
}
