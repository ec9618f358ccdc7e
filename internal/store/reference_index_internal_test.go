package store

import (
	"context"
	"strings"
	"testing"
)

// TestCommentReferencesAreIndexed: every table that refers to a comment can
// find the rows naming it by an index, so that deleting a comment (and a
// page or a site, comment by comment through the cascades) does not read
// such a table whole for each comment. On SQLite the plan of a deletion
// scans no table; on PostgreSQL every foreign key to comments leads an
// index of its table.
func TestCommentReferencesAreIndexed(t *testing.T) {
	eachInternalDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if s.dialect.name == "sqlite" {
			rows, err := s.write.QueryContext(ctx, "EXPLAIN QUERY PLAN DELETE FROM comments WHERE id = 1")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(detail, "SCAN ") {
					t.Errorf("deleting a comment reads a table whole: %s", detail)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return
		}
		rows, err := s.read.QueryContext(ctx, `SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			WHERE c.contype = 'f' AND c.confrelid = 'comments'::regclass
			AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var table, column string
			if err := rows.Scan(&table, &column); err != nil {
				t.Fatal(err)
			}
			t.Errorf("%s.%s refers to comments without an index leading with it", table, column)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	})
}
