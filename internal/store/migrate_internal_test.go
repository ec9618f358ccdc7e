package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dumpSQLite returns every row of the tables 0002 rebuilds or references,
// and the definitions of every index, as text.
func dumpSQLite(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range []string{"users", "sites", "site_members", "pages", "comments", "votes", "page_views_daily"} {
		rows, err := db.Query("SELECT * FROM " + table + " ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprint(cols, vals))
		}
		rows.Close()
	}
	rows, err := db.Query("SELECT name, tbl_name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, table, def string
		rows.Scan(&name, &table, &def)
		out["indexes"] = append(out["indexes"], name+" on "+table+": "+def)
	}
	return out
}

// TestIDMigrationKeepsDataIndexesAndForeignKeys upgrades a database made by
// 0001, holding a row in every table, and checks that 0002 keeps every row,
// index and reference, that foreign keys are enforced again afterwards, and
// that the highest id ever used is not handed out again.
func TestIDMigrationKeepsDataIndexesAndForeignKeys(t *testing.T) {
	s := openInternalSQLite(t, Limits{})
	ctx := context.Background()
	if _, err := s.migrateTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO users (id, name, email_sealed, email_index, role, created_at) VALUES (4, 'Owner', x'01', x'02', 'admin', 1)",
		"INSERT INTO sites (id, host, origins, owner_id, settings, created_at) VALUES (7, 'example.com', 'https://example.com', 4, '{}', 2)",
		"INSERT INTO site_members (site_id, user_id, role, created_at) VALUES (7, 4, 'owner', 3)",
		"INSERT INTO pages (id, site_id, path, title, locked, comment_count, created_at) VALUES (9, 7, '/p', 'P', 1, 2, 4)",
		`INSERT INTO comments (id, site_id, page_id, parent_id, root_id, author_id, guest_name, guest_email_sealed, guest_email_index,
			guest_website, text, html, status, created_at, edited_at, deleted_at, score, upvotes, downvotes, sticky,
			ip_sealed, ua_sealed, edit_token_hash, import_source, import_id)
			VALUES (11, 7, 9, NULL, NULL, 4, 'Ann', x'03', x'04', 'https://ann.example', 'root', '<p>root</p>', 'approved',
			5, 6, NULL, 1, 1, 0, 1, x'05', x'06', x'07', 'disqus', '42')`,
		`INSERT INTO comments (id, site_id, page_id, parent_id, root_id, guest_name, text, html, status, created_at)
			VALUES (12, 7, 9, 11, 11, 'Bob', 'reply', '<p>reply</p>', 'approved', 7)`,
		"INSERT INTO comments (id, site_id, page_id, guest_name, text, html, status, created_at) VALUES (13, 7, 9, 'Cy', 'gone', '', 'approved', 8)",
		"DELETE FROM comments WHERE id = 13", // deleted before the upgrade: 0002 cannot know about it
		"INSERT INTO votes (comment_id, page_id, voter, value, created_at) VALUES (11, 9, x'08', 1, 9)",
		"INSERT INTO page_views_daily (page_id, site_id, day, views) VALUES (9, 7, '2026-11-01', 3)",
	} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	before := dumpSQLite(t, s.write)
	if applied, err := s.migrateTo(ctx, 2); err != nil || len(applied) == 0 || !strings.HasPrefix(applied[0], "0002_") {
		t.Fatalf("migrate: %v %v", applied, err)
	}
	if diff := cmp.Diff(before, dumpSQLite(t, s.write)); diff != "" {
		t.Errorf("0002 changed rows or indexes (-before +after):\n%s", diff)
	}
	var fk int
	if err := s.write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d after migrating (%v), want 1", fk, err)
	}
	if _, err := s.write.ExecContext(ctx, "INSERT INTO comments (site_id, page_id, text, html, status, created_at) VALUES (7, 999, 'x', 'x', 'approved', 1)"); err == nil {
		t.Error("a comment on a missing page was accepted: foreign keys are not enforced after the rebuild")
	}
	// Deleting the newest comment and adding one must not reuse its id.
	if _, err := s.write.ExecContext(ctx, "DELETE FROM comments WHERE id = 12"); err != nil {
		t.Fatal(err)
	}
	res, err := s.write.ExecContext(ctx, "INSERT INTO comments (site_id, page_id, text, html, status, created_at) VALUES (7, 9, 'new', 'new', 'approved', 10)")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := res.LastInsertId(); id <= 12 {
		t.Errorf("new comment got id %d after deleting comment 12", id)
	}
}

// TestMigrateRefusesAGap: a database that recorded a later migration but
// not an earlier one (a build from another branch migrated it) is refused
// with a message naming the missing migration, and left unchanged.
func TestMigrateRefusesAGap(t *testing.T) {
	s := openInternalSQLite(t, Limits{})
	ctx := context.Background()
	if _, err := s.migrateTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	all, err := s.migrations()
	if err != nil || len(all) < 3 {
		t.Fatalf("migrations: %d, %v; want at least 3", len(all), err)
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.applyMigration(ctx, conn, all[2]); err != nil {
		t.Fatalf("apply %s first: %v", all[2].name, err)
	}
	conn.Close()
	applied, err := s.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), all[1].name) {
		t.Fatalf("migrate: applied %v, err %v; want an error naming %s", applied, err, all[1].name)
	}
	var n int
	if err := s.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != 2 {
		t.Errorf("schema_migrations has %d rows (%v), want 2: nothing applied", n, err)
	}
}
