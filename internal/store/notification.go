package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Notifications by email (promise P9). A comment that may cause mail gets
// one notify_events row in its own transaction; internal/notify fans the
// event out later, in batches, through the outbox. See docs/notifications.md.

// The kinds of notify events.
const (
	EventCreated  = "created"  // a new comment: moderators, then the thread if it is approved
	EventApproved = "approved" // a held comment approved: its author, then the thread
)

// The stages of an event's fan-out, in order; the recipients of each are
// taken in batches by increasing key (NotifyEvent.After).
const (
	StageModerators = iota // the site's owners and moderators, by their mode
	StageAuthor            // the comment's author (EventApproved only)
	StageThread            // the opted-in authors of the comment's thread
	StageDone              // nothing left: the event is deleted
)

// The moderator notification modes; ModeratorHeld is the default.
const (
	ModeratorAll  = "all"  // every new comment, held or published
	ModeratorHeld = "held" // held comments only
	ModeratorNone = "none" // no mail
)

// The purposes of mail links.
const (
	LinkModerate    = "moderate"    // approve, reject or spam one comment; works once
	LinkUnsubscribe = "unsubscribe" // no more such mail; works until it expires
)

// ErrLinkUsed is returned for a single-use mail link already used.
var ErrLinkUsed = errors.New("store: mail link already used")

// NotifyEvent is one comment's fan-out in progress.
type NotifyEvent struct {
	ID, SiteID, CommentID int64
	Kind                  string
	Stage                 int
	After                 int64 // key of the last recipient done in Stage
}

// Recipient is one person a notification goes to. Key orders the
// recipients of a stage: a user id for moderators, a comment id otherwise.
type Recipient struct {
	Key        int64
	UserID     int64 // moderators: the account, for their links
	Email      string
	EmailIndex []byte
}

// MailLink is one link of a notification mail, stored by its token's hash.
type MailLink struct {
	TokenHash  []byte
	Purpose    string // LinkModerate or LinkUnsubscribe
	SiteID     int64
	CommentID  int64  // LinkModerate
	UserID     int64  // LinkModerate; LinkUnsubscribe of a moderator's mail
	EmailIndex []byte // LinkUnsubscribe of a commenter's mail
	ExpiresAt  time.Time
	UsedAt     *time.Time
}

// Notice is one notification to queue: the mail and the links it carries.
type Notice struct {
	EmailIndex []byte // one mail per address and event
	Links      []MailLink
	Mail       model.Mail
}

// createdEventIf is the condition under which a new comment gets its
// notify event (EventCreated): always when it is held (its site's
// moderators hear of held comments by default) or a reply shown at once
// (its thread may want mail); for a root comment shown at once only when a
// moderator of the site asked for mail of every comment; never for spam.
// An event nobody can be told of would only be read and deleted again,
// for nearly every comment of a busy site. createdEventArgs are its
// arguments; the casts let PostgreSQL type them inside INSERT … SELECT.
const createdEventIf = `(CAST(? AS BOOLEAN) OR (CAST(? AS BOOLEAN) AND EXISTS (SELECT 1 FROM moderator_notify n
	WHERE n.site_id = CAST(? AS BIGINT) AND n.mode = 'all')))`

func createdEventArgs(c *model.Comment) []any {
	shown := c.Status == model.StatusApproved
	return []any{c.Status == model.StatusPending || (shown && c.ParentID != 0), shown, c.SiteID}
}

const queueCreatedEventSQL = `INSERT INTO notify_events (site_id, comment_id, kind, created_at)
	SELECT ?, ?, '` + EventCreated + `', ? WHERE ` + createdEventIf

// queueCreatedEvent records, inside the transaction writing comment c, that
// it may cause mail (createdEventIf): one bounded insert, whatever its
// audience.
func (s *Store) queueCreatedEvent(ctx context.Context, tx *sql.Tx, c *model.Comment) error {
	args := append([]any{c.SiteID, c.ID, millis(s.now())}, createdEventArgs(c)...)
	_, err := s.txStmt(ctx, tx, queueCreatedEventSQL).ExecContext(ctx, args...)
	return err
}

// nextNotifyEventsSQL reads the oldest events not yet fanned out.
const nextNotifyEventsSQL = `SELECT id, site_id, comment_id, kind, stage, after_key
	FROM notify_events ORDER BY id LIMIT ?`

