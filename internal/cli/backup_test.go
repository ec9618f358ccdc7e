package cli_test

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, to read the databases raw
)

// TestBackupUnderLoadRestoresEveryTable: parley backup, run beside a server
// that is writing comments, gives a consistent snapshot (the restored
// comments are exactly the source's up to some id, the references hold);
// a backup taken once the server stopped restores every table row for row;
// the backup holds the emails sealed only; restore refuses a database that
// holds data and a data directory without the key.
func TestBackupUnderLoadRestoresEveryTable(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			// One writer from one address: no flood limits (the interval
			// between comments, the same text again).
			src := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_WRITE_RATE": "0", "PARLEY_COMMENT_INTERVAL": "0"}
			if kind == "postgres" {
				src["PARLEY_DATABASE_URL"] = pgURL(t)
			}
			base, stop := serve(t, src)
			var posted atomic.Int64
			quit, wg := make(chan struct{}), sync.WaitGroup{}
			wg.Go(func() {
				for i := 0; ; i++ {
					select {
					case <-quit:
						return
					default:
					}
					if postComment(base, fmt.Sprintf("writer%d@example.org", i)) {
						posted.Add(1)
					}
				}
			})
			waitPosted(t, &posted, 20)
			live := takeBackup(t, src)
			waitPosted(t, &posted, posted.Load()+20)
			close(quit)
			wg.Wait()
			// The server stops before the quiet backup: its background work
			// (mail, notifications, view counts) would change the source
			// after the backup, and the comparison below with it.
			if err := stop(); err != nil {
				t.Error(err)
			}
			quiet := takeBackup(t, src)
			if raw := gunzip(t, live); bytes.Contains(raw, []byte("writer1@example.org")) {
				t.Error("the backup holds an email in plain text")
			}

			restored := restoreCopy(t, src, kind, live)
			srcComments, liveComments := comments(t, kind, src), comments(t, kind, restored)
			last := int64(0)
			for id := range liveComments {
				last = max(last, id)
			}
			if len(liveComments) == 0 || int64(len(liveComments)) >= posted.Load() {
				t.Errorf("the live backup holds %d comments of %d posted: want a snapshot taken midway", len(liveComments), posted.Load())
			}
			for id, row := range srcComments {
				if got, ok := liveComments[id]; id <= last && got != row || id > last && ok {
					t.Errorf("comment %d: the live backup holds %q, the source %q (last id %d): not one consistent snapshot", id, got, row, last)
				}
			}

			again := restoreCopy(t, src, kind, quiet)
			want, got := tables(t, kind, src), tables(t, kind, again)
			if len(want) < 20 {
				t.Fatalf("only %d tables compared", len(want))
			}
			for name, rows := range want {
				if strings.Join(got[name], "\n") != strings.Join(rows, "\n") {
					t.Errorf("table %s: %d rows restored, %d in the source, or rows differ", name, len(got[name]), len(rows))
				}
			}
			if _, _, err := run(t, src, "restore", quiet); err == nil || !strings.Contains(err.Error(), "holds data") {
				t.Errorf("restore into the source: %v, want a refusal", err)
			}
		})
	}
}

func runtimeGosched() { <-timeAfterShort() }

// waitPosted waits until the writer has posted n comments, and fails the
// test when it stops getting them in.
func waitPosted(t *testing.T, posted *atomic.Int64, n int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for posted.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d comments posted in a minute, want %d", posted.Load(), n)
		}
		runtimeGosched()
	}
}

func postComment(base, email string) bool {
	// Each text differs (the same text again is refused as a duplicate);
	// none holds the address.
	body := fmt.Sprintf(`{"site":"localhost","path":"/load","text":"under load, comment of %s","author":{"name":"Ann","email":%q}}`,
		strings.TrimSuffix(email, "@example.org"), email)
	req, _ := http.NewRequest("POST", base+"/api/v1/comments", strings.NewReader(body))
	req.Header.Set("Origin", base)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == 201
}

var backupPath = regexp.MustCompile(`backup written to (\S+)`)

func takeBackup(t *testing.T, vars map[string]string) string {
	t.Helper()
	out, errOut, err := run(t, vars, "backup")
	m := backupPath.FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("parley backup: %v\n%s%s", err, out, errOut)
	}
	return m[1]
}

func gunzip(t *testing.T, file string) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// restoreCopy restores file into a new database with the source's key;
// first without the key, which must be refused.
func restoreCopy(t *testing.T, src map[string]string, kind, file string) map[string]string {
	t.Helper()
	dst := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	if kind == "postgres" {
		dst["PARLEY_DATABASE_URL"] = pgURL(t)
	}
	if _, _, err := run(t, dst, "restore", file); err == nil || !strings.Contains(err.Error(), "no secret key") {
		t.Fatalf("restore without the key: %v, want a refusal", err)
	}
	key, err := os.ReadFile(filepath.Join(src["PARLEY_DATA_DIR"], "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dst["PARLEY_DATA_DIR"], "secret.key"), key, 0o600)
	if out, errOut, err := run(t, dst, "restore", file); err != nil {
		t.Fatalf("restore %s: %v\n%s%s", file, err, out, errOut)
	}
	return dst
}

func openRaw(t *testing.T, kind string, vars map[string]string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if kind == "postgres" {
		db, err = sql.Open("pgx", vars["PARLEY_DATABASE_URL"])
	} else {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(vars["PARLEY_DATA_DIR"], "parley.db")+"?mode=ro")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// tables returns every row of every table, as text, in a stable order.
func tables(t *testing.T, kind string, vars map[string]string) map[string][]string {
	t.Helper()
	db := openRaw(t, kind, vars)
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if kind == "postgres" {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	names := queryStrings(t, db, list)
	out := map[string][]string{}
	for _, name := range names {
		out[name] = rowsAsText(t, db, kind, name)
	}
	return out
}

func rowsAsText(t *testing.T, db *sql.DB, kind, table string) []string {
	t.Helper()
	if table == "schema_migrations" { // when each was applied differs, by design
		return queryStrings(t, db, "SELECT name FROM schema_migrations ORDER BY version")
	}
	if kind == "postgres" {
		return queryStrings(t, db, fmt.Sprintf(`SELECT to_jsonb(t)::text FROM %q t ORDER BY 1`, table))
	}
	rows, err := db.Query(fmt.Sprintf(`SELECT * FROM %q ORDER BY 1`, table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%v", vals))
	}
	return out
}

// comments returns the comments by id, each row as text.
func comments(t *testing.T, kind string, vars map[string]string) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, row := range rowsAsText(t, openRaw(t, kind, vars), kind, "comments") {
		var id int64
		if kind == "postgres" {
			m := regexp.MustCompile(`"id": (\d+)`).FindStringSubmatch(row)
			id, _ = strconv.ParseInt(m[1], 10, 64)
		} else {
			fmt.Sscanf(strings.TrimPrefix(row, "["), "%d", &id)
		}
		out[id] = row
	}
	return out
}

func queryStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func timeAfterShort() <-chan time.Time { return time.After(10 * time.Millisecond) }
