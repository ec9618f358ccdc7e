package api_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/config"
)

// Erasure completeness (issue 12 item 6): after a person is erased, a
// backup taken afterwards and the SQLite database file with its WAL hold
// none of their data, in plain text or sealed; the backups taken before
// are deleted once PARLEY_BACKUP_RETENTION has passed. PostgreSQL's own
// files keep dead rows until autovacuum reuses their space (docs/
// operations.md, "Erasure and the files"): there the backup is checked.

// personal is what a person typed, as the files hold it: public words are
// stored as typed (found before the erasure, gone after); sealed ones, the
// addresses and the user agent, must never appear in plain text.
type personal struct{ public, sealed []string }

// adaData is what personWithEverything gives Ada: after her erasure (comments
// deleted) none of it may be found in any file.
var adaData = personal{
	public: []string{"Ada as a guest", "guest-ada.example", "written before signing up", "ada's edited comment",
		"people.example/ada", "ada-42", "blog.example/ada.png", "Ada at the contact form", "Ada asks the operator"},
	sealed: []string{adaEmail, adaIP, "old-agent", "ada@new.example"},
}

func TestEraseAccountLeavesNoTraceInFiles(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		_, token := personWithEverything(t, e)
		dir, takenBefore := t.TempDir(), e.now
		before := e.backup(t, dir)
		sealed := e.sealedOf(adaEmail, adaIP)
		if len(sealed) < 8 {
			t.Fatalf("sanity check failed: only %d sealed values or blind indexes of hers", len(sealed))
		}
		e.assertInFiles(t, before, adaData, sealed, true)

		e.now = e.now.Add(time.Minute)
		if r := e.do(req{method: "DELETE", path: "/api/v1/me", headers: bearer(token),
			body: map[string]any{"comments": "delete", "password": testPassword}}); r.status != 204 {
			t.Fatalf("erase: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(time.Minute)
		after := e.backup(t, dir)
		e.assertInFiles(t, after, adaData, sealed, false)
		e.assertBackupsExpire(t, dir, takenBefore, before, after)
	})
}

// TestEraseGuestLeavesNoTraceInFiles: a guest erased by the emailed link,
// keeping the comments anonymised: the words stay, her name, email,
// website, IP and user agent go from the backup and the files.
func TestEraseGuestLeavesNoTraceInFiles(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		const gwen, ip = "gwen.unique@example.com", "203.0.113.61"
		for _, text := range []string{"gwen's kept words", "gwen again"} {
			r := e.do(req{method: "POST", path: "/api/v1/comments", ip: ip, body: map[string]any{"site": "blog.example", "path": "/post",
				"text": text, "author": map[string]any{"name": "Gwendolyn Quill", "email": gwen, "website": "https://quill-gwen.example"}}})
			if r.status != 201 {
				t.Fatalf("post: %s", r.raw)
			}
		}
		gone := personal{public: []string{"Gwendolyn Quill", "quill-gwen.example"}, sealed: []string{gwen, ip, "test-agent"}}
		dir, takenBefore := t.TempDir(), e.now
		before := e.backup(t, dir)
		sealed := e.sealedOf(gwen, ip)
		e.assertInFiles(t, before, gone, sealed, true)

		box, b := newMailbox(e), newBrowser(t, e)
		l := askLink(t, e, box, gwen, "erase")
		if p := b.submit("/privacy/confirm", url.Values{"token": {tokenOf(t, l)}, "comments": {"anonymize"}}); p.status != 200 {
			t.Fatalf("erase: %d\n%s", p.status, p.body)
		}
		e.now = e.now.Add(time.Minute)
		after := e.backup(t, dir)
		e.assertInFiles(t, after, gone, sealed, false)
		if raw := gunzipFile(t, after); !bytes.Contains(raw, []byte("gwen's kept words")) {
			t.Error("the anonymised comment's words are not in the backup")
		}
		e.assertBackupsExpire(t, dir, takenBefore, before, after)
	})
}

