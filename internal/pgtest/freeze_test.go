package pgtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/pgtest"
)

// TestDedicatedClusterFreezesAndThaws: a frozen server answers nothing, not
// even on an open connection; thawed, it answers again.
func TestDedicatedClusterFreezesAndThaws(t *testing.T) {
	cl := pgtest.Dedicated(t)
	db := open(t, cl.URL())
	db.SetMaxOpenConns(1)
	cl.Freeze(t)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("query on a frozen server: %v, want the deadline to pass", err)
	}
	cl.Thaw(t)
	ctx, cancel = context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Errorf("query after thawing: %d %v", one, err)
	}
}
