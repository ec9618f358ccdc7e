package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// MaxGroupCommit bounds how many writes one SQLite commit carries
// (groupCommit). A larger group syncs the disk less often per write but
// makes its first writer wait for more statements before its commit.
const MaxGroupCommit = 64

// errStoreClosed answers writes sent after Close.
var errStoreClosed = errors.New("store: closed")

// groupCommit runs the comment writes of a SQLite database (inGroupTx) in
// shared transactions: while one commit syncs the disk, the writes that
// arrive queue up, and the next transaction runs them all, each under a
// savepoint of its own, then commits once. SQLite has one writer and syncs
// the disk at every commit (synchronous=FULL), so without grouping a disk
// sync per comment bounds the rate at which comments are taken. No write is
// acknowledged before the commit that holds it has returned; one that fails
// is rolled back to its savepoint and fails alone.
type groupCommit struct {
	s     *Store
	queue chan *groupWrite // the writes waiting for the next group
	// onGroup, when set (by tests), hears the size of each group before
	// it runs.
	onGroup func(n int)

	stopOnce sync.Once
	stop     chan struct{}
	stopped  chan struct{}
}

// The savepoint of each write of a group (writePathQueries).
const (
	savepointSQL           = "SAVEPOINT group_write"
	rollbackToSavepointSQL = "ROLLBACK TO group_write"
	releaseSavepointSQL    = "RELEASE group_write"
)

// groupWrite is one write waiting for its group.
type groupWrite struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error // receives the write's outcome once its group committed
}

func newGroupCommit(s *Store) *groupCommit {
	return &groupCommit{s: s, queue: make(chan *groupWrite, MaxGroupCommit), stop: make(chan struct{}), stopped: make(chan struct{})}
}

// run queues fn and returns once the transaction holding it committed (nil)
// or failed, or fn failed. fn runs with ctx's values but not its
// cancellation: interrupting a statement would roll back the whole group.
// A write whose ctx ends before its group starts is not run.
func (g *groupCommit) run(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	w := &groupWrite{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case g.queue <- w:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return errStoreClosed
	}
	select {
	case err := <-w.done:
		return err
	case <-g.stopped: // every group taken was told; w was not taken
		select {
		case err := <-w.done:
			return err
		default:
			return errStoreClosed
		}
	}
}

// loop takes the queued writes, at most MaxGroupCommit at a time, until
// close.
func (g *groupCommit) loop() {
	defer close(g.stopped)
	for {
		var group []*groupWrite
		select {
		case w := <-g.queue:
			group = append(group, w)
		case <-g.stop:
			return
		}
	more:
		for len(group) < MaxGroupCommit {
			select {
			case w := <-g.queue:
				group = append(group, w)
			default:
				break more
			}
		}
		if g.onGroup != nil {
			g.onGroup(len(group))
		}
		g.commit(group)
	}
}

// close stops the loop once the group in progress is done.
func (g *groupCommit) close() {
	g.stopOnce.Do(func() { close(g.stop) })
	<-g.stopped
}

// commit runs a group in one transaction and tells each write its outcome.
func (g *groupCommit) commit(group []*groupWrite) {
	var ok []*groupWrite
	tx, err := g.s.write.BeginTx(context.Background(), nil)
	if err == nil && len(group) == 1 {
		// Alone in its group, a write needs no savepoint: the transaction is its own.
		w := group[0]
		if werr := g.runAlone(w, tx); werr != nil {
			tx.Rollback()
			w.done <- werr
			return
		}
		w.done <- tx.Commit()
		return
	}
	for len(group) > 0 && err == nil {
		w := group[0]
		group = group[1:]
		var werr error
		switch werr, err = g.runSavepoint(w, tx); {
		case err != nil:
			tx.Rollback()
			ok = append(ok, w) // told err below, with the others
		case werr != nil:
			w.done <- werr
		default:
			ok = append(ok, w)
		}
	}
	if err == nil {
		err = tx.Commit()
	}
	for _, w := range append(ok, group...) {
		w.done <- err
	}
}

// runSavepoint runs w under a savepoint of tx, unless its caller gave up
// already. werr is w's own failure, whose changes are rolled back; err is
// one that leaves tx unusable for the rest of the group.
func (g *groupCommit) runSavepoint(w *groupWrite, tx *sql.Tx) (werr, err error) {
	if err := w.ctx.Err(); err != nil {
		return err, nil
	}
	ctx := context.WithoutCancel(w.ctx)
	if _, err := g.s.txStmt(ctx, tx, savepointSQL).ExecContext(ctx); err != nil {
		return nil, err
	}
	if werr = g.call(ctx, w, tx); werr != nil {
		if _, err := g.s.txStmt(ctx, tx, rollbackToSavepointSQL).ExecContext(ctx); err != nil {
			return nil, errors.Join(werr, err)
		}
	}
	_, err = g.s.txStmt(ctx, tx, releaseSavepointSQL).ExecContext(ctx)
	return werr, err
}

// runAlone runs w in tx, which holds nothing else, unless its caller gave
// up already; on its failure the caller rolls tx back.
func (g *groupCommit) runAlone(w *groupWrite, tx *sql.Tx) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	return g.call(context.WithoutCancel(w.ctx), w, tx)
}

// call runs w's statements in tx, a panic made an error.
func (g *groupCommit) call(ctx context.Context, w *groupWrite, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: write panicked: %v", p)
		}
	}()
	return w.fn(ctx, tx)
}

// inGroupTx runs fn in a write transaction like inTx, but on SQLite in a
// transaction shared with other writes (groupCommit). fn must do nothing
// but its statements in tx: it may run after others' in the same
// transaction.
func (s *Store) inGroupTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if s.group == nil {
		// PostgreSQL commits concurrent transactions in parallel and
		// flushes their commits together by itself.
		return s.inTx(ctx, func(tx *sql.Tx) error { return fn(ctx, tx) })
	}
	return s.group.run(ctx, fn)
}
