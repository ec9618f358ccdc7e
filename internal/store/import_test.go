package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestImportBatch stores a batch with replies several levels deep, keys
// already stored (before, and earlier in the same batch), an item without
// a key, a reply to a stored comment, and votes (that a later vote adds to
// is TestRemark42's in the importer): on PostgreSQL its COPY meets the
// stored keys and it goes in with one multi-row INSERT per level, on
// SQLite row by row, with the same result.
func TestImportBatch(t *testing.T) {
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "blog.example")
		at := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
		item := func(key string, parentIndex int, path string) store.ImportComment {
			at = at.Add(time.Minute)
			return store.ImportComment{
				Comment:     model.Comment{GuestName: "Ann " + key, GuestEmail: key + "@example.com", Text: key, HTML: "<p>" + key + "</p>", Status: model.StatusApproved, CreatedAt: at},
				ParentIndex: parentIndex, Path: path, Key: store.ImportKey{Source: "disqus", ID: key},
			}
		}
		first := []store.ImportComment{item("pre", -1, "/a/")}
		if err := db.ImportBatch(ctx, site.ID, first); err != nil {
			t.Fatal(err)
		}
		stored := mustComment(t, db, site, "/b/", 0, "written in Parley")

		batch := []store.ImportComment{
			item("a", -1, "/a/"),
			item("b", 0, "/elsewhere/"), // a reply goes on its parent's page
			item("c", 1, "/a/"),
			item("pre", -1, "/a/"),
			item("e", 3, "/a/"),
			item("a", -1, "/a/"), // the same key again
			item("", -1, "/a/"),
			item("f", -1, "/b/"),
		}
		batch[7].ParentIndex, batch[7].ParentID, batch[7].RootID = -1, stored.ID, stored.ID
		batch[7].Upvotes, batch[7].Downvotes = 2, 1
		if err := db.ImportBatch(ctx, site.ID, batch); err != nil {
			t.Fatal(err)
		}
		existed := []bool{false, false, false, true, false, true, false, false}
		for i, c := range batch {
			if c.ID == 0 || c.Existed != existed[i] {
				t.Errorf("item %d (%q): id %d, existed %v; want an id, existed %v", i, c.Key.ID, c.ID, c.Existed, existed[i])
			}
		}
		if batch[3].ID != first[0].ID || batch[5].ID != batch[0].ID {
			t.Errorf("existing keys got ids %d and %d, want %d and %d", batch[3].ID, batch[5].ID, first[0].ID, batch[0].ID)
		}
		for _, r := range []struct{ reply, parent, root int }{{1, 0, 0}, {2, 1, 0}, {4, 3, 3}} {
			got, err := db.Comment(ctx, batch[r.reply].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ParentID != batch[r.parent].ID || got.PageID != batch[r.root].PageID {
				t.Errorf("item %d: parent %d, page %d; want %d, %d", r.reply, got.ParentID, got.PageID, batch[r.parent].ID, batch[r.root].PageID)
			}
		}
		f, err := db.Comment(ctx, batch[7].ID)
		if err != nil || f.ParentID != stored.ID || f.Upvotes != 2 || f.Downvotes != 1 || f.GuestEmail != "f@example.com" {
			t.Errorf("reply to a stored comment: %+v, %v", f, err)
		}
		if _, n, err := db.PageByPath(ctx, site.ID, "/a/"); err != nil || n != 6 {
			t.Errorf("page /a/ shows %d comments (%v), want 6", n, err)
		}
		// A parent that is not stored fails the whole batch.
		bad := []store.ImportComment{item("g", -1, "/a/")}
		bad[0].ParentID, bad[0].RootID = 999999, 999999
		if err := db.ImportBatch(ctx, site.ID, bad); err == nil {
			t.Error("a reply to a comment that does not exist was stored")
		}
	})
}

// TestImportAnalyzeKnowsThePages: after an import's statistics refresh,
// PostgreSQL's planner knows how many pages the site has, so that counts
// of many paths probe the (site_id, path) index instead of scanning every
// page of the site (ImportAnalyze; a fresh import's counts took 20 ms a
// request before pages were analyzed with comments).
func TestImportAnalyzeKnowsThePages(t *testing.T) {
	db := openPostgres(t)
	site := mustSite(t, db, "blog.example")
	raw, _ := rawDB(t, db)
	if _, err := raw.Exec(`INSERT INTO pages (site_id, path, created_at) SELECT $1, '/posts/' || g, 1 FROM generate_series(1, 5000) g`, site.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportAnalyze(context.Background()); err != nil {
		t.Fatal(err)
	}
	var pages float64
	if err := raw.QueryRow("SELECT reltuples FROM pg_class WHERE relname = 'pages'").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages < 4000 {
		t.Errorf("after ImportAnalyze the planner thinks pages has %.0f rows, want about 5,000", pages)
	}
}
