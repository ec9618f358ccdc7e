package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// BenchmarkSQLiteCommitDurability measures what synchronous=FULL (Parley's
// setting: the WAL is synced at every commit, so an acknowledged comment
// survives power loss) costs against NORMAL (synced only at checkpoints) for
// the writes of a new comment: insert it and count it on its page, in one
// transaction.
// It runs on the real schema, one commit per operation, on the disk that
// holds the temporary directory (TMPDIR): tmpfs would hide the cost.
// docs/architecture.md records the numbers.
func BenchmarkSQLiteCommitDurability(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		b.Run(mode, func(b *testing.B) {
			db := openSchema(b, mode)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO comments (site_id, page_id, guest_name, text, html, status, created_at)
					VALUES (1, 1, 'Reader', ?, ?, 'approved', ?)`, fmt.Sprintf("Comment %d", i), fmt.Sprintf("<p>Comment %d</p>", i), i); err != nil {
					b.Fatal(err)
				}
				if _, err := tx.ExecContext(ctx, "UPDATE pages SET comment_count = comment_count + 1 WHERE id = 1"); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// openSchema creates a migrated Parley database with one site and page, and
// opens it with the given synchronous mode and otherwise Parley's pragmas.
func openSchema(b *testing.B, synchronous string) *sql.DB {
	b.Helper()
	path := filepath.Join(b.TempDir(), store.SQLiteFile)
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-bench-key"))
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), path, sealer)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	st.Close()
	u := url.URL{Scheme: "file", Path: path}
	db, err := sql.Open("sqlite", u.String()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous("+synchronous+
		")&_pragma=secure_delete(ON)&_pragma=foreign_keys(ON)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	for _, q := range []string{
		"INSERT INTO sites (id, host, created_at) VALUES (1, 'bench.example', 0)",
		"INSERT INTO pages (id, site_id, path, created_at) VALUES (1, 1, '/p', 0)",
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	return db
}
