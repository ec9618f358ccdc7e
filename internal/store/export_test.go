package store

import "context"

// MaxSmallThread is maxSmallThread, for tests.
const MaxSmallThread = maxSmallThread

// ThreadBothWays reads a page of a thread in one query (nil when the
// thread is too big for it) and with the queries for a thread of any size.
func (s *Store) ThreadBothWays(ctx context.Context, q ThreadQuery) (small, general *ThreadPage, err error) {
	after, err := parseCursor(q.Sort, q.Cursor)
	if err != nil {
		return nil, nil, err
	}
	if small, err = s.smallThread(ctx, q, after); err != nil {
		return nil, nil, err
	}
	general, err = s.threadByQueries(ctx, q, after)
	return small, general, err
}
