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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

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

	viewPages viewPageLimits // see view.go
	sender    notifySender   // see notify.go

	stmts      sync.Map // query → *sql.Stmt on read: see queryPrepared
	writeStmts sync.Map // query → *sql.Stmt on write: see txStmt
	// transactional are sites whose new comments skip the one-statement
	// write (comment_one_statement.go).
	transactional transactionalSites
	// refusals are the sites where nobody is banned or blocked (ban_memo.go).
	refusals clearSites
	group    *groupCommit // SQLite: comment writes share commits; nil on PostgreSQL
}

// SQLiteFile is the database file name inside the data directory.
const SQLiteFile = "parley.db"

// DefaultTimeout is how long the store waits for its database when not told
// otherwise: the default of PARLEY_DB_TIMEOUT.
const DefaultTimeout = 5 * time.Second

// Limits bound how long the store waits for its database. The zero value
// means DefaultTimeout for Wait and no Statement limit. Deadlines of whole
// operations come from the caller's context: the API gives each request one.
type Limits struct {
	// Wait bounds connecting to PostgreSQL (connect_timeout, unless the URL
	// sets it) and waiting for a SQLite lock (busy_timeout); past it the
	// error is one Unavailable recognises.
	Wait time.Duration
	// Statement bounds each statement on the PostgreSQL server
	// (statement_timeout, unless the URL sets it), so that the server stops
	// work nobody waits for any more. The server sets it; imports and exports
	// do not, since one statement may stream a whole site, and an export
	// lifts it for its own statements (a dashboard download runs in the
	// server).
	Statement time.Duration
}

func (l Limits) wait() time.Duration {
	if l.Wait <= 0 {
		return DefaultTimeout
	}
	return l.Wait
}

// Open opens the database: PostgreSQL when databaseURL is set, otherwise
// SQLite in dataDir. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string, sealer *privacy.Sealer, limits Limits) (*Store, error) {
	if databaseURL != "" {
		return openPostgres(ctx, databaseURL, sealer, limits)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	return openSQLite(ctx, filepath.Join(dataDir, SQLiteFile), sealer, limits)
}

// sqlitePragmas are set on every SQLite connection, in this order, after
// busy_timeout, which must come first: the other pragmas may already need to wait.
// synchronous=FULL syncs the WAL at every commit, so a comment acknowledged
// with 201 survives power loss (NORMAL may lose the last commits; the cost is
// measured in bench/durability_test.go). secure_delete zeroes deleted content
// instead of leaving it in free space, so erased names and texts cannot be
// read back from the file (see checkpointErased for the WAL).
const sqlitePragmas = "&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
	"&_pragma=secure_delete(ON)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-16000)"

// OpenSQLite opens (creating if needed) the SQLite database at path, with
// the default Limits.
func OpenSQLite(ctx context.Context, path string, sealer *privacy.Sealer) (*Store, error) {
	return openSQLite(ctx, path, sealer, Limits{})
}

func openSQLite(ctx context.Context, path string, sealer *privacy.Sealer, limits Limits) (*Store, error) {
	// The driver takes a file: URI, which needs an absolute path: a relative
	// one would be read as the URI's authority.
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)", limits.wait().Milliseconds()) + sqlitePragmas
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
	s := &Store{read: read, write: write, dialect: sqliteDialect, sealer: sealer, now: time.Now, viewPages: defaultViewPageLimits}
	s.group = newGroupCommit(s)
	go s.group.loop()
	// Touch the writer first so the file and WAL mode exist before readers open it.
	if err := write.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	os.Chmod(path, 0o600)
	return s, nil
}

// OpenPostgres opens a pool on the PostgreSQL server at databaseURL, with
// the default Limits.
func OpenPostgres(ctx context.Context, databaseURL string, sealer *privacy.Sealer) (*Store, error) {
	return openPostgres(ctx, databaseURL, sealer, Limits{})
}

func openPostgres(ctx context.Context, databaseURL string, sealer *privacy.Sealer, limits Limits) (*Store, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = limits.wait()
	}
	_, set := cfg.RuntimeParams["statement_timeout"]
	set = set || strings.Contains(cfg.RuntimeParams["options"], "statement_timeout")
	if !set && limits.Statement > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(limits.Statement.Milliseconds(), 10)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	db.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return &Store{read: db, write: db, dialect: postgresDialect(), sealer: sealer, now: time.Now, viewPages: defaultViewPageLimits}, nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Close closes every pool.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
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

// eraseTx is inTx for a transaction that erases personal data or text: after
// it commits, checkpointErased clears the old page versions out of the WAL.
func (s *Store) eraseTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.inTx(ctx, fn); err != nil {
		return err
	}
	s.checkpointErased(ctx)
	return nil
}

// checkpointErased moves erased content out of the SQLite WAL, after a
// deletion has committed. secure_delete zeroes it in the new page versions,
// but the WAL still holds the old versions until a checkpoint copies the new
// ones into the database file; TRUNCATE then empties the WAL file. It is best
// effort: while a reader holds an old snapshot past the busy timeout the
// checkpoint gives up, and the old frames stay until the next deletion's
// checkpoint (or an automatic one overwrites them). A no-op on PostgreSQL.
func (s *Store) checkpointErased(ctx context.Context) {
	if s.dialect.name != "sqlite" {
		return
	}
	s.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
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
