package importer_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// fixtures are the hand-made exports of every format in testdata/.
const fixtures = "testdata/"

// now is the clock of every test import: comments from before
// now-30 days lose their IP address.
var now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// env is one database with one site to import into.
type env struct {
	st   *store.Store
	site *model.Site
	im   *importer.Importer
	file string // the SQLite database, "" on PostgreSQL
	url  string // the PostgreSQL database, "" on SQLite
}

func testSealer(t testing.TB) *privacy.Sealer {
	t.Helper()
	s, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-import-test"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openSQLite(t testing.TB) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.db")
	st, err := store.OpenSQLite(context.Background(), path, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, st)
	e.file = path
	return e
}

func openPostgres(t testing.TB) *env {
	t.Helper()
	url := pgtest.URL(t)
	st, err := store.OpenPostgres(context.Background(), url, testSealer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, st)
	e.url = url
	return e
}

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.SetClock(func() time.Time { return now })
	site := &model.Site{Host: "blog.example", Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	return &env{st: st, site: site, im: importer.New(st, markup.New())}
}

// eachDB runs fn on SQLite and on PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgres(t)) })
}

func (e *env) options(o importer.Options) importer.Options {
	o.Site = e.site
	if o.Now == nil {
		o.Now = func() time.Time { return now }
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	return o
}

// importFile imports a file and fails the test on an error.
func (e *env) importFile(t testing.TB, path string, o importer.Options) *importer.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := e.im.Run(context.Background(), f, e.options(o), nil)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

// importBytes imports data and returns the report and error.
func (e *env) importBytes(t testing.TB, data []byte, o importer.Options) (*importer.Report, error) {
	t.Helper()
	return e.im.Run(context.Background(), bytes.NewReader(data), e.options(o), nil)
}

func (e *env) mustImport(t testing.TB, data []byte, o importer.Options) *importer.Report {
	t.Helper()
	rep, err := e.importBytes(t, data, o)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	// Every entry read is accounted for, once.
	if rep.Read != rep.Added+rep.AlreadyPresent+rep.Skipped {
		t.Errorf("report: read %d, but added %d + present %d + skipped %d", rep.Read, rep.Added, rep.AlreadyPresent, rep.Skipped)
	}
	return rep
}

// stored is a comment as the site holds it, named the way a user would
// check it: page path, parent's source id, author, date, state, text.
type stored struct {
	*store.ExportedComment
	Path   string
	Parent string // the parent's import id, "" for a root
}

// comments returns every comment of the site, by import id.
func (e *env) comments(t testing.TB) map[string]*stored {
	t.Helper()
	ctx := context.Background()
	paths := map[int64]string{}
	if err := e.st.ExportPages(ctx, e.site.ID, func(p *model.Page, _ int) error {
		paths[p.ID] = p.Path
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*stored{}
	out := map[string]*stored{}
	if err := e.st.ExportComments(ctx, e.site.ID, false, func(c *store.ExportedComment) error {
		s := &stored{ExportedComment: c, Path: paths[c.PageID]}
		if p := byID[c.ParentID]; p != nil {
			s.Parent = p.Key.ID
		}
		byID[c.ID] = s
		key := c.Key.ID
		if key == "" {
			key = fmt.Sprintf("native:%d", c.ID)
		}
		if _, dup := out[key]; dup {
			t.Errorf("comment %s stored twice", key)
		}
		out[key] = s
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// count returns how many comments the site has.
func (e *env) count(t testing.TB) int {
	t.Helper()
	return len(e.comments(t))
}

// pageCount returns the comment count a page shows readers.
func (e *env) pageCount(t testing.TB, path string) int {
	t.Helper()
	_, n, err := e.st.PageByPath(context.Background(), e.site.ID, path)
	if err != nil {
		t.Fatalf("page %s: %v", path, err)
	}
	return n
}

// thread returns the texts a reader sees on a page, in thread order, with
// replies indented by their depth.
func (e *env) thread(t testing.TB, path string) []string {
	t.Helper()
	p, _, err := e.st.PageByPath(context.Background(), e.site.ID, path)
	if err != nil {
		t.Fatalf("page %s: %v", path, err)
	}
	tp, err := e.st.Thread(context.Background(), store.ThreadQuery{PageID: p.ID, Sort: store.SortOldest, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	depth := map[int64]int{}
	children := map[int64][]model.Comment{}
	var roots []model.Comment
	for _, c := range tp.Comments {
		if c.ParentID == 0 {
			roots = append(roots, c)
		} else {
			children[c.ParentID] = append(children[c.ParentID], c)
		}
	}
	var out []string
	var walk func(c model.Comment)
	walk = func(c model.Comment) {
		out = append(out, strings.Repeat("  ", depth[c.ID])+c.HTML)
		for _, ch := range children[c.ID] {
			depth[ch.ID] = depth[c.ID] + 1
			walk(ch)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

func keys(m map[string]*stored) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// rawExec runs SQL on the database directly (written with $1 placeholders
// on PostgreSQL and ? on SQLite), for what the store has no method for.
func (e *env) rawExec(t testing.TB, sqliteQuery, pgQuery string, args ...any) int64 {
	t.Helper()
	driver, dsn, q := "sqlite", e.file, sqliteQuery
	if e.url != "" {
		driver, dsn, q = "pgx", e.url, pgQuery
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRow(q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// want is what a user checks of one imported comment.
type want struct {
	path, parent, name, email, website string
	at                                 string // RFC 3339
	status                             model.Status
	text                               string
}

func checkComments(t *testing.T, e *env, wants map[string]want) {
	t.Helper()
	got := e.comments(t)
	if len(got) != len(wants) {
		t.Errorf("site has %d comments %v, want %d", len(got), keys(got), len(wants))
	}
	for id, w := range wants {
		c := got[id]
		if c == nil {
			t.Errorf("comment %s missing", id)
			continue
		}
		checks := []struct{ field, got, want string }{
			{"page", c.Path, w.path},
			{"parent", c.Parent, w.parent},
			{"name", c.GuestName, w.name},
			{"email", c.GuestEmail, w.email},
			{"website", c.GuestWebsite, w.website},
			{"status", string(c.Status), string(w.status)},
			{"text", c.Text, w.text},
			{"date", c.CreatedAt.Format(time.RFC3339Nano), mustTime(w.at).UTC().Format(time.RFC3339Nano)},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("comment %s: %s = %q, want %q", id, ch.field, ch.got, ch.want)
			}
		}
		if c.HTML == "" && c.Status != model.StatusDeleted {
			t.Errorf("comment %s has no HTML", id)
		}
	}
}
