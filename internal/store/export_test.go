package store

import "context"

// MaxSmallThread is maxSmallThread, for tests.
const MaxSmallThread = maxSmallThread

// ThreadInOneQuery reads a page of a thread in one query, or returns nil
// when the thread is too big for it.
func (s *Store) ThreadInOneQuery(ctx context.Context, q ThreadQuery) (*ThreadPage, error) {
	after, err := parseCursor(q.Sort, q.Cursor)
	if err != nil {
		return nil, err
	}
	return s.smallThread(ctx, q, after)
}

// ThreadByQueries reads a page of a thread as for a thread of any size.
func (s *Store) ThreadByQueries(ctx context.Context, q ThreadQuery) (*ThreadPage, error) {
	after, err := parseCursor(q.Sort, q.Cursor)
	if err != nil {
		return nil, err
	}
	return s.threadByQueries(ctx, q, after)
}