// backup takes a backup of the env's database into dir, as the server's
// schedule does, at the env's time.
func (e *env) backup(t *testing.T, dir string) string {
	t.Helper()
	path, err := backup.Take(context.Background(), e.store, dir, e.now)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// sealedOf returns, as stored, every sealed value that opens to something
// holding email or ip, and the email's blind index: the bytes that must
// leave the files with the person.
func (e *env) sealedOf(email, ip string) [][]byte {
	e.t.Helper()
	out := [][]byte{e.sealer.EmailIndex(email)}
	for _, c := range e.cells(e.raw()) {
		v, ok := c.value.([]byte)
		if !ok {
			continue
		}
		if plain, err := e.sealer.Open(v); err == nil && (strings.Contains(strings.ToLower(plain), strings.ToLower(email)) || strings.Contains(plain, ip)) {
			out = append(out, bytes.Clone(v))
		}
	}
	return out
}

// assertInFiles checks that the public words and the sealed values (as
// stored) are (present) or are not (!present) in the backup file and, on
// SQLite, in the database file with its WAL, and that the sealed words are
// never there in plain text. Present checks each file that should hold
// them: a scan that finds nothing before erasure proves nothing after.
func (e *env) assertInFiles(t *testing.T, backupFile string, words personal, sealed [][]byte, present bool) {
	t.Helper()
	files := map[string][]byte{"the backup " + filepath.Base(backupFile): gunzipFile(t, backupFile)}
	if e.dbFile != "" {
		files["parley.db with its WAL"] = sqliteFiles(t, e.dbFile)
	}
	for name, content := range files {
		for _, w := range words.public {
			if bytes.Contains(content, []byte(w)) != present {
				t.Errorf("%q in %s: %v, want %v", w, name, !present, present)
			}
		}
		for _, w := range words.sealed {
			if bytes.Contains(bytes.ToLower(content), []byte(strings.ToLower(w))) {
				t.Errorf("%q is in %s in plain text", w, name)
			}
		}
		lower := bytes.ToLower(content) // PostgreSQL's export writes bytea as \x + hex
		for _, s := range sealed {
			found := bytes.Contains(content, s) || bytes.Contains(lower, []byte(hex.EncodeToString(s)))
			if present && !found {
				t.Errorf("sanity check failed: a sealed value of hers (%d bytes) is not in %s", len(s), name)
			} else if !present && found {
				t.Errorf("a sealed value of hers (%d bytes) is still in %s", len(s), name)
			}
		}
	}
}

// assertBackupsExpire runs the server's backup schedule at a simulated
// time: just within PARLEY_BACKUP_RETENTION's longest (its default) the
// backup taken before the erasure (at taken) is kept; once it has passed,
// it is deleted, and the later one stays until its own time comes.
func (e *env) assertBackupsExpire(t *testing.T, dir string, taken time.Time, before, after string) {
	t.Helper()
	for _, c := range []struct {
		at                time.Time
		wantBefore, after bool
	}{
		{taken.Add(config.MaxBackupRetention - time.Hour), true, true},
		{taken.Add(config.MaxBackupRetention + time.Minute), false, true},
	} {
		e.runSchedule(t, dir, c.at)
		if _, err := os.Stat(before); (err == nil) != c.wantBefore {
			t.Errorf("at %s the backup taken before the erasure exists: %v, want %v", c.at, err == nil, c.wantBefore)
		}
		if _, err := os.Stat(after); (err == nil) != c.after {
			t.Errorf("at %s the backup taken after the erasure exists: %v, want %v", c.at, err == nil, c.after)
		}
	}
}

// runSchedule runs a backup schedule over dir whose clock says now, until
// it has pruned and taken the backup due at now.
func (e *env) runSchedule(t *testing.T, dir string, now time.Time) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		backup.Schedule{Store: e.store, Dir: dir, Interval: time.Hour, Retention: config.MaxBackupRetention,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}.Run(ctx)
	}()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if all, _ := backup.List(dir); len(all) > 0 && all[len(all)-1].Taken.Equal(now) {
			return
		}
	}
	t.Fatalf("the schedule took no backup at %s", now)
}

func gunzipFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := backup.Contents(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sqliteFiles returns the SQLite database file followed by its WAL.
func sqliteFiles(t *testing.T, path string) []byte {
	t.Helper()
	var out []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && (suffix == "" || !os.IsNotExist(err)) {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}
