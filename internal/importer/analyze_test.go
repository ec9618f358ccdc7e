package importer_test

import (
	"bytes"
	"context"
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, to read the planner's statistics

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/importer/importtest"
)

// TestImportLeavesFreshStatistics: after a PostgreSQL import, the planner
// knows how many comments the import wrote, not how many there were at its
// last step of statistics (at 1,000, then each fourfold growth). With
// figures from a quarter of the file, thread reads of the pages written
// last went through the wrong index: 7 ms a read instead of 0.05.
func TestImportLeavesFreshStatistics(t *testing.T) {
	e := openPostgres(t)
	var file bytes.Buffer
	if err := importtest.GenDisqus(&file, 50, 100, false); err != nil { // 5,000 comments: the last step was at 4,000
		t.Fatal(err)
	}
	rep, err := e.im.Run(context.Background(), &file, e.options(importer.Options{Size: int64(file.Len())}), nil)
	if err != nil || rep.Added != 5000 {
		t.Fatalf("import: %d added, %v", rep.Added, err)
	}
	raw, err := sql.Open("pgx", e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var tuples float64
	if err := raw.QueryRow("SELECT reltuples FROM pg_class WHERE relname = 'comments'").Scan(&tuples); err != nil {
		t.Fatal(err)
	}
	if tuples != 5000 {
		t.Errorf("the planner counts %.0f comments after an import of 5,000", tuples)
	}
}
