package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// MaxBansListed bounds a site's list of bans.
const MaxBansListed = 100

// The audit log's names of the actions on commenters and addresses.
const (
	ActionEdit    = "edit"    // a moderator changed a comment's text
	ActionBan     = "ban"     // detail: scope and duration
	ActionUnban   = "unban"   // a ban lifted before it expired
	ActionBlock   = "block"   // an IP address or range blocked; detail: scope and duration
	ActionUnblock = "unblock" // a block lifted
)

// Ban is a commenter refused on one site (SiteID) or, when SiteID is 0, on
// every site. It names them by their account (UserID), else by the blind
// index of their guest email (EmailIndex), and by the keyed hash of their
// network (IPIndex, privacy.Sealer.IPIndex of clientip.NetworkKey), each
// when known. ExpiresAt nil is forever.
type Ban struct {
	ID         int64
	SiteID     int64
	UserID     int64
	EmailIndex []byte
	IPIndex    []byte
	CommentID  int64 // the comment the ban was made from; 0 when it is gone
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	// AuthorName is the name the comment shows (when listed), "" once it is gone.
	AuthorName string
}

// ErrBanEmpty is returned for a ban that names nobody: no account, email or network.
var ErrBanEmpty = errors.New("store: a ban needs an account, an email or a network")

// Action is who records an action in the audit log, and on which site.
type Action struct {
	SiteID  int64
	ActorID int64
	Detail  string // words for the audit log, never personal data
}

// CreateBan stores b (CreatedAt zero: now) and records it in the audit log
// of a.SiteID, in one transaction; b.ID is set.
func (s *Store) CreateBan(ctx context.Context, a Action, b *Ban) error {
	if b.UserID == 0 && len(b.EmailIndex) == 0 && len(b.IPIndex) == 0 {
		return ErrBanEmpty
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = s.now()
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO bans (site_id, user_id, email_index, ip_index, comment_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), nullID(b.SiteID), nullID(b.UserID), b.EmailIndex, b.IPIndex,
			nullID(b.CommentID), millis(b.CreatedAt), nullTime(b.ExpiresAt)).Scan(&b.ID)
		if err != nil {
			return err
		}
		if err := s.notifyInTx(ctx, tx, SiteChange{SiteID: b.SiteID, Bans: true}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ActionBan, b.CommentID, 0)
	})
	if err != nil {
		return fmt.Errorf("store: create ban: %w", err)
	}
	s.refusals.forget(b.SiteID)
	return nil
}

// audit records one action in the audit log (commentID, pageID: 0 for none).
func (s *Store) audit(ctx context.Context, tx *sql.Tx, a Action, action string, commentID, pageID int64) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit_log (site_id, actor_id, action, comment_id, page_id, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), a.SiteID, nullID(a.ActorID), action, nullID(commentID), nullID(pageID), a.Detail, millis(s.now()))
	return err
}

