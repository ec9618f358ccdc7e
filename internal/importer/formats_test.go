package importer_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// remarkBackup builds a Remark42 backup: gzipped JSON lines after a meta
// line with user u2 blocked and the page /r2/ read-only.
func remarkBackup(t testing.TB, lines ...string) []byte {
	t.Helper()
	meta := `{"version":1,"users":[{"id":"u1","blocked":{"status":false}},{"id":"u2","blocked":{"status":true,"until":"2099-01-01T00:00:00Z"}}],"posts":[{"url":"https://blog.example/r2/","read_only":true}]}`
	return gzipped(t, []byte(meta+"\n"+strings.Join(lines, "\n")+"\n"))
}

func TestRemark42(t *testing.T) {
	e := openSQLite(t)
	plain, err := os.ReadFile(fixtures + "remark42.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	data := gzipped(t, plain) // as Remark42 writes its backups
	rep := e.mustImport(t, data, importer.Options{})
	if rep.Format != importer.Remark42 || rep.Added != 4 || rep.SkippedByReason[importer.ReasonMalformed] != 1 || rep.SkippedByReason[importer.ReasonDeleted] != 1 {
		t.Errorf("format %s, added %d, skipped %v; want remark42, 4, 1 malformed and 1 deleted", rep.Format, rep.Added, rep.SkippedByReason)
	}
	checkComments(t, e, map[string]want{
		"c1": {"/r1/", "", "Ann", "", "", "2026-10-01T10:00:00Z", model.StatusApproved, "**hi**"},
		"c2": {"/r1/", "c1", "Bob", "", "", "2026-10-02T10:00:00Z", model.StatusApproved, "reply *x* & more"},
		"c3": {"/r1/", "", "Spammer", "", "", "2026-10-03T10:00:00Z", model.StatusSpam, "buy"},
		"c5": {"/r2/", "", "Ann", "", "", "2026-10-05T10:00:00Z", model.StatusApproved, "closed page"},
	})
	c1 := e.comments(t)["c1"]
	if c1.Upvotes != 2 || c1.Downvotes != 1 || c1.Score != 1 || !c1.Sticky || c1.EditedAt == nil {
		t.Errorf("c1: votes +%d -%d score %d, sticky %v, edited %v; want +2 -1 1, pinned, edited", c1.Upvotes, c1.Downvotes, c1.Score, c1.Sticky, c1.EditedAt)
	}
	if c := e.comments(t)["c2"]; c.IP != "" {
		t.Errorf("a Remark42 IP hash was kept as an IP: %q", c.IP)
	}
	p, _, err := e.st.PageByPath(context.Background(), e.site.ID, "/r2/")
	if err != nil || !p.Locked {
		t.Errorf("read-only Remark42 post: page %v, %v; want locked", p, err)
	}
	if p, _, _ := e.st.PageByPath(context.Background(), e.site.ID, "/r1/"); p.Title != "R one" {
		t.Errorf("title %q, want R one", p.Title)
	}
	// A later vote counts on top of the imported ones.
	if tally, err := e.st.Vote(context.Background(), e.site.ID, c1.ID, store.Voter{ID: []byte("voter")}, 1); err != nil || tally.Upvotes != 3 || tally.Score != 2 {
		t.Errorf("vote after import: %+v, %v; want 3 up, score 2", tally, err)
	}
}

// issoDB builds an Isso database from testdata/isso.sql.
func issoDB(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "comments.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	script, err := os.ReadFile(fixtures + "isso.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(script)); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIsso(t *testing.T) {
	e := openSQLite(t)
	path := issoDB(t)
	rep := e.importFile(t, path, importer.Options{})
	if rep.Format != importer.Isso || rep.Added != 5 || rep.Skipped != 1 {
		t.Errorf("format %s, added %d, skipped %d %v; want isso, 5, 1", rep.Format, rep.Added, rep.Skipped, rep.SkippedEntries)
	}
	checkComments(t, e, map[string]want{
		"1": {"/blog/a/", "", "Ann", "ann@example.com", "https://ann.example", "2026-10-03T04:00:00.25Z", model.StatusApproved, "Hello *world*"},
		"2": {"/blog/a/", "1", "Bob", "", "", "2026-10-03T04:01:40.5Z", model.StatusApproved, "A reply"},
		"3": {"/blog/a/", "", "", "", "", "2026-10-03T04:05:00Z", model.StatusPending, "Waiting"},
		"4": {"/blog/b/", "", "", "", "", "2026-10-03T04:06:40Z", model.StatusDeleted, ""},
		"5": {"/blog/b/", "4", "Cy", "", "", "2026-10-03T04:08:20Z", model.StatusApproved, "Under a deleted one"},
	})
	got := e.comments(t)
	if c := got["1"]; c.Upvotes != 3 || c.Downvotes != 1 || c.IP != "192.0.2.0" {
		t.Errorf("comment 1: +%d -%d, IP %q; want +3 -1, 192.0.2.0", c.Upvotes, c.Downvotes, c.IP)
	}
	if c := got["2"]; c.EditedAt == nil || !c.EditedAt.Equal(time.Unix(1791000200, 0)) {
		t.Errorf("comment 2 edited at %v", c.EditedAt)
	}
	if th := e.thread(t, "/blog/b/"); len(th) != 2 {
		t.Errorf("thread /blog/b/ reads %q; want the deleted placeholder and its reply", th)
	}
	// The file given is left alone: no journal, no WAL beside it.
	if m, _ := filepath.Glob(path + "-*"); len(m) > 0 {
		t.Errorf("import left files beside the Isso database: %v", m)
	}
	// A SQLite file that is not Isso's is refused.
	other := filepath.Join(t.TempDir(), "other.db")
	db, _ := sql.Open("sqlite", other)
	db.Exec("CREATE VIEW comments AS SELECT 1")
	db.Close()
	f, _ := os.Open(other)
	defer f.Close()
	if _, err := e.im.Run(context.Background(), f, e.options(importer.Options{}), nil); err == nil || !strings.Contains(err.Error(), "not an Isso database") {
		t.Errorf("a SQLite file without Isso's tables: %v", err)
	}
}

func TestComentario(t *testing.T) {
	e := openSQLite(t)
	doc, err := os.ReadFile(fixtures + "comentario.json")
	if err != nil {
		t.Fatal(err)
	}
	rep := e.mustImport(t, gzipped(t, doc), importer.Options{})
	if rep.Format != importer.Comentario || rep.Added != 6 || rep.SkippedByReason[importer.ReasonMalformed] != 1 || rep.SkippedByReason[importer.ReasonDeleted] != 1 {
		t.Errorf("format %s, added %d, skipped %v; want comentario, 6, 1 malformed and 1 deleted", rep.Format, rep.Added, rep.SkippedByReason)
	}
	checkComments(t, e, map[string]want{
		"c1": {"/c/", "", "User One", "u1@example.com", "https://one.example", "2026-10-01T10:00:00Z", model.StatusApproved, "**root**"},
		"c2": {"/c/", "c1", "User One", "u1@example.com", "https://one.example", "2026-10-02T08:00:00.5Z", model.StatusApproved, "a reply"},
		"c3": {"/c/", "", "User One", "u1@example.com", "https://one.example", "2026-10-03T10:00:00Z", model.StatusSpam, "rejected"},
		"c4": {"/c/", "", "", "", "", "2026-10-04T10:00:00Z", model.StatusDeleted, ""},
		"c7": {"/c/", "c4", "User One", "u1@example.com", "https://one.example", "2026-10-04T11:00:00Z", model.StatusApproved, "under the deleted one"},
		"c5": {"/c/", "", "Guest", "", "", "2026-10-06T10:00:00Z", model.StatusPending, "by a guest"},
	})
	got := e.comments(t)
	if c := got["c1"]; !c.Sticky || c.Downvotes != 2 || c.Score != -2 || c.EditedAt == nil {
		t.Errorf("c1: sticky %v, -%d, score %d, edited %v", c.Sticky, c.Downvotes, c.Score, c.EditedAt)
	}
	if c := got["c4"]; c.DeletedAt == nil || !c.DeletedAt.Equal(mustTime("2026-10-05T10:00:00Z")) {
		t.Errorf("c4 deleted at %v, want the source's time", c.DeletedAt)
	}
	if p, _, _ := e.st.PageByPath(context.Background(), e.site.ID, "/c/"); p.Title != "C page" || !p.Locked {
		t.Errorf("page %+v; want title C page, locked", p)
	}
}
