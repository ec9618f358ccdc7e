package store

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ErrNotEmpty is returned by Restore and CheckEmpty when the database
// already holds data: a restore never merges into or overwrites one.
var ErrNotEmpty = errors.New("store: the database is not empty")

// SnapshotSQLite writes a consistent copy of the SQLite database to path
// (which must not exist) with VACUUM INTO, while writers go on: it reads
// one snapshot of the database, as any reader does.
func (s *Store) SnapshotSQLite(ctx context.Context, path string) error {
	if s.dialect.name != "sqlite" {
		return errors.New("store: snapshot: not a SQLite database")
	}
	// A reader's connection, not the writer's: writers go on meanwhile. It
	// is query_only, which forbids VACUUM INTO, so it is lifted for this
	// statement and the connection is dropped if it cannot be restored.
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = OFF"); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	_, err = conn.ExecContext(ctx, "VACUUM INTO ?", path)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA query_only = ON"); rerr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	if err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	return nil
}

// exportHeader is the first line of a logical export.
type exportHeader struct {
	Format     string `json:"format"`
	Dialect    string `json:"dialect"`
	Migrations []int  `json:"migrations"`
}

// exportFormat names the logical export format, version 1: JSON lines, a
// header, then for each table a line {"table": NAME} and one line
// {"row": ROW} per row, ROW being PostgreSQL's to_jsonb of it.
const exportFormat = "parley-export-v1"

// ExportTables writes every table of the PostgreSQL database but the
// migration bookkeeping to w, in one REPEATABLE READ read-only transaction
// (one consistent snapshot while the server writes on), parents before the
// tables that reference them and each table in its first column's order.
func (s *Store) ExportTables(ctx context.Context, w io.Writer) error {
	if s.dialect.name != "postgres" {
		return errors.New("store: export tables: not a PostgreSQL database")
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: export tables: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
		return fmt.Errorf("store: export tables: %w", err)
	}
	versions, err := txVersions(ctx, tx)
	if err != nil {
		return fmt.Errorf("store: export tables: %w", err)
	}
	tables, err := pgTablesInOrder(ctx, tx)
	if err != nil {
		return fmt.Errorf("store: export tables: %w", err)
	}
	bw := bufio.NewWriter(w)
	head, _ := json.Marshal(exportHeader{Format: exportFormat, Dialect: "postgres", Migrations: versions})
	bw.Write(append(head, '\n'))
	for _, t := range tables {
		if err := exportTable(ctx, tx, bw, t); err != nil {
			return fmt.Errorf("store: export %s: %w", t, err)
		}
	}
	return bw.Flush()
}

func exportTable(ctx context.Context, tx *sql.Tx, w *bufio.Writer, table string) error {
	name, _ := json.Marshal(table)
	fmt.Fprintf(w, "{\"table\":%s}\n", name)
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT to_jsonb(t)::text FROM %s t ORDER BY 1`, quoteIdent(table)))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var row string
		if err := rows.Scan(&row); err != nil {
			return err
		}
		w.WriteString(`{"row":`)
		w.WriteString(row)
		w.WriteString("}\n")
	}
	return rows.Err()
}

func txVersions(ctx context.Context, tx *sql.Tx) ([]int, error) {
	return scanColumn[int](tx.QueryContext(ctx, "SELECT version FROM schema_migrations ORDER BY version"))
}

// scanColumn reads the one column of every row of a query's result (pass
// QueryContext's results as they are), and closes the rows.
func scanColumn[T any](rows *sql.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// pgTablesInOrder lists the tables of the current schema but
// schema_migrations, each after every table it references.
func pgTablesInOrder(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.relname, COALESCE(f.relname, '')
		FROM pg_class c
		LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
		LEFT JOIN pg_class f ON f.oid = k.confrelid
		WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname <> 'schema_migrations'
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	deps := map[string][]string{}
	var names []string
	for rows.Next() {
		var t, ref string
		if err := rows.Scan(&t, &ref); err != nil {
			return nil, err
		}
		if _, seen := deps[t]; !seen {
			names = append(names, t)
			deps[t] = nil
		}
		if ref != "" && ref != t {
			deps[t] = append(deps[t], ref)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	for len(out) < len(names) {
		progressed := false
		for _, t := range names {
			if slices.Contains(out, t) || slices.ContainsFunc(deps[t], func(d string) bool { return !slices.Contains(out, d) }) {
				continue
			}
			out, progressed = append(out, t), true
		}
		if !progressed {
			return nil, errors.New("tables reference each other in a cycle")
		}
	}
	return out, nil
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