// NextNotifyEvents returns the oldest events not yet fanned out, at most
// limit of them, oldest first; none when there is none.
func (s *Store) NextNotifyEvents(ctx context.Context, limit int) ([]NotifyEvent, error) {
	rows, err := s.queryPrepared(ctx, nextNotifyEventsSQL, limit)
	if err != nil {
		return nil, fmt.Errorf("store: next notify events: %w", err)
	}
	defer rows.Close()
	var out []NotifyEvent
	for rows.Next() {
		var ev NotifyEvent
		if err := rows.Scan(&ev.ID, &ev.SiteID, &ev.CommentID, &ev.Kind, &ev.Stage, &ev.After); err != nil {
			return nil, fmt.Errorf("store: next notify events: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: next notify events: %w", err)
	}
	return out, nil
}

// FinishNotifyEvents deletes, in one transaction, the events that have no
// one left to tell, each only if no other worker moved it on since it was
// read (as QueueNotices claims an event). Most comments cause no mail: one
// commit for many of them spares the database every comment writes to.
func (s *Store) FinishNotifyEvents(ctx context.Context, evs []NotifyEvent) error {
	if len(evs) == 0 {
		return nil
	}
	// Events of one stage and cursor (most are fresh: 0 and 0) go in one
	// statement.
	type progress struct {
		stage int
		after int64
	}
	groups := map[progress][]int64{}
	for _, ev := range evs {
		p := progress{ev.Stage, ev.After}
		groups[p] = append(groups[p], ev.ID)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for p, ids := range groups {
			in, args := idList(ids)
			if _, err := tx.ExecContext(ctx, s.q("DELETE FROM notify_events WHERE stage = ? AND after_key = ? AND id IN ("+in+")"),
				append([]any{p.stage, p.after}, args...)...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: finish notify events: %w", err)
	}
	return nil
}

// PendingNotifyEvents counts the events not yet fanned out.
func (s *Store) PendingNotifyEvents(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM notify_events").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count notify events: %w", err)
	}
	return n, nil
}

// QueueNotices records one batch of ev's fan-out in one transaction: each
// notice's links and mail (skipping an address that already had this
// event's mail), and the event's progress (stage, after); at StageDone the
// event is deleted. If another worker moved the event on meanwhile, nothing
// is written and ErrLostClaim is returned.
func (s *Store) QueueNotices(ctx context.Context, ev NotifyEvent, notices []Notice, stage int, after int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE notify_events SET stage = ?, after_key = ?
			WHERE id = ? AND stage = ? AND after_key = ?`), stage, after, ev.ID, ev.Stage, ev.After)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrLostClaim
		}
		for _, n := range notices {
			if err := s.queueNotice(ctx, tx, ev.ID, n); err != nil {
				return err
			}
		}
		if stage >= StageDone {
			_, err = tx.ExecContext(ctx, s.q("DELETE FROM notify_events WHERE id = ?"), ev.ID)
		}
		return err
	})
	if err != nil && !errors.Is(err, ErrLostClaim) {
		return fmt.Errorf("store: queue notices: %w", err)
	}
	return err
}

func (s *Store) queueNotice(ctx context.Context, tx *sql.Tx, eventID int64, n Notice) error {
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notify_sent (event_id, email_index) VALUES (?, ?)
		ON CONFLICT (event_id, email_index) DO NOTHING`), eventID, n.EmailIndex)
	if err != nil {
		return err
	}
	if k, err := res.RowsAffected(); err != nil || k == 0 {
		return err // this address already has the event's mail
	}
	for _, l := range n.Links {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO mail_links (token_hash, purpose, site_id, comment_id, user_id,
			email_index, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			l.TokenHash, l.Purpose, l.SiteID, nullID(l.CommentID), nullID(l.UserID), l.EmailIndex,
			millis(s.now()), millis(l.ExpiresAt)); err != nil {
			return err
		}
	}
	_, err = s.enqueueMail(ctx, tx, n.Mail)
	return err
}

// MailLinkByToken returns the link whose token hashes to tokenHash, if it
// has not expired at now (used or not); else ErrNotFound.
func (s *Store) MailLinkByToken(ctx context.Context, tokenHash []byte, now time.Time) (*MailLink, error) {
	l := MailLink{TokenHash: tokenHash}
	var expires int64
	var used sql.NullInt64
	err := s.read.QueryRowContext(ctx, s.q(`SELECT purpose, site_id, COALESCE(comment_id, 0), COALESCE(user_id, 0),
		email_index, expires_at, used_at FROM mail_links WHERE token_hash = ? AND expires_at > ?`), tokenHash, millis(now)).
		Scan(&l.Purpose, &l.SiteID, &l.CommentID, &l.UserID, &l.EmailIndex, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: mail link: %w", err)
	}
	l.ExpiresAt, l.UsedAt = fromMillis(expires), nullMillis(used)
	return &l, nil
}

// PurgeMailLinks deletes the links expired at now and returns how many.
func (s *Store) PurgeMailLinks(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM mail_links WHERE expires_at <= ?"), millis(now))
	if err != nil {
		return 0, fmt.Errorf("store: purge mail links: %w", err)
	}
	return res.RowsAffected()
}

// noteApproval queues an EventApproved when m approves comment id of its
// site while it is held, before the change: its author and thread hear of
// it (promise P9). Other actions queue nothing.
func (s *Store) noteApproval(ctx context.Context, tx *sql.Tx, m Moderation, id int64) error {
	if m.Action != ActionApprove {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO notify_events (site_id, comment_id, kind, created_at)
		SELECT site_id, id, ?, ? FROM comments WHERE id = ? AND site_id = ? AND status = 'pending'`),
		EventApproved, millis(s.now()), id, m.SiteID)
	return err
}

// PagePath returns the path of page id, or ErrNotFound.
func (s *Store) PagePath(ctx context.Context, id int64) (string, error) {
	var path string
	err := s.read.QueryRowContext(ctx, s.q("SELECT path FROM pages WHERE id = ?"), id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: page path: %w", err)
	}
	return path, nil
}
