package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/clientip"
)

// MaxIPBlocksPerSite bounds the IP blocks in force on one site, and those
// on every site: the dashboard lists them all, each opened from its sealed
// copy.
const MaxIPBlocksPerSite = 200

// IPBlock is an address or a range refused on one site (SiteID) or, when
// SiteID is 0, on every site. Prefix is opened from its sealed copy;
// Hidden blocks were made from a comment's stored address and their Prefix
// is never shown. ExpiresAt nil is forever.
type IPBlock struct {
	ID        int64
	SiteID    int64
	Prefix    netip.Prefix
	Hidden    bool
	CommentID int64
	CreatedAt time.Time
	ExpiresAt *time.Time
}

// ErrTooManyBlocks is returned when a site (or every site) already has
// MaxIPBlocksPerSite blocks that have not expired.
var ErrTooManyBlocks = errors.New("store: too many IP blocks")

// CreateIPBlock stores b, sealed (CreatedAt zero: now), and records it in the audit log of
// a.SiteID; ErrTooManyBlocks past MaxIPBlocksPerSite. b.ID is set.
func (s *Store) CreateIPBlock(ctx context.Context, a Action, b *IPBlock) error {
	if b.CreatedAt.IsZero() {
		b.CreatedAt = s.now()
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM ip_blocks WHERE `+blockScope(b.SiteID)+`
			AND (expires_at IS NULL OR expires_at > ?)`), scopeArgs(b.SiteID, millis(s.now()))...).Scan(&n); err != nil {
			return err
		}
		if n >= MaxIPBlocksPerSite {
			return ErrTooManyBlocks
		}
		b.Prefix = b.Prefix.Masked()
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO ip_blocks (site_id, cidr_sealed, prefix_index, bits, hidden, comment_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), nullID(b.SiteID), s.sealer.Seal(b.Prefix.String()), s.prefixIndex(b.Prefix),
			b.Prefix.Bits(), b.Hidden, nullID(b.CommentID), millis(b.CreatedAt), nullTime(b.ExpiresAt)).Scan(&b.ID)
		if err != nil {
			return err
		}
		if err := s.notifyInTx(ctx, tx, SiteChange{SiteID: b.SiteID, Bans: true}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ActionBlock, b.CommentID, 0)
	})
	switch {
	case err == nil:
		s.refusals.forget(b.SiteID)
	case !errors.Is(err, ErrTooManyBlocks):
		return fmt.Errorf("store: create ip block: %w", err)
	}
	return err
}

// blockScope selects the blocks of one site, or those on every site (0).
func blockScope(siteID int64) string {
	if siteID == 0 {
		return "site_id IS NULL"
	}
	return "site_id = ?"
}

func scopeArgs(siteID int64, rest ...any) []any {
	if siteID == 0 {
		return rest
	}
	return append([]any{siteID}, rest...)
}

// IPBlocks returns the blocks that apply on a site and have not expired:
// the site's own and those on every site, newest first; at most
// 2 × MaxIPBlocksPerSite.
func (s *Store) IPBlocks(ctx context.Context, siteID int64) ([]IPBlock, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, COALESCE(site_id, 0), cidr_sealed, hidden, COALESCE(comment_id, 0), created_at, expires_at
		FROM ip_blocks WHERE (site_id = ? OR site_id IS NULL) AND (expires_at IS NULL OR expires_at > ?)
		ORDER BY id DESC LIMIT ?`), siteID, millis(s.now()), 2*MaxIPBlocksPerSite)
	if err != nil {
		return nil, fmt.Errorf("store: ip blocks: %w", err)
	}
	defer rows.Close()
	var out []IPBlock
	for rows.Next() {
		var b IPBlock
		var sealed []byte
		var created int64
		var expires sql.NullInt64
		if err := rows.Scan(&b.ID, &b.SiteID, &sealed, &b.Hidden, &b.CommentID, &created, &expires); err != nil {
			return nil, fmt.Errorf("store: ip blocks: %w", err)
		}
		plain, err := s.sealer.Open(sealed)
		if err != nil {
			return nil, fmt.Errorf("store: ip blocks: %w", err)
		}
		if b.Prefix, err = netip.ParsePrefix(plain); err != nil {
			return nil, fmt.Errorf("store: ip blocks: %w", err)
		}
		b.CreatedAt, b.ExpiresAt = fromMillis(created), nullMillis(expires)
		out = append(out, b)
	}
	return out, rows.Err()
}