// Bans lists the bans that apply on a site and have not expired, newest
// first: the site's own and those on every site (SiteID 0); at most
// MaxBansListed.
func (s *Store) Bans(ctx context.Context, siteID int64) ([]Ban, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT b.id, COALESCE(b.site_id, 0), COALESCE(b.user_id, 0), b.email_index, b.ip_index,
		COALESCE(b.comment_id, 0), b.created_at, b.expires_at, COALESCE(u.name, c.guest_name, '')
		FROM bans b LEFT JOIN comments c ON c.id = b.comment_id LEFT JOIN users u ON u.id = c.author_id
		WHERE (b.site_id = ? OR b.site_id IS NULL) AND (b.expires_at IS NULL OR b.expires_at > ?)
		ORDER BY b.id DESC LIMIT ?`), siteID, millis(s.now()), MaxBansListed)
	if err != nil {
		return nil, fmt.Errorf("store: bans: %w", err)
	}
	defer rows.Close()
	var out []Ban
	for rows.Next() {
		var b Ban
		var created int64
		var expires sql.NullInt64
		if err := rows.Scan(&b.ID, &b.SiteID, &b.UserID, &b.EmailIndex, &b.IPIndex, &b.CommentID, &created, &expires, &b.AuthorName); err != nil {
			return nil, fmt.Errorf("store: bans: %w", err)
		}
		b.CreatedAt, b.ExpiresAt = fromMillis(created), nullMillis(expires)
		out = append(out, b)
	}
	return out, rows.Err()
}

// LiftBan deletes a ban and records it in the audit log of a.SiteID. A ban
// of another site gives ErrNotFound; a ban on every site is lifted only
// when everywhere is true (the operator).
func (s *Store) LiftBan(ctx context.Context, a Action, banID int64, everywhere bool) error {
	return s.lift(ctx, a, "bans", ActionUnban, banID, everywhere)
}

// lift deletes a row of bans or ip_blocks (table) as LiftBan says, and
// records action.
func (s *Store) lift(ctx context.Context, a Action, table, action string, id int64, everywhere bool) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var commentID int64
		err := tx.QueryRowContext(ctx, s.q(`DELETE FROM `+table+` WHERE id = ? AND (site_id = ? OR (site_id IS NULL AND ?))
			RETURNING COALESCE(comment_id, 0)`), id, a.SiteID, everywhere).Scan(&commentID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, action, commentID, 0)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: lift %s: %w", table, err)
	}
	return err
}

// BanCheck is who writes to a site: their account (0: none), the blind
// indexes of their email addresses (a guest's typed one, an account's) and
// the keyed hash of their network (nil: unknown).
type BanCheck struct {
	SiteID       int64
	UserID       int64
	EmailIndexes [][]byte
	IPIndex      []byte
}

// Banned returns the ban, on c.SiteID or on every site, that names c's
// account, one of its emails or its network and has not expired; when
// several do, the one that lasts longest. ErrNotFound when none does.
func (s *Store) Banned(ctx context.Context, c BanCheck) (*Ban, error) {
	ban, _, err := s.refused(ctx, c, netip.Addr{})
	if err == nil && ban == nil {
		err = ErrNotFound
	}
	return ban, err
}

// Refused is what keeps c from writing, if anything: the ban Banned
// gives, or else the id of the IP block on c.SiteID (or on every site)
// whose range holds ip, as BlockedIP gives (blocked). Both are read in one
// query on every write, with a second only when blocks are in force; ip
// may be "" or malformed (no block holds it).
func (s *Store) Refused(ctx context.Context, c BanCheck, ip string) (ban *Ban, blocked int64, err error) {
	addr, _ := netip.ParseAddr(ip)
	return s.refused(ctx, c, addr.Unmap().WithZone(""))
}

// refused is Refused for a parsed address, the blocks unasked for when
// addr is not valid.
func (s *Store) refused(ctx context.Context, c BanCheck, addr netip.Addr) (*Ban, int64, error) {
	if c.SiteID != 0 {
		clear, err := s.siteClear(ctx, c.SiteID)
		if err != nil {
			return nil, 0, fmt.Errorf("store: banned: %w", err)
		}
		if clear {
			return nil, 0, nil
		}
	}
	// One indexed lookup per identity (a site's bans may be many), with no
	// sort: the few bans found are compared here. The prefix lengths of
	// the blocks in force come in the same query, as bans of id 0.
	const each = `SELECT id, COALESCE(site_id, 0), created_at, expires_at FROM bans
		WHERE (site_id = ? OR site_id IS NULL) AND (expires_at IS NULL OR expires_at > ?) AND `
	now := millis(s.now())
	query, args := each+"user_id = ?", []any{c.SiteID, now, c.UserID}
	for _, e := range c.EmailIndexes {
		if len(e) > 0 {
			query += " UNION ALL " + each + "email_index = ?"
			args = append(args, c.SiteID, now, e)
		}
	}
	if len(c.IPIndex) > 0 {
		query += " UNION ALL " + each + "ip_index = ?"
		args = append(args, c.SiteID, now, c.IPIndex)
	}
	if addr.IsValid() {
		query += ` UNION ALL SELECT DISTINCT 0, bits, 0, 0 FROM ip_blocks
			WHERE (site_id = ? OR site_id IS NULL) AND (expires_at IS NULL OR expires_at > ?)`
		args = append(args, c.SiteID, now)
	}
	// query has a few shapes only (at most two emails): prepared once each.
	rows, err := s.queryPrepared(ctx, query+" LIMIT 200", args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: banned: %w", err)
	}
	defer rows.Close()
	var best *Ban
	var bits []int
	for rows.Next() {
		var b Ban
		var expires sql.NullInt64
		var created int64
		if err := rows.Scan(&b.ID, &b.SiteID, &created, &expires); err != nil {
			return nil, 0, fmt.Errorf("store: banned: %w", err)
		}
		b.CreatedAt, b.ExpiresAt = fromMillis(created), nullMillis(expires)
		switch {
		case b.ID == 0:
			bits = append(bits, int(b.SiteID))
		case best == nil || lastsLonger(&b, best):
			best = &b
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: banned: %w", err)
	}
	if best != nil || len(bits) == 0 {
		return best, 0, nil
	}
	blocked, err := s.blockHolding(ctx, c.SiteID, addr, bits, now)
	return nil, blocked, err
}

// lastsLonger reports whether ban a ends after ban b (never is last).
func lastsLonger(a, b *Ban) bool {
	switch {
	case a.ExpiresAt == nil:
		return b.ExpiresAt != nil
	case b.ExpiresAt == nil:
		return false
	}
	return a.ExpiresAt.After(*b.ExpiresAt)
}

// BanAuthor bans the author of a comment of a.SiteID, on that site or, when
// everywhere, on every site, until expires (nil: forever): by account when
// the comment has one, else by its guest email's blind index, and by the
// keyed hash of the network it was written from while that address is kept
// (privacy.Sealer.NetworkIndex). The address is opened here and goes no
// further. A comment of another site gives ErrNotFound; one with nothing
// left to ban by (an anonymous guest whose address was purged), ErrBanEmpty.
func (s *Store) BanAuthor(ctx context.Context, a Action, commentID int64, everywhere bool, expires *time.Time) (*Ban, error) {
	var b Ban
	var ipSealed []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COALESCE(author_id, 0), guest_email_index, ip_sealed FROM comments
		WHERE id = ? AND site_id = ?`), commentID, a.SiteID).Scan(&b.UserID, &b.EmailIndex, &ipSealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: ban author: %w", err)
	}
	if b.UserID != 0 {
		b.EmailIndex = nil // the account is the author, whatever it typed as a guest once
	}
	ip, err := s.sealer.Open(ipSealed)
	if err != nil {
		return nil, fmt.Errorf("store: ban author: %w", err)
	}
	b.IPIndex = s.sealer.NetworkIndex(ip)
	if !everywhere {
		b.SiteID = a.SiteID
	}
	b.CommentID, b.CreatedAt, b.ExpiresAt = commentID, s.now(), expires
	if err := s.CreateBan(ctx, a, &b); err != nil {
		return nil, err
	}
	return &b, nil
}
