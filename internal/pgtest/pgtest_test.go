package pgtest_test

import (
	"database/sql"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/parleyhq/parley/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// open opens url the way Parley does, through database/sql, and checks that
// the server answers.
func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(t.Context()); err != nil {
		t.Fatalf("ping %s: %v", url, err)
	}
	return db
}

func currentDatabase(t *testing.T, db *sql.DB) string {
	t.Helper()
	var name string
	if err := db.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func userTables(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	err := db.QueryRowContext(t.Context(),
		"SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')").Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestURLGivesAWorkingDatabase(t *testing.T) {
	t.Parallel()
	db := open(t, pgtest.URL(t))
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, "CREATE TABLE comment (id bigint PRIMARY KEY, body text NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	const body = "Grüße, 世界" // the cluster must be UTF-8
	if _, err := db.ExecContext(ctx, "INSERT INTO comment (id, body) VALUES ($1, $2)", 1, body); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRowContext(ctx, "SELECT body FROM comment WHERE id = $1", 1).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != body {
		t.Errorf("body = %q, want %q", got, body)
	}
}

func TestURLGivesDistinctEmptyDatabases(t *testing.T) {
	t.Parallel()
	a, b := open(t, pgtest.URL(t)), open(t, pgtest.URL(t))
	if _, err := a.ExecContext(t.Context(), "CREATE TABLE only_in_a (x int)"); err != nil {
		t.Fatal(err)
	}
	if nameA, nameB := currentDatabase(t, a), currentDatabase(t, b); nameA == nameB {
		t.Fatalf("both URLs name database %s", nameA)
	}
	if n := userTables(t, b); n != 0 {
		t.Errorf("second database has %d tables, want 0", n)
	}
	if n := userTables(t, a); n != 1 {
		t.Errorf("first database has %d tables, want 1", n)
	}
}

func TestURLDropsDatabaseAtCleanup(t *testing.T) {
	t.Parallel()
	other := open(t, pgtest.URL(t))
	var name string
	var lingering *sql.Conn
	t.Run("use", func(t *testing.T) {
		db, err := sql.Open("pgx", pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		// A connection still open at cleanup must not keep the database alive.
		lingering, err = db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		name = currentDatabase(t, db)
	})
	if lingering != nil {
		defer lingering.Close()
	}
	var n int
	if err := other.QueryRowContext(t.Context(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// TestURLFromEnvironment points PARLEY_TEST_DATABASE_URL, in each form it
// may take, at a database of the local cluster.
func TestURLFromEnvironment(t *testing.T) {
	cfg, err := pgx.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	asURL := (&url.URL{
		Scheme:   "postgres",
		User:     url.User(cfg.User),
		Path:     "/" + cfg.Database,
		RawQuery: url.Values{"host": {cfg.Host}, "port": {strconv.Itoa(int(cfg.Port))}}.Encode(),
	}).String()
	asKeywords := "host=" + cfg.Host + " port=" + strconv.Itoa(int(cfg.Port)) + " user=" + cfg.User + " dbname=" + cfg.Database
	for _, tc := range []struct{ name, env, prefix string }{
		{"url", asURL, "postgres://"},
		{"keywords", asKeywords, "host="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PARLEY_TEST_DATABASE_URL", tc.env)
			got := pgtest.URL(t)
			if !strings.HasPrefix(got, tc.prefix) {
				t.Errorf("URL() = %q, want the form of %q", got, tc.env)
			}
			name := currentDatabase(t, open(t, got))
			if name == cfg.Database || !strings.HasPrefix(name, "parley_test_") {
				t.Errorf("connected to database %s, want a new parley_test_ one", name)
			}
		})
	}
}
