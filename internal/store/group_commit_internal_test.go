package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// TestGroupCommit queues more writes than one group holds while the writer
// is busy: they commit in groups of at most MaxGroupCommit, each write's
// outcome is its own (one that fails, or panics, leaves nothing and fails
// alone) and every acknowledged write is in the database.
func TestGroupCommit(t *testing.T) {
	s := openInternalSQLite(t, Limits{})
	ctx := context.Background()
	if _, err := s.write.ExecContext(ctx, "CREATE TABLE t (v INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sizes []int
	s.group.onGroup = func(n int) { mu.Lock(); sizes = append(sizes, n); mu.Unlock() }

	insert := func(v int) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", v)
			return err
		}
	}
	// The first write holds the writer until every other is queued. The
	// others start once it runs, so that its group is itself alone: one
	// that took some of them would leave too few to fill the queue.
	release, started := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.inGroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			close(started)
			<-release
			return insert(0)(ctx, tx)
		})
	}()
	<-started
	const n = MaxGroupCommit + 20
	errs := make([]error, n+1)
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Go(func() {
			fn := insert(i)
			switch i {
			case 7:
				fn = func(ctx context.Context, tx *sql.Tx) error { insert(i)(ctx, tx); return errors.New("refused") }
			case 9:
				fn = func(ctx context.Context, tx *sql.Tx) error { insert(i)(ctx, tx); panic("boom") }
			}
			errs[i] = s.inGroupTx(ctx, fn)
		})
	}
	for len(s.group.queue) < MaxGroupCommit { // the queue is full: the rest wait to enter it
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}

	for i := 1; i <= n; i++ {
		want := ""
		switch i {
		case 7:
			want = "refused"
		case 9:
			want = "store: write panicked: boom"
		}
		if got := fmt.Sprint(errs[i]); (want == "" && errs[i] != nil) || (want != "" && got != want) {
			t.Errorf("write %d: %v, want %q", i, errs[i], want)
		}
	}
	var rows, bad int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(CASE WHEN v IN (7, 9) THEN 1 END) FROM t").Scan(&rows, &bad); err != nil {
		t.Fatal(err)
	}
	if rows != n-1 || bad != 0 {
		t.Errorf("%d rows, %d of the failed writes; want %d and 0", rows, bad, n-1)
	}
	mu.Lock()
	defer mu.Unlock()
	grouped := false
	for _, size := range sizes {
		if size > MaxGroupCommit {
			t.Errorf("a group of %d writes, over MaxGroupCommit", size)
		}
		grouped = grouped || size > 1
	}
	if !grouped {
		t.Errorf("groups %v: no write shared a commit", sizes)
	}
}

// TestGroupCommitAfterClose: a write sent to a closed store fails instead
// of waiting for ever.
func TestGroupCommitAfterClose(t *testing.T) {
	s := openInternalSQLite(t, Limits{})
	s.Close()
	err := s.inGroupTx(context.Background(), func(context.Context, *sql.Tx) error { return nil })
	if !errors.Is(err, errStoreClosed) {
		t.Errorf("write after close: %v, want errStoreClosed", err)
	}
}

// TestGroupCommitOfOneWrite: a write alone in its group (no savepoint)
// that fails or panics leaves nothing and fails alone; the next one commits.
func TestGroupCommitOfOneWrite(t *testing.T) {
	s := openInternalSQLite(t, Limits{})
	ctx := context.Background()
	if _, err := s.write.ExecContext(ctx, "CREATE TABLE t (v INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	s.group.onGroup = func(n int) { sizes = append(sizes, n) } // one write at a time: the loop alone appends
	insert := func(v int) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO t (v) VALUES (?)", v)
			return err
		}
	}
	if err := s.inGroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error { insert(1)(ctx, tx); return errors.New("refused") }); fmt.Sprint(err) != "refused" {
		t.Errorf("failing write: %v, want refused", err)
	}
	if err := s.inGroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error { insert(2)(ctx, tx); panic("boom") }); fmt.Sprint(err) != "store: write panicked: boom" {
		t.Errorf("panicking write: %v", err)
	}
	if err := s.inGroupTx(ctx, insert(3)); err != nil {
		t.Fatal(err)
	}
	var sum, n int
	if err := s.read.QueryRowContext(ctx, "SELECT COALESCE(SUM(v), 0), COUNT(*) FROM t").Scan(&sum, &n); err != nil {
		t.Fatal(err)
	}
	if n != 1 || sum != 3 {
		t.Errorf("%d rows summing to %d, want only the write that succeeded (3)", n, sum)
	}
	if fmt.Sprint(sizes) != "[1 1 1]" {
		t.Errorf("groups %v, want three of one write", sizes)
	}
}
