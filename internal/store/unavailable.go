package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Unavailable reports whether err means the database could not be reached
// or did not answer in time, rather than refusing the request: a deadline
// passed, the connection was refused, reset or closed, PostgreSQL is shutting
// down, starting or out of connections, or SQLite stayed locked beyond its
// busy timeout. Callers answer such errors with "try again later" (the API's
// 503), never as a bug. A context cancelled by the caller is not one of them.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var netErr net.Error
	var connectErr *pgconn.ConnectError
	switch {
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &netErr), errors.As(err, &connectErr):
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return unavailablePgState(pgErr.Code)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff { // the primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_INTERRUPT:
			return true
		}
	}
	return false
}

// unavailablePgState reports whether a PostgreSQL SQLSTATE means the server
// cannot serve now, not that the statement is wrong: class 08 (connection
// exception), 53 (insufficient resources: too many connections, disk full,
// out of memory), 57014 (query_canceled: statement_timeout) and 57P01–57P05
// (shutting down, starting up, idle session timeouts).
func unavailablePgState(code string) bool {
	return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") ||
		code == "57014" || strings.HasPrefix(code, "57P")
}
