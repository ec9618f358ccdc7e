package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testDB is one database under test: the store and how to reach its raw
// contents.
type testDB struct {
	*store.Store
	dialect string
	file    string // SQLite file
	url     string // PostgreSQL URL
}

func testSealer(t testing.TB) *privacy.Sealer {
	t.Helper()
	s, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// eachDB runs the same test against SQLite and PostgreSQL: the store
// conformance suite.
func eachDB(t *testing.T, fn func(t *testing.T, db *testDB)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, openPostgres(t))
	})
}

func openSQLite(t testing.TB) *testDB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.db")
	st, err := store.OpenSQLite(context.Background(), path, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &testDB{Store: st, dialect: "sqlite", file: path}
}

func openPostgres(t testing.TB) *testDB {
	t.Helper()
	url := pgtest.URL(t)
	st, err := store.OpenPostgres(context.Background(), url, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &testDB{Store: st, dialect: "postgres", url: url}
}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock(db *testDB) *clock {
	c := &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	db.SetClock(c.now)
	return c
}

func mustSite(t *testing.T, db *testDB, host string) *model.Site {
	t.Helper()
	s := &model.Site{Host: host, Settings: model.DefaultSiteSettings()}
	if err := db.CreateSite(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func mustComment(t *testing.T, db *testDB, site *model.Site, path string, parent int64, text string) *model.Comment {
	t.Helper()
	c := &model.Comment{SiteID: site.ID, ParentID: parent, GuestName: "Ann", Text: text, HTML: "<p>" + text + "</p>", Status: model.StatusApproved}
	if err := db.CreateComment(context.Background(), c, store.NewComment{Path: path}); err != nil {
		t.Fatalf("create comment %q: %v", text, err)
	}
	return c
}
