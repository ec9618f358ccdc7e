package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"sync"
)

// queryPrepared runs a read query through a statement prepared once per
// store (and by database/sql once per connection) instead of once per call:
// the thread queries run on every cache miss, and preparing them cost as
// much as running them. Only queries built from constants and idList may
// come here, so that the set of statements stays small. On SQLite they run
// without ctx's cancellation (inProcessRead).
func (s *Store) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = s.inProcessRead(ctx)
	st, err := s.prepared(ctx, &s.stmts, s.read, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRowPrepared is queryPrepared for a query of one row.
func (s *Store) queryRowPrepared(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = s.inProcessRead(ctx)
	st, err := s.prepared(ctx, &s.stmts, s.read, query)
	if err != nil {
		return s.read.QueryRowContext(ctx, s.q(query), args...) // reports err on Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// inProcessRead is the context of a prepared read: ctx itself on
// PostgreSQL, where the deadline guards against a server that stops
// answering; ctx without its cancellation on SQLite. There the read runs in
// this process on a reader of a WAL database, which never waits for a lock,
// and every prepared read is bounded by its index and LIMIT; a context
// that can end costs the driver a goroutine and a progress handler per
// statement, about as much as a small indexed read itself
// (docs/architecture.md, "Deadlines").
func (s *Store) inProcessRead(ctx context.Context) context.Context {
	if s.dialect.name != "sqlite" {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// writePathQueries are the statements of a new comment's transaction,
// which txStmt runs prepared once instead of parsing them on each write.
var writePathQueries = []string{
	selectPageSQL, insertPageSQL, countPageSQL, parentRootSQL, insertCommentSQL,
	queueCreatedEventSQL, ownerPlanSQL, countCommentSQL, savepointSQL, rollbackToSavepointSQL, releaseSavepointSQL,
	siteWebhooksSQL, siteWriteFactsSQL,
}

// txStmt returns query as a statement of tx: prepared once on the writer
// connection when it is one of writePathQueries and the dialect prepares
// writes (prepareWrites), otherwise run as tx runs any query.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) txQuerier {
	query = s.q(query)
	if v, ok := s.writeStmts.Load(query); ok {
		return tx.StmtContext(ctx, v.(*sql.Stmt))
	}
	return plainTx{tx, query}
}

// prepareWritePath prepares writePathQueries on the writer connection,
// where the dialect says so. It must run outside any transaction: SQLite
// has one writer connection, which a transaction would hold. Migrate calls
// it; until then, txStmt runs the queries unprepared.
func (s *Store) prepareWritePath(ctx context.Context) error {
	if !s.dialect.prepareWrites {
		return nil
	}
	for _, q := range writePathQueries {
		if _, err := s.prepared(ctx, &s.writeStmts, s.write, q); err != nil {
			return fmt.Errorf("store: prepare %q: %w", q, err)
		}
	}
	return nil
}

// txQuerier is a statement of a transaction: a prepared *sql.Stmt or
// plainTx.
type txQuerier interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
}

// plainTx runs one query in a transaction without preparing it.
type plainTx struct {
	tx    *sql.Tx
	query string
}

func (p plainTx) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return p.tx.ExecContext(ctx, p.query, args...)
}

func (p plainTx) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return p.tx.QueryRowContext(ctx, p.query, args...)
}

func (p plainTx) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return p.tx.QueryContext(ctx, p.query, args...)
}

// prepared returns query prepared on db, from cache or prepared now.
func (s *Store) prepared(ctx context.Context, cache *sync.Map, db *sql.DB, query string) (*sql.Stmt, error) {
	query = s.q(query)
	if v, ok := cache.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if v, ok := cache.LoadOrStore(query, st); ok {
		st.Close() // another caller prepared it first
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// closeStatements closes every prepared statement.
func (s *Store) closeStatements() {
	for _, m := range []*sync.Map{&s.stmts, &s.writeStmts} {
		m.Range(func(k, v any) bool {
			v.(*sql.Stmt).Close()
			m.Delete(k)
			return true
		})
	}
}

// idList returns placeholders and arguments for ids in an IN list. The list
// is padded to a power of two by repeating the last id, so that however
// many ids there are, a few prepared statements serve them all. ids must
// not be empty.
func idList(ids []int64) (string, []any) {
	n := 1 << bits.Len(uint(len(ids)-1))
	args := make([]any, n)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return placeholders(n), args
}
