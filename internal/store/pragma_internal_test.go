package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
)

func openInternalSQLite(t *testing.T, limits Limits) *Store {
	t.Helper()
	s, err := openSQLite(context.Background(), filepath.Join(t.TempDir(), SQLiteFile), internalSealer(t), limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openInternalPostgres opens a store on a new database of the test
// cluster, not migrated.
func openInternalPostgres(t *testing.T) *Store {
	t.Helper()
	s, err := openPostgres(context.Background(), pgtest.URL(t), internalSealer(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// eachInternalDB runs fn on a new SQLite store and a new PostgreSQL one,
// neither migrated.
func eachInternalDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openInternalSQLite(t, Limits{})) })
	t.Run("postgres", func(t *testing.T) { fn(t, openInternalPostgres(t)) })
}

func internalSealer(t *testing.T) *privacy.Sealer {
	t.Helper()
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

// TestSQLiteConnectionsAreDurableAndErase: every connection, the writer's and
// each reader's, syncs at every commit (synchronous=FULL, so a comment
// acknowledged with 201 survives power loss) and zeroes deleted content
// (secure_delete), and waits for locks as long as its Limits say.
func TestSQLiteConnectionsAreDurableAndErase(t *testing.T) {
	s := openInternalSQLite(t, Limits{Wait: 1500 * time.Millisecond})
	ctx := context.Background()
	want := map[string]int{"synchronous": 2 /* FULL */, "secure_delete": 1, "foreign_keys": 1, "busy_timeout": 1500}
	for name, pool := range map[string]*sql.DB{"writer": s.write, "reader": s.read} {
		// Hold several reader connections at once so that more than one is opened.
		var conns []*sql.Conn
		for range 3 {
			conn, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, conn)
			if name == "writer" {
				break
			}
		}
		for i, conn := range conns {
			for pragma, value := range want {
				var got int
				if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != value {
					t.Errorf("%s connection %d: PRAGMA %s = %d, want %d", name, i, pragma, got, value)
				}
			}
		}
		for _, conn := range conns {
			conn.Close()
		}
	}
}
