package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
)

// ErrWrongAccount: an invitation is accepted only by the account whose
// email is the invited address; another account gets this and changes nothing.
var ErrWrongAccount = errors.New("store: the invitation is for another address")

// SiteInvitation is an invitation to a role on a site, mailed to an address.
// Its link's token is stored only as a hash, its address sealed.
type SiteInvitation struct {
	ID        int64
	SiteID    int64
	Email     string
	Role      model.Role // RoleModerator
	InvitedBy int64      // 0 when that account is gone
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSiteInvitation stores inv (filling its ID), whose link's token hashes
// to tokenHash, and queues m, the mail carrying the link, in one
// transaction: the mail exists exactly when the invitation does.
func (s *Store) CreateSiteInvitation(ctx context.Context, inv *SiteInvitation, tokenHash []byte, m model.Mail) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO site_invitations
			(site_id, token_hash, email_sealed, email_index, role, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			inv.SiteID, tokenHash, s.sealer.Seal(inv.Email), s.sealer.EmailIndex(inv.Email), string(inv.Role),
			nullID(inv.InvitedBy), millis(inv.CreatedAt), millis(inv.ExpiresAt)).Scan(&inv.ID)
		if err != nil {
			return err
		}
		_, err = s.enqueueMail(ctx, tx, m)
		return err
	})
	return wrapErr("create invitation", err)
}

const siteInvitationColumns = "id, site_id, email_sealed, role, COALESCE(invited_by, 0), created_at, expires_at"

func (s *Store) scanSiteInvitation(row rowScanner) (*SiteInvitation, error) {
	var inv SiteInvitation
	var sealed []byte
	var role string
	var created, expires int64
	if err := row.Scan(&inv.ID, &inv.SiteID, &sealed, &role, &inv.InvitedBy, &created, &expires); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	email, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, err
	}
	inv.Email, inv.Role, inv.CreatedAt, inv.ExpiresAt = email, model.Role(role), fromMillis(created), fromMillis(expires)
	return &inv, nil
}

// Invitations lists a site's invitations that can still be accepted at
// now, oldest first.
func (s *Store) SiteInvitations(ctx context.Context, siteID int64, now time.Time) ([]SiteInvitation, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+siteInvitationColumns+` FROM site_invitations
		WHERE site_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY id`), siteID, millis(now))
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	defer rows.Close()
	var out []SiteInvitation
	for rows.Next() {
		inv, err := s.scanSiteInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: invitations: %w", err)
		}
		out = append(out, *inv)
	}
	return out, rows.Err()
}

// SiteInvitationByToken returns the invitation of a link that can be accepted at
// now, or why not: ErrTokenUsed, ErrTokenExpired or ErrNotFound. It
// changes nothing.
func (s *Store) SiteInvitationByToken(ctx context.Context, tokenHash []byte, now time.Time) (*SiteInvitation, error) {
	var used sql.NullInt64
	inv, err := s.scanSiteInvitation(scanExtra{s.read.QueryRowContext(ctx, s.q("SELECT "+siteInvitationColumns+
		", used_at FROM site_invitations WHERE token_hash = ?"), tokenHash), []any{&used}})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("store: invitation: %w", err)
	case used.Valid:
		return nil, ErrTokenUsed
	case !inv.ExpiresAt.After(now):
		return nil, ErrTokenExpired
	}
	return inv, nil
}

// AcceptSiteInvitation spends the invitation of a link at now for u, whose
// email must be the invited address (else ErrWrongAccount), and gives u
// its role on the site, in one transaction. The site's owner keeps being
// its owner (the invitation is spent all the same). Errors as SiteInvitationByToken.
func (s *Store) AcceptSiteInvitation(ctx context.Context, tokenHash []byte, u *model.User, now time.Time) (*SiteInvitation, error) {
	inv, err := s.SiteInvitationByToken(ctx, tokenHash, now)
	if err != nil {
		return nil, err
	}
	if !privacy.SameEmail(u.Email, inv.Email) {
		return nil, ErrWrongAccount
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE site_invitations SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`), millis(now), tokenHash, millis(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return ErrTokenUsed // spent since SiteInvitationByToken read it
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO site_members (site_id, user_id, role, created_at)
			SELECT id, ?, ?, ? FROM sites WHERE id = ? AND (owner_id IS NULL OR owner_id <> ?)
			ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role WHERE site_members.role <> 'owner'`),
			u.ID, string(inv.Role), millis(now), inv.SiteID, u.ID)
		return err
	})
	if err != nil && !errors.Is(err, ErrTokenUsed) {
		return nil, fmt.Errorf("store: accept invitation: %w", err)
	}
	return inv, err
}

// DeleteSiteInvitation withdraws an invitation of a site; ErrNotFound when the
// site has no such invitation.
func (s *Store) DeleteSiteInvitation(ctx context.Context, siteID, id int64) error {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM site_invitations WHERE site_id = ? AND id = ?"), siteID, id)
	if err != nil {
		return fmt.Errorf("store: delete invitation: %w", err)
	}
	return mustAffect(res)
}

// PurgeSiteInvitations deletes the invitations that expired before cutoff,
// accepted or not, and returns how many; the hourly retention job calls it.
func (s *Store) PurgeSiteInvitations(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM site_invitations WHERE expires_at < ?"), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge invitations: %w", err)
	}
	return res.RowsAffected()
}

// TransferSite makes newOwnerID, a member of the site, its owner; the
// previous owner of record (if any) becomes a moderator of the site, and
// the new owner's membership row goes (the owner needs none), in one
// transaction. ErrNotFound when the site does not exist or newOwnerID is
// not one of its members.
func (s *Store) TransferSite(ctx context.Context, siteID, newOwnerID int64) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var prev int64
		err := tx.QueryRowContext(ctx, s.q("SELECT COALESCE(owner_id, 0) FROM sites WHERE id = ?"), siteID).Scan(&prev)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM site_members WHERE site_id = ? AND user_id = ?"), siteID, newOwnerID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE sites SET owner_id = ? WHERE id = ?"), newOwnerID, siteID); err != nil {
			return err
		}
		if prev == 0 || prev == newOwnerID {
			return nil
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO site_members (site_id, user_id, role, created_at) VALUES (?, ?, 'moderator', ?)
			ON CONFLICT (site_id, user_id) DO UPDATE SET role = 'moderator'`), siteID, prev, millis(s.now()))
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: transfer site: %w", err)
	}
	return err
}