// prefixIndex is the keyed hash a block of p is found by: that of its
// masked prefix ("192.0.2.0/24"), never equal to an address's IPIndex.
func (s *Store) prefixIndex(p netip.Prefix) []byte {
	return s.sealer.IPIndex(p.Masked().String())
}

// BlockedIP returns the id of a block on a site (or on every site) whose
// range holds ip, or ErrNotFound; an address that does not parse is blocked
// by nothing. No block is opened: ip is hashed at each prefix length the
// blocks in force use, and the hashes are looked up.
func (s *Store) BlockedIP(ctx context.Context, siteID int64, ip string) (int64, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return 0, ErrNotFound
	}
	addr = addr.Unmap().WithZone("")
	now := millis(s.now())
	rows, err := s.queryPrepared(ctx, `SELECT bits FROM ip_blocks WHERE site_id = ? AND (expires_at IS NULL OR expires_at > ?)
		UNION SELECT bits FROM ip_blocks WHERE site_id IS NULL AND (expires_at IS NULL OR expires_at > ?)`, siteID, now, now)
	if err != nil {
		return 0, fmt.Errorf("store: blocked ip: %w", err)
	}
	defer rows.Close()
	var bits []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("store: blocked ip: %w", err)
		}
		bits = append(bits, n)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: blocked ip: %w", err)
	}
	id, err := s.blockHolding(ctx, siteID, addr, bits, now)
	if err == nil && id == 0 {
		err = ErrNotFound
	}
	return id, err
}

// blockHolding returns the id of a block in force at now on siteID (or on
// every site) whose range holds addr, 0 for none, given the prefix lengths
// of the blocks in force.
func (s *Store) blockHolding(ctx context.Context, siteID int64, addr netip.Addr, bits []int, now int64) (int64, error) {
	var hashes []any
	var marks []string
	for _, n := range bits {
		if p, err := addr.Prefix(n); err == nil {
			hashes, marks = append(hashes, s.prefixIndex(p)), append(marks, "?")
		}
	}
	if len(hashes) == 0 {
		return 0, nil
	}
	var id int64
	err := s.read.QueryRowContext(ctx, s.q(`SELECT id FROM ip_blocks WHERE (site_id = ? OR site_id IS NULL)
		AND (expires_at IS NULL OR expires_at > ?) AND prefix_index IN (`+strings.Join(marks, ", ")+`) LIMIT 1`),
		append([]any{siteID, now}, hashes...)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: blocked ip: %w", err)
	}
	return id, nil
}

// LiftIPBlock deletes a block and records it in the audit log of
// a.SiteID. A block of another site gives ErrNotFound; one on every site is
// lifted only when everywhere is true (the operator).
func (s *Store) LiftIPBlock(ctx context.Context, a Action, blockID int64, everywhere bool) error {
	return s.lift(ctx, a, "ip_blocks", ActionUnblock, blockID, everywhere)
}

// CommentIP opens the address a comment of a site was written from, for a
// ban or a block made from it, never for showing; "" when it is no longer
// kept (see PurgeIPs). A comment of another site gives ErrNotFound.
func (s *Store) CommentIP(ctx context.Context, siteID, commentID int64) (string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT ip_sealed FROM comments WHERE id = ? AND site_id = ?"), commentID, siteID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: comment ip: %w", err)
	}
	ip, err := s.sealer.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("store: comment ip: %w", err)
	}
	return ip, nil
}

// ErrNoAddress is returned for a block of a comment's address when the
// comment's address is no longer kept (see PurgeIPs).
var ErrNoAddress = errors.New("store: the comment's address is no longer kept")

// BlockCommentIP blocks the network a comment of a.SiteID was written from
// (clientip.Network: the IPv4 address, or the IPv6 /64), on that site or,
// when everywhere, on every site, until expires (nil: forever). The block is
// hidden: the address is opened here and never shown. A comment of another
// site gives ErrNotFound; ErrNoAddress and ErrTooManyBlocks as they say.
func (s *Store) BlockCommentIP(ctx context.Context, a Action, commentID int64, everywhere bool, expires *time.Time) error {
	ip, err := s.CommentIP(ctx, a.SiteID, commentID)
	if err != nil {
		return err
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ErrNoAddress
	}
	b := &IPBlock{Prefix: clientip.Network(addr), Hidden: true, CommentID: commentID, CreatedAt: s.now(), ExpiresAt: expires}
	if !everywhere {
		b.SiteID = a.SiteID
	}
	return s.CreateIPBlock(ctx, a, b)
}
