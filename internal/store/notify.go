package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// siteChannel is the PostgreSQL notification channel that carries what
// changed: "SITE" (every page of a site), "SITE:settings" (the site itself),
// "SITE:page:PAGE:PATH" (one page, by id and, when known, path),
// "SITE:event:SENDER:KIND:IDS:PAGE:PATH" (one page, with what happened to
// which comments, for live streams; IDS comma-separated, SENDER the
// sending process) or "SITE:bans" (its bans or IP blocks; SITE 0: those on
// every site). A server of an older version reads a kind it does not know as a
// change of the whole site, which is safe.
const siteChannel = "parley_site_changed"

// SiteChange is what changed on a site: one page when PageID or Path is set,
// otherwise every page of it.
type SiteChange struct {
	SiteID   int64 // 0: every site (after a reconnect, changes may have been missed)
	Settings bool  // the site itself changed (origins, settings, added or removed), not only its comments
	PageID   int64 // the page whose comments changed; 0 if unknown or new
	Path     string

	// Event, when set, says what happened to the page's comments (a kind of
	// internal/live: created, approved, edited, deleted, changed) and
	// CommentIDs which ones, so that every server tells its open streams.
	Event      string
	CommentIDs []int64
	// Own is set by ListenSiteChanges on the changes this process sent
	// itself (it has told its own streams already).
	Own bool
	// Bans says the bans or IP blocks of the site (0: those on every site)
	// changed, and nothing else: no cached thread. ListenSiteChanges acts
	// on it itself (the store's memory of sites nobody is banned from,
	// ban_memo.go) and does not pass it on.
	Bans bool
}

// notifySender names this process in the notifications it sends, so that
// it can tell its own apart when they come back.
type notifySender struct {
	once sync.Once
	id   string
}

func (n *notifySender) get() string {
	n.once.Do(func() { n.id = rand.Text()[:12] })
	return n.id
}

// Page reports whether the change concerns one page only.
func (ch SiteChange) Page() bool { return !ch.Settings && (ch.PageID != 0 || ch.Path != "") }

// NotifySiteChanged tells every server sharing this PostgreSQL database that
// a site changed, so they drop cached threads (and settings) at once. On
// SQLite, where one process serves, it does nothing.
func (s *Store) NotifySiteChanged(ctx context.Context, ch SiteChange) error {
	if err := s.notifyOn(ctx, s.write, ch); err != nil {
		return fmt.Errorf("store: notify site changed: %w", err)
	}
	return nil
}

// notifyInTx is NotifySiteChanged inside tx: the notice leaves when tx
// commits, and not at all if it rolls back.
func (s *Store) notifyInTx(ctx context.Context, tx *sql.Tx, ch SiteChange) error {
	return s.notifyOn(ctx, tx, ch)
}

func (s *Store) notifyOn(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, ch SiteChange) error {
	if s.dialect.name != "postgres" {
		return nil
	}
	_, err := db.ExecContext(ctx, "SELECT pg_notify($1, $2)", siteChannel, s.notifyPayload(ch))
	return err
}

// notifyPayload is the payload of the notification of ch (siteChannel).
func (s *Store) notifyPayload(ch SiteChange) string {
	payload := strconv.FormatInt(ch.SiteID, 10)
	switch {
	case ch.Bans:
		payload += ":bans"
	case ch.Event != "" && !ch.Settings:
		payload += s.eventPayload(ch)
	case ch.Settings:
		payload += ":settings"
	case ch.Page() && len(ch.Path) <= maxNotifyPath:
		payload += ":page:" + strconv.FormatInt(ch.PageID, 10) + ":" + ch.Path
	case ch.Page() && ch.PageID != 0:
		payload += ":page:" + strconv.FormatInt(ch.PageID, 10) + ":"
	}
	return payload
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
		s.refusals.forget(0)
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
			switch ch, ok := parseSiteChange(n.Payload, s.sender.get()); {
			case ok && ch.Bans:
				s.refusals.forget(ch.SiteID)
			case ok:
				fn(ch)
			}
		}
	})
}

// maxNotifyPath keeps a notification under PostgreSQL's 8000-byte payload
// limit; a longer path (the API refuses them anyway) is sent by page id only.
const maxNotifyPath = 7000

// eventPayload is the part after the site id of an event's payload. The
// path is left out when it would not fit (streams of the page then learn
// of it by the page id).
func (s *Store) eventPayload(ch SiteChange) string {
	ids := make([]string, len(ch.CommentIDs))
	for i, id := range ch.CommentIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	p := ":event:" + s.sender.get() + ":" + ch.Event + ":" + strings.Join(ids, ",") + ":" + strconv.FormatInt(ch.PageID, 10) + ":"
	if len(p)+len(ch.Path) <= maxNotifyPath {
		p += ch.Path
	}
	return p
}

// parseEvent reads what follows "SITE:event:" in a payload; false if it
// is malformed.
func parseEvent(ch *SiteChange, rest, self string) bool {
	f := strings.SplitN(rest, ":", 5) // SENDER:KIND:IDS:PAGE:PATH
	if len(f) < 5 || f[1] == "" {
		return false
	}
	ch.Own, ch.Event = f[0] == self, f[1]
	for id := range strings.SplitSeq(f[2], ",") {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			ch.CommentIDs = append(ch.CommentIDs, n)
		}
	}
	ch.PageID, _ = strconv.ParseInt(f[3], 10, 64)
	ch.Path = f[4]
	return true
}

// parseSiteChange reads a notification payload; ok is false for one this
// version does not understand. self is this process's sender id.
func parseSiteChange(payload, self string) (SiteChange, bool) {
	id, kind, _ := strings.Cut(payload, ":")
	siteID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return SiteChange{}, false
	}
	ch := SiteChange{SiteID: siteID, Settings: kind == "settings", Bans: kind == "bans"}
	if rest, ok := strings.CutPrefix(kind, "event:"); ok {
		if !parseEvent(&ch, rest, self) {
			return SiteChange{SiteID: siteID}, true // drop the whole site's threads rather than miss a change
		}
		return ch, true
	}
	if page, ok := strings.CutPrefix(kind, "page:"); ok {
		pageID, path, _ := strings.Cut(page, ":")
		ch.PageID, _ = strconv.ParseInt(pageID, 10, 64)
		ch.Path = path
	}
	return ch, true
}
