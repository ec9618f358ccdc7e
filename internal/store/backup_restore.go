package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// restoreBatchRows is how many rows Restore inserts with one statement.
const restoreBatchRows = 500

// CheckEmpty returns ErrNotEmpty when any table of the database but the
// migration bookkeeping holds a row. A database without tables is empty.
func (s *Store) CheckEmpty(ctx context.Context) error {
	var tables []string
	var err error
	if s.dialect.name == "postgres" {
		tables, err = pgTablesInOrder(ctx, s.read)
	} else {
		tables, err = sqliteTables(ctx, s.read)
	}
	if err != nil {
		return fmt.Errorf("store: list tables: %w", err)
	}
	for _, t := range tables {
		var one int
		err := s.read.QueryRowContext(ctx, fmt.Sprintf("SELECT 1 FROM %s LIMIT 1", quoteIdent(t))).Scan(&one)
		if err == nil {
			return fmt.Errorf("%w: table %s holds rows", ErrNotEmpty, t)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: read %s: %w", t, err)
		}
	}
	return nil
}

func sqliteTables(ctx context.Context, db *sql.DB) ([]string, error) {
	return scanColumn[string](db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`))
}

// RestoreTables loads a logical export (ExportTables) into an empty
// PostgreSQL database: it applies the migrations the export was taken at,
// inserts every row in one transaction and moves the id sequences past the
// restored ids. The caller migrates further afterwards (Migrate). It
// refuses a database that holds data (ErrNotEmpty) or was migrated past the
// export, and an export of migrations this build does not know.
func (s *Store) RestoreTables(ctx context.Context, r io.Reader) error {
	if s.dialect.name != "postgres" {
		return errors.New("store: restore: a PostgreSQL export restores into PostgreSQL only")
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var head exportHeader
	if line, err := br.ReadBytes('\n'); err != nil || json.Unmarshal(line, &head) != nil || head.Format != exportFormat {
		return errors.New("store: restore: not a Parley export")
	}
	if err := s.CheckEmpty(ctx); err != nil {
		return err
	}
	if err := s.migrateAs(ctx, head.Migrations); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return err
		}
		if err := insertExport(ctx, tx, br); err != nil {
			return fmt.Errorf("store: restore: %w", err)
		}
		return resetIdentities(ctx, tx)
	})
}

// migrateAs applies exactly the migrations of an export to an empty
// database.
func (s *Store) migrateAs(ctx context.Context, versions []int) error {
	all, err := s.migrations()
	if err != nil {
		return err
	}
	known := make([]int, len(all))
	for i, m := range all {
		known[i] = m.version
	}
	if len(versions) == 0 || !slices.Equal(versions, known[:min(len(versions), len(known))]) {
		return errors.New("store: restore: the export was taken by another Parley version, with migrations this build does not have; restore it with that version")
	}
	done, err := scanColumn[int](s.read.QueryContext(ctx, "SELECT version FROM schema_migrations ORDER BY version"))
	if err == nil && len(done) > 0 && done[len(done)-1] > versions[len(versions)-1] {
		return fmt.Errorf("%w: its schema is newer than the export's; restore into a database without Parley tables", ErrNotEmpty)
	}
	_, err = s.migrateTo(ctx, versions[len(versions)-1])
	return err
}

func insertExport(ctx context.Context, tx *sql.Tx, br *bufio.Reader) error {
	var table string
	var batch []json.RawMessage
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		rows, _ := json.Marshal(batch)
		_, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %[1]s SELECT * FROM jsonb_populate_recordset(NULL::%[1]s, $1::jsonb)", quoteIdent(table)), string(rows))
		batch = batch[:0]
		if err != nil {
			return fmt.Errorf("table %s: %w", table, err)
		}
		return nil
	}
	for {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return flush()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		var item struct {
			Table *string         `json:"table"`
			Row   json.RawMessage `json:"row"`
		}
		if err := json.Unmarshal(line, &item); err != nil {
			return fmt.Errorf("a line of the export is damaged: %w", err)
		}
		switch {
		case item.Table != nil:
			if err := flush(); err != nil {
				return err
			}
			table = *item.Table
		case item.Row != nil && table != "":
			batch = append(batch, item.Row)
			if len(batch) == restoreBatchRows {
				if err := flush(); err != nil {
					return err
				}
			}
		default:
			return errors.New("a line of the export is neither a table nor a row")
		}
	}
}

// resetIdentities moves every identity column's sequence past the largest
// restored id, so that new rows never reuse one.
func resetIdentities(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return err
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			rows.Close()
			return err
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range cols {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(%s), 0) + 1, false) FROM %s`,
			quoteIdent(c[1]), quoteIdent(c[0])), c[0], c[1]); err != nil {
			return fmt.Errorf("store: restore: sequence of %s.%s: %w", c[0], c[1], err)
		}
	}
	return nil
}
