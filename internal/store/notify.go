package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// siteChannel is the PostgreSQL notification channel that carries the id of
// a site whose comments, pages or settings changed.
const siteChannel = "parley_site_changed"

// SiteChange is what changed on a site.
type SiteChange struct {
	SiteID   int64 // 0: every site (after a reconnect, changes may have been missed)
	Settings bool  // the site itself changed (origins, settings, added or removed), not only its comments
}

// NotifySiteChanged tells every server sharing this PostgreSQL database that
// a site changed, so they drop cached threads (and settings) at once. On
// SQLite, where one process serves, it does nothing.
func (s *Store) NotifySiteChanged(ctx context.Context, ch SiteChange) error {
	if s.dialect.name != "postgres" {
		return nil
	}
	payload := strconv.FormatInt(ch.SiteID, 10)
	if ch.Settings {
		payload += ":settings"
	}
	if _, err := s.write.ExecContext(ctx, "SELECT pg_notify($1, $2)", siteChannel, payload); err != nil {
		return fmt.Errorf("store: notify site changed: %w", err)
	}
	return nil
}

// ListenSiteChanges calls fn with the id of each site another server (or
// this one) reports as changed, until ctx ends. It holds one connection
// and reconnects after failures; onError hears of each failure. On SQLite
// it just waits for ctx.
func (s *Store) ListenSiteChanges(ctx context.Context, fn func(SiteChange), onError func(error)) {
	if s.dialect.name != "postgres" {
		<-ctx.Done()
		return
	}
	backoff := time.Second
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, fn)
		if ctx.Err() != nil {
			return
		}
		onError(err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Minute)
	}
}

// listenOnce listens on one connection until it fails or ctx ends. Every
// site is reported changed when listening starts, because notifications sent
// while not listening were lost.
func (s *Store) listenOnce(ctx context.Context, fn func(SiteChange)) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: listen: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return errors.New("store: listen: not a pgx connection")
		}
		c := pc.Conn()
		if _, err := c.Exec(ctx, "LISTEN "+siteChannel); err != nil {
			return fmt.Errorf("store: listen: %w", err)
		}
		fn(SiteChange{Settings: true})
		for {
			n, err := c.WaitForNotification(ctx)
			if err != nil {
				// The connection may be mid-protocol: make database/sql
				// throw it away rather than reuse it.
				c.Close(context.Background())
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("store: listen: %w", err)
			}
			id, kind, _ := strings.Cut(n.Payload, ":")
			if siteID, err := strconv.ParseInt(id, 10, 64); err == nil {
				fn(SiteChange{SiteID: siteID, Settings: kind == "settings"})
			}
		}
	})
}
