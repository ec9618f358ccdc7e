package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// leaderLock is the key of the PostgreSQL session advisory lock that the
// server running the background jobs holds ("parley" in ASCII). Nothing
// else in Parley takes advisory locks.
const leaderLock int64 = 0x7061726c6579

// LeadRetry is how often a server that does not run the background jobs
// tries to take them over, and how often the one that runs them checks that
// it still holds their lock.
const LeadRetry = 10 * time.Second

// Lead runs fn while this server holds the background jobs' lock, so that
// of all the servers sharing a PostgreSQL database exactly one runs fn at a
// time. The lock is a session advisory lock held on a connection of its
// own: when the server dies or its connection breaks, PostgreSQL releases
// it and another server takes over within retry. fn's context ends when
// ctx ends or the lock's connection fails; Lead waits for fn to return
// before trying again, and returns when ctx ends. onError hears of each
// failure. On SQLite, where one server serves, it just runs fn(ctx).
func (s *Store) Lead(ctx context.Context, retry time.Duration, fn func(context.Context), onError func(error)) {
	if s.dialect.name != "postgres" {
		fn(ctx)
		return
	}
	for ctx.Err() == nil {
		if err := s.leadOnce(ctx, retry, fn); err != nil && ctx.Err() == nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
	}
}

// leadOnce tries the lock once and, if it got it, runs fn until ctx ends,
// fn returns or the lock's connection fails, then releases the lock.
func (s *Store) leadOnce(ctx context.Context, retry time.Duration, fn func(context.Context)) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: lead: %w", err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", leaderLock).Scan(&got); err != nil {
		discard(conn)
		return fmt.Errorf("store: lead: %w", err)
	}
	if !got {
		return nil
	}
	jobs, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(jobs)
	}()
	lost := holdLock(ctx, conn, retry, done)
	stop()
	<-done
	if lost != nil {
		discard(conn)
		return fmt.Errorf("store: lead: the lock's connection failed: %w", lost)
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(uctx, "SELECT pg_advisory_unlock($1)", leaderLock); err != nil {
		discard(conn) // closing the session releases the lock too
	}
	return nil
}

// holdLock checks the lock's connection every retry until ctx ends or
// done closes (nil), or the connection fails (its error).
func holdLock(ctx context.Context, conn *sql.Conn, retry time.Duration, done <-chan struct{}) error {
	t := time.NewTicker(retry)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-done:
			return nil
		case <-t.C:
			if err := conn.PingContext(ctx); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}

// discard closes conn's session rather than giving it back to the pool: it
// may still hold the lock, or be mid-protocol.
func discard(conn *sql.Conn) {
	conn.Raw(func(dc any) error {
		if pc, ok := dc.(*stdlib.Conn); ok {
			pc.Conn().Close(context.Background())
		}
		return driver.ErrBadConn
	})
}
