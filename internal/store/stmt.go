package store

import (
	"context"
	"database/sql"
	"math/bits"
)

// queryPrepared runs a read query through a statement prepared once per
// store (and by database/sql once per connection) instead of once per call:
// the thread queries run on every cache miss, and preparing them cost as
// much as running them. Only queries built from constants and idList may
// come here, so that the set of statements stays small.
func (s *Store) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = s.q(query)
	v, ok := s.stmts.Load(query)
	if !ok {
		st, err := s.read.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		if v, ok = s.stmts.LoadOrStore(query, st); ok {
			st.Close() // another caller prepared it first
		}
	}
	return v.(*sql.Stmt).QueryContext(ctx, args...)
}

// closeStatements closes every prepared statement.
func (s *Store) closeStatements() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		s.stmts.Delete(k)
		return true
	})
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
