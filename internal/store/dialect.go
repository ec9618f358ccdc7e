package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// dialect is everything that differs between SQLite and PostgreSQL.
type dialect struct {
	name string // "sqlite" or "postgres": also the migrations folder
	// rebind rewrites a query written with ? placeholders for the driver.
	rebind func(string) string
	// lastInsertID is true when the driver reports new ids through
	// LastInsertId. SQLite does, and there INSERT … RETURNING costs a
	// temporary table per row (a third of a large import's time);
	// PostgreSQL (pgx) only has RETURNING.
	lastInsertID bool
	// copyImport is true where an import inserts a batch with COPY
	// (importCopy): on PostgreSQL, where each statement is a network round
	// trip and a large INSERT costs the server its parsing and planning.
	// SQLite runs statements in process, and row by row (with
	// LastInsertId) is fastest there.
	copyImport bool
	// analyzeComments refreshes the planner's statistics of comments, or
	// is "" where none are kept. PostgreSQL plans with statistics that
	// autovacuum refreshes only about once a minute: during a large
	// import into a fresh site they still say the table is empty, and the
	// import lookups scan every comment of the site instead of probing
	// the import index, so the import slows down as it grows. Pages too:
	// statistics that still say a site has a few dozen pages make counts
	// of 50 paths scan all 10,000 of them (20 ms a request instead of
	// 0.25 ms) until autovacuum catches up.
	analyzeComments string
	// lockMigrations serialises migrations between processes sharing one
	// database; it returns the function that releases the lock.
	lockMigrations func(ctx context.Context, conn *sql.Conn) (func(), error)
	// skipLocked ends a SELECT of rows to claim, so that servers sharing
	// one database claim disjoint rows without waiting for each other.
	// SQLite needs nothing: its one writer runs claims one after another.
	skipLocked string
	// forUpdate ends a SELECT of a row the transaction is about to change
	// on the strength of what it read (a comment's status, which moves its
	// page's count), so that a concurrent change of that row waits instead
	// of counting twice. SQLite's one writer already runs them in turn.
	forUpdate string
	// lockPages ends a SELECT of the pages an import batch writes to, so
	// that batches written at once in transactions of their own take them
	// one after another, in order of id (no deadlock), and each counts
	// the comments of a page with the other's in view. Empty on SQLite,
	// whose one writer runs them in turn.
	lockPages string
	// prepareWrites is true where the statements of write transactions are
	// prepared once on the writer connection (txStmt): SQLite parses every
	// statement anew otherwise, which cost as much as running it on the
	// comment write path. pgx caches prepared statements by itself.
	prepareWrites bool
	// oneTripWrites is true where each statement is a network round trip
	// (PostgreSQL): a new comment's transaction folds its statements into
	// as few as it can (insertNewComment, countOnPageNotifying). SQLite
	// runs statements in process, prepared, and keeps them simple.
	oneTripWrites bool
}

var sqliteDialect = dialect{
	name:         "sqlite",
	rebind:       func(q string) string { return q },
	lastInsertID: true,
	lockMigrations: func(context.Context, *sql.Conn) (func(), error) {
		return func() {}, nil // the single writer connection already serialises
	},
	skipLocked:    "",
	forUpdate:     "",
	prepareWrites: true,
}

// migrationLockID is an arbitrary constant naming Parley's advisory lock.
const migrationLockID = 7073_1001

func postgresDialect() dialect {
	var cache sync.Map
	return dialect{
		name:            "postgres",
		copyImport:      true,
		oneTripWrites:   true,
		analyzeComments: analyzeCommentsPG,
		rebind: func(q string) string {
			if v, ok := cache.Load(q); ok {
				return v.(string)
			}
			out := dollarPlaceholders(q)
			cache.Store(q, out)
			return out
		},
		lockMigrations: func(ctx context.Context, conn *sql.Conn) (func(), error) {
			if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
				return nil, fmt.Errorf("store: lock migrations: %w", err)
			}
			return func() {
				conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLockID)
			}, nil
		},
		skipLocked: " FOR UPDATE SKIP LOCKED",
		forUpdate:  " FOR UPDATE",
		lockPages:  " FOR NO KEY UPDATE",
	}
}

// dollarPlaceholders turns each ? into $1, $2, …. Queries in this package
// never contain a literal question mark, so no quoting rules are needed.
func dollarPlaceholders(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// placeholders returns "?, ?, …" with n marks, for IN lists.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// analyzeCommentsPG refreshes the statistics of the comments' columns
// that Parley's queries filter, join or count on, and of pages. The texts,
// names and sealed values are left to autovacuum: their statistics steer
// no plan here, and computing them took 40% of an ANALYZE of 100,000
// comments (0.5 s instead of 0.3 s).
const analyzeCommentsPG = `ANALYZE comments (id, site_id, page_id, parent_id, root_id, author_id, status,
	created_at, deleted_at, sticky, guest_email_index, import_source, import_id, ip_sealed), pages`
