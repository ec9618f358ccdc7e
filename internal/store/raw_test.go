package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// rawDB opens a second, plain connection to the database under test, to look
// at what is really stored.
func rawDB(t *testing.T, db *testDB) (*sql.DB, func(string) string) {
	t.Helper()
	var raw *sql.DB
	var err error
	rebind := func(q string) string { return q }
	if db.dialect == "sqlite" {
		raw, err = sql.Open("sqlite", "file:"+db.file+"?_pragma=busy_timeout(5000)")
	} else {
		raw, err = sql.Open("pgx", db.url)
		rebind = func(q string) string {
			n := 0
			var b strings.Builder
			for _, r := range q {
				if r == '?' {
					n++
					b.WriteString("$" + string(rune('0'+n)))
					continue
				}
				b.WriteRune(r)
			}
			return b.String()
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw, rebind
}

// TestPersonalDataIsNotStoredInPlainText is promise P4: a known email, IP and
// user agent appear nowhere in the stored bytes — neither in the SQLite file
// (with its WAL) nor in any PostgreSQL table's contents, nor in a backup file.
func TestPersonalDataIsNotStoredInPlainText(t *testing.T) {
	const (
		email = "secret.person@example.org"
		ip    = "203.0.113.77"
		ua    = "Mozilla/5.0 (X11; UniqueAgent 4242)"
	)
	eachDB(t, func(t *testing.T, db *testDB) {
		ctx := context.Background()
		site := mustSite(t, db, "example.com")
		for i := range 3 {
			c := &model.Comment{SiteID: site.ID, GuestName: "Visible Name", GuestEmail: email, Text: "public text",
				HTML: "<p>public text</p>", Status: model.StatusApproved, IP: ip, UserAgent: ua}
			if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if ok, err := db.HasApprovedComment(ctx, site.ID, "SECRET.person@example.org "); err != nil || !ok {
					t.Errorf("blind index lookup by email failed: %v %v", ok, err)
				}
			}
		}
		stored := storedBytes(t, db, "users", "sites", "pages", "comments", "votes", "page_views_daily")
		backup := backupBytes(t, db)
		if !bytes.Contains(backup, []byte("Visible Name")) {
			t.Fatal("sanity check failed: public name not found in the backup")
		}
		stored = append(stored, backup...)
		if !bytes.Contains(stored, []byte("Visible Name")) {
			t.Fatal("sanity check failed: public name not found in stored bytes, the test reads the wrong data")
		}
		for _, secret := range []string{email, ip, ua, "secret.person"} {
			if bytes.Contains(stored, []byte(secret)) {
				t.Errorf("%q is stored in plain text", secret)
			}
		}
	})
}

// backupBytes returns what a backup file of the database holds: the file
// that the server's schedule and `parley backup` write (package backup),
// uncompressed — the SQLite snapshot, or the PostgreSQL export.
func backupBytes(t *testing.T, db *testDB) []byte {
	t.Helper()
	path, err := backup.Take(context.Background(), db.Store, t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := backup.Contents(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sqliteBytes returns the SQLite database file followed by its WAL.
func sqliteBytes(t *testing.T, db *testDB) []byte {
	t.Helper()
	var stored []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(db.file + suffix)
		if err != nil && (suffix == "" || !os.IsNotExist(err)) {
			t.Fatal(err)
		}
		stored = append(stored, b...)
	}
	return stored
}

// TestDeletionLeavesNothingInTheFile: after `site remove` and after a guest
// deletes a comment (the one with replies stays as an empty placeholder, the
// one without is removed), the names, websites and texts can no longer be
// found in the SQLite database file or its WAL (secure_delete and the
// checkpoint after erasing). PostgreSQL keeps dead rows until VACUUM; see
// docs/security.md "Data at rest".
func TestDeletionLeavesNothingInTheFile(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	doomed := mustSite(t, db, "doomed.example")
	kept := mustSite(t, db, "kept.example")
	add := func(site *model.Site, parent int64, tag string) *model.Comment {
		c := &model.Comment{SiteID: site.ID, ParentID: parent, GuestName: "Name " + tag, GuestWebsite: "https://site-" + tag + ".example",
			Text: "Text of " + tag, HTML: "<p>Text of " + tag + "</p>", Status: model.StatusApproved}
		if err := db.CreateComment(ctx, c, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	siteRoot := add(doomed, 0, "zanzibar-site-root")
	add(doomed, siteRoot.ID, "quixotic-site-reply")
	placeholder := add(kept, 0, "jubilant-placeholder")
	add(kept, placeholder.ID, "kept-reply")
	removed := add(kept, 0, "vexing-removed")
	gone := []string{"zanzibar-site-root", "quixotic-site-reply", "jubilant-placeholder", "vexing-removed"}

	before := sqliteBytes(t, db)
	for _, tag := range append(gone, "kept-reply") {
		if !bytes.Contains(before, []byte("Name "+tag)) {
			t.Fatalf("sanity check failed: %q not in the file before deletion, the test reads the wrong bytes", tag)
		}
	}
	if err := db.DeleteSite(ctx, doomed.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{placeholder.ID, removed.ID} {
		if err := db.DeleteComment(ctx, id, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	after := sqliteBytes(t, db)
	if !bytes.Contains(after, []byte("Name kept-reply")) {
		t.Fatal("sanity check failed: the kept reply is not in the file after deletion")
	}
	for _, tag := range gone {
		for _, value := range []string{"Name " + tag, "site-" + tag + ".example", "Text of " + tag} {
			if bytes.Contains(after, []byte(value)) {
				t.Errorf("%q can still be read in parley.db or its WAL after deletion", value)
			}
		}
	}
}
