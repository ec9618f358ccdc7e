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

// TestClusterCPUTimeGrowsWithWork: a query that keeps a backend busy shows
// in the cluster's CPU time.
func TestClusterCPUTimeGrowsWithWork(t *testing.T) {
	cl := pgtest.Dedicated(t)
	db := open(t, cl.URL())
	before, err := cl.CPUTime()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.QueryRow("SELECT count(*) FROM generate_series(1, 20000000)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	after, err := cl.CPUTime()
	if err != nil {
		t.Fatal(err)
	}
	if used := after - before; used < 100*time.Millisecond {
		t.Errorf("the cluster used %v for counting 20 million rows, want it seen (≥ 100ms)", used)
	}
}
