package inventory_test

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // to read the PostgreSQL schema
	_ "modernc.org/sqlite"             // to read the SQLite schema

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/inventory"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

var update = flag.Bool("update", false, "rewrite the generated inventory in docs/privacy.md")

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// schema migrates a new database of the dialect and returns its tables
// with their columns, read from the database itself.
func schema(t *testing.T, dialect string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("inventory-test-secret-inventory-test-secret"))
	if err != nil {
		t.Fatal(err)
	}
	var st *store.Store
	var raw *sql.DB
	tablesQ := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	colsQ := `SELECT name FROM pragma_table_info(?)`
	if dialect == "postgres" {
		url := pgtest.URL(t)
		st, err = store.OpenPostgres(ctx, url, sealer)
		if err == nil {
			raw, err = sql.Open("pgx", url)
		}
		tablesQ = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
		colsQ = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	} else {
		file := filepath.Join(t.TempDir(), store.SQLiteFile)
		st, err = store.OpenSQLite(ctx, file, sealer)
		if err == nil {
			raw, err = sql.Open("sqlite", "file:"+file)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close(); st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range column(t, raw, tablesQ) {
		out[table] = column(t, raw, colsQ, table)
	}
	return out
}

func column(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestInventoryCoversTheSchema: every table of a migrated database is in
// the inventory, and every column of a table holding personal data is
// listed with its class, why, who is shown it and how long it is kept; the
// inventory names nothing the schema lacks. A migration that adds a column
// fails here, naming it, until the inventory describes it.
func TestInventoryCoversTheSchema(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			live := schema(t, dialect)
			if len(live) < 30 {
				t.Fatalf("sanity check failed: only %d tables", len(live))
			}
			for table, cols := range live {
				inv, ok := inventory.TableOf(table)
				if !ok {
					t.Errorf("table %s is not in the data inventory: add it to internal/inventory/tables.go "+
						"(NotPersonal, or each column with its class, why, who is shown it and retention), "+
						"then run `go test ./internal/inventory -update`", table)
					continue
				}
				for _, col := range cols {
					if _, ok := inventory.Lookup(table, col); !ok {
						t.Errorf("column %s.%s is not in the data inventory, and table %s holds personal data: add "+
							"Column{Name: %q, …} to its entry in internal/inventory/tables.go with its class, why, who is "+
							"shown it and retention, then run `go test ./internal/inventory -update`", table, col, inv.Name, col)
					}
				}
			}
			for _, inv := range inventory.Tables {
				cols, ok := live[inv.Name]
				if !ok {
					t.Errorf("the inventory lists table %s, which the schema does not have", inv.Name)
				}
				for _, c := range inv.Columns {
					if ok && !contains(cols, c.Name) {
						t.Errorf("the inventory lists column %s.%s, which the schema does not have", inv.Name, c.Name)
					}
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestInventorySaysWhyWhoAndHowLong: every personal column says why it is
// stored and who is shown it, and every period names a real setting.
func TestInventorySaysWhyWhoAndHowLong(t *testing.T) {
	periods := docPeriods(t)
	for _, table := range inventory.Tables {
		if table.Holds == "" || table.Kept == "" {
			t.Errorf("table %s: say what a row is and how long it is kept", table.Name)
		}
		if left := inventory.Expand(table.Kept, periods); strings.Contains(left, "{") {
			t.Errorf("table %s: unknown setting in %q", table.Name, left)
		}
		for _, c := range table.Columns {
			if c.Class.Personal() && (c.Why == "" || c.Seen == "") {
				t.Errorf("%s.%s is personal: say why it is stored and who is shown it", table.Name, c.Name)
			}
			if left := inventory.Expand(c.Kept, periods); strings.Contains(left, "{") {
				t.Errorf("%s.%s: unknown setting in %q", table.Name, c.Name, left)
			}
		}
	}
}

// docPeriods spells each retention setting as docs/privacy.md does: its
// name and its default, read from the configuration's defaults.
func docPeriods(t *testing.T) map[string]string {
	t.Helper()
	cfg, err := config.AddFlags(flag.NewFlagSet("inventory", flag.ContinueOnError)).Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, d := range inventory.Periods(cfg) {
		out[name] = "`" + name + "` (default " + inventory.Days(d) + ")"
	}
	return out
}

// TestPrivacyDocIsCurrent: the inventory in docs/privacy.md is what the
// inventory generates (-update rewrites it).
func TestPrivacyDocIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "privacy.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := bytes.Index(doc, []byte(inventory.BeginMarker)), bytes.Index(doc, []byte(inventory.EndMarker))
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers of the generated inventory", path)
	}
	var gen bytes.Buffer
	gen.WriteString(inventory.BeginMarker + "\n\n")
	inventory.WriteMarkdown(&gen, docPeriods(t))
	gen.WriteString("\n")
	current := doc[begin:end]
	if bytes.Equal(current, gen.Bytes()) {
		return
	}
	if *update {
		out := append(append(append([]byte{}, doc[:begin]...), gen.Bytes()...), doc[end:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the inventory in %s is out of date: run `go test ./internal/inventory -update`", path)
}
