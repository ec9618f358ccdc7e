package api_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/pgtest"
)

// hangGuard is how long a request may take before the test calls it hung:
// far above the deadline, so that only a missing deadline trips it.
const hangGuard = 30 * time.Second

// doWithin runs a request and fails the test if it does not return within
// hangGuard.
func (e *env) doWithin(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Origin", origin)
		r.RemoteAddr = "192.0.2.1:5555"
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, r)
		done <- rec
	}()
	select {
	case rec := <-done:
		return rec
	case <-time.After(hangGuard):
		t.Fatalf("%s %s hangs on a frozen database: no answer within %s", method, path, hangGuard)
		return nil
	}
}

// TestFrozenDatabaseAnswers503AndServesCachedThreads freezes PostgreSQL with
// SIGSTOP (as a hung host or a partition would): writes and uncached reads
// answer 503 unavailable with Retry-After once the database deadline passes,
// instead of hanging; a cached thread is still served; /readyz reports the
// outage; after SIGCONT everything works again.
func TestFrozenDatabaseAnswers503AndServesCachedThreads(t *testing.T) {
	cluster := pgtest.Dedicated(t)
	e := newEnv(t, "postgres", options{pgURL: cluster.URL(), dbTimeout: time.Second})
	e.post("/cached", 0, "written before the freeze")
	if r := e.thread("path=/cached"); r.status != http.StatusOK {
		t.Fatalf("thread before the freeze: %d", r.status)
	}
	const comment = `{"site":"blog.example","path":"/other","text":"during the freeze","author":{"name":"Bo"}}`

	cluster.Freeze(t)
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/comments", comment},
		{"GET", "/api/v1/thread?site=blog.example&path=/not-cached", ""},
	} {
		rec := e.doWithin(t, c.method, c.path, c.body)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" || !strings.Contains(rec.Body.String(), `"code":"unavailable"`) {
			t.Errorf("%s %s on a frozen database: %d Retry-After=%q %s; want 503 unavailable with Retry-After: 5",
				c.method, c.path, rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
		}
	}
	if rec := e.doWithin(t, "GET", "/api/v1/thread?site=blog.example&path=/cached", ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "written before the freeze") {
		t.Errorf("cached thread on a frozen database: %d %s, want it served", rec.Code, rec.Body.String())
	}
	if rec := e.doWithin(t, "GET", "/readyz", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz on a frozen database: %d, want 503", rec.Code)
	}
	if !strings.Contains(e.logs.String(), "database unavailable") || strings.Contains(e.logs.String(), "level=ERROR msg=\"comment service\"") {
		t.Errorf("the outage should be logged as unavailable, not as an internal error:\n%s", e.logs.String())
	}

	cluster.Thaw(t)
	deadline := time.Now().Add(hangGuard)
	for {
		rec := e.doWithin(t, "POST", "/api/v1/comments", comment)
		if rec.Code == http.StatusCreated {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after SIGCONT a comment still gets %d %s", rec.Code, rec.Body.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if rec := e.doWithin(t, "GET", "/readyz", ""); rec.Code != http.StatusOK {
		t.Errorf("/readyz after SIGCONT: %d", rec.Code)
	}
}

// TestLockedSQLiteAnswers503: while another process holds SQLite's write lock
// past the deadline, a write answers 503 unavailable with Retry-After (not
// 500), and succeeds once the lock is released.
func TestLockedSQLiteAnswers503(t *testing.T) {
	e := newEnv(t, "sqlite", options{dbTimeout: 300 * time.Millisecond})
	other, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: e.dbFile}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	holder, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const comment = `{"site":"blog.example","path":"/p","text":"while locked","author":{"name":"Bo"}}`
	rec := e.doWithin(t, "POST", "/api/v1/comments", comment)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"code":"unavailable"`) {
		t.Errorf("write while SQLite is locked: %d Retry-After=%q %s, want 503 unavailable", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	if _, err := holder.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if rec := e.doWithin(t, "POST", "/api/v1/comments", comment); rec.Code != http.StatusCreated {
		t.Errorf("write after the lock was released: %d %s", rec.Code, rec.Body.String())
	}
}
