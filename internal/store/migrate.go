package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + s.dialect.name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: bad migration file name %s", e.Name())
		}
		body, err := fs.ReadFile(migrations, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies every embedded migration not applied yet, each in its own
// transaction, and returns the names of those it applied. Concurrent
// processes on one PostgreSQL database wait for each other.
//
// On SQLite foreign keys are off while a migration runs, as SQLite's
// procedure for rebuilding a table requires (dropping a referenced table
// with them on would cascade its deletes), and the migration fails unless
// PRAGMA foreign_key_check finds every reference intact before it commits.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	applied, err := s.migrateTo(ctx, math.MaxInt)
	if err != nil {
		return applied, err
	}
	return applied, s.prepareWritePath(ctx)
}

// migrateTo is Migrate stopping after version last (tests start from an
// older schema with it).
func (s *Store) migrateTo(ctx context.Context, last int) ([]string, error) {
	all, err := s.migrations()
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	unlock, err := s.dialect.lockMigrations(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	done, err := appliedVersions(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	if err := checkNoGaps(all, done); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range all {
		if done[m.version] || m.version > last {
			continue
		}
		if err := s.applyMigration(ctx, conn, m); err != nil {
			return applied, fmt.Errorf("store: migrate %s: %w", m.name, err)
		}
		applied = append(applied, m.name)
	}
	return applied, nil
}

// appliedVersions returns the versions recorded in schema_migrations.
func appliedVersions(ctx context.Context, conn *sql.Conn) (map[int]bool, error) {
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	return done, rows.Err()
}

// checkNoGaps refuses a database that recorded a migration while missing an
// earlier one (a build from another branch migrated it): applying the
// earlier one now could undo the later one's changes, for instance by
// rebuilding a table without a column the later one added.
func checkNoGaps(all []migration, done map[int]bool) error {
	highest := 0
	for v := range done {
		highest = max(highest, v)
	}
	for _, m := range all {
		if m.version < highest && !done[m.version] {
			return fmt.Errorf("store: the database has migration %d but not %s, so a different build of Parley migrated it; "+
				"restore a backup made before that, or migrate it with that build's successor", highest, m.name)
		}
	}
	return nil
}

// applyMigration runs one migration and records it, in one transaction.
func (s *Store) applyMigration(ctx context.Context, conn *sql.Conn, m migration) (err error) {
	if s.dialect.name == "sqlite" {
		// PRAGMA foreign_keys is a no-op inside a transaction: set it around.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer func() {
			_, onErr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
			err = errors.Join(err, onErr)
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if s.dialect.name == "postgres" {
		// A migration may rewrite a large table: serve's statement_timeout
		// must not cut it off halfway (LOCAL: this transaction only).
		if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if s.dialect.name == "sqlite" {
		if err := foreignKeyCheck(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
		m.version, m.name, millis(s.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// foreignKeyCheck fails when a row of the SQLite database references a row
// that does not exist.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("foreign key check: row %d of %s references a missing row of %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}
