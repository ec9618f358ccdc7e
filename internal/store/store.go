package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/parleyhq/parley/internal/privacy"
)

// Sentinel errors. Callers check them with errors.Is.
var (
	ErrNotFound    = errors.New("store: not found")
	ErrExists      = errors.New("store: already exists")
	ErrPageLocked  = errors.New("store: page is locked")
	ErrParentPage  = errors.New("store: parent comment is not on this page")
	ErrInvalidSort = errors.New("store: invalid sort or cursor")
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	read    *sql.DB // readers; the same pool as write on PostgreSQL
	write   *sql.DB // one connection on SQLite, so writers never fight over locks
	dialect dialect
	sealer  *privacy.Sealer
	now     func() time.Time

	maxViewPages int // see DefaultMaxPagesPerSite

	stmts sync.Map // query → *sql.Stmt on read: see queryPrepared
}

// SQLiteFile is the database file name inside the data directory.
const SQLiteFile = "parley.db"

// Open opens the database: PostgreSQL when databaseURL is set, otherwise
// SQLite in dataDir. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string, sealer *privacy.Sealer) (*Store, error) {
	if databaseURL != "" {
		return OpenPostgres(ctx, databaseURL, sealer)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, SQLiteFile), sealer)
}

// OpenSQLite opens (creating if needed) the SQLite database at path.
func OpenSQLite(ctx context.Context, path string, sealer *privacy.Sealer) (*Store, error) {
	// busy_timeout must come first: the other pragmas may already need to wait.
	// The driver takes a file: URI, which needs an absolute path: a relative
	// one would be read as the URI's authority.
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16000)"
	u := url.URL{Scheme: "file", Path: path}
	write, err := sql.Open("sqlite", u.String()+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", u.String()+"?"+pragmas+"&_pragma=query_only(ON)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	read.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	s := &Store{read: read, write: write, dialect: sqliteDialect, sealer: sealer, now: time.Now, maxViewPages: DefaultMaxPagesPerSite}
	// Touch the writer first so the file and WAL mode exist before readers open it.
	if err := write.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	os.Chmod(path, 0o600)
	return s, nil
}

// OpenPostgres opens a pool on the PostgreSQL server at databaseURL.
func OpenPostgres(ctx context.Context, databaseURL string, sealer *privacy.Sealer) (*Store, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	db.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	db.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return &Store{read: db, write: db, dialect: postgresDialect(), sealer: sealer, now: time.Now, maxViewPages: DefaultMaxPagesPerSite}, nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Close closes every pool.
func (s *Store) Close() error {
	s.closeStatements()
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// OpenConnections is the number of open database connections, for metrics.
func (s *Store) OpenConnections() int {
	n := s.write.Stats().OpenConnections
	if s.read != s.write {
		n += s.read.Stats().OpenConnections
	}
	return n
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// SetClock replaces the time source (tests use it for edit windows and days).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) q(query string) string { return s.dialect.rebind(query) }

// inTx runs fn in a write transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullMillis(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
