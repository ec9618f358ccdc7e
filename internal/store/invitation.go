package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Invitations are the single-use sign-up links of PARLEY_SIGNUP=invite.
// The store keeps the SHA-256 of each token only, and the invited address
// sealed; how long an invitation lives is the caller's choice (ExpiresAt).

// Invitation is one invitation to sign up.
type Invitation struct {
	ID        int64
	Email     string // the invited address; the sign-up uses it
	InvitedBy int64  // the operator who sent it; 0 once that account is gone
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateInvitation stores an invitation (inv.ID is filled in) and queues
// its mail in one transaction.
func (s *Store) CreateInvitation(ctx context.Context, inv *Invitation, tokenHash []byte, m model.Mail) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO invitations (token_hash, email_sealed, email_index, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), tokenHash, s.sealer.Seal(inv.Email), s.sealer.EmailIndex(inv.Email),
			nullID(inv.InvitedBy), millis(inv.CreatedAt), millis(inv.ExpiresAt)).Scan(&inv.ID)
		if err != nil {
			return err
		}
		_, err = s.enqueueMail(ctx, tx, m)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create invitation: %w", err)
	}
	return nil
}

const invitationColumns = "id, email_sealed, COALESCE(invited_by, 0), created_at, expires_at"

// PendingInvitations lists the invitations not used, revoked or expired at
// now, newest first.
func (s *Store) PendingInvitations(ctx context.Context, now time.Time) ([]Invitation, error) {
	out, err := s.invitationsWhere(ctx, "expires_at > ?", millis(now))
	if err != nil {
		return nil, fmt.Errorf("store: pending invitations: %w", err)
	}
	return out, nil
}

// invitationsWhere lists the invitations matching where, newest first.
func (s *Store) invitationsWhere(ctx context.Context, where string, args ...any) ([]Invitation, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+invitationColumns+" FROM invitations WHERE "+where+" ORDER BY id DESC"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		inv, err := s.scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *inv)
	}
	return out, rows.Err()
}

// InvitationByToken returns the invitation of a token's hash that can be
// used at now, or ErrNotFound (never sent, revoked, used or expired).
func (s *Store) InvitationByToken(ctx context.Context, tokenHash []byte, now time.Time) (*Invitation, error) {
	inv, err := s.scanInvitation(s.read.QueryRowContext(ctx, s.q("SELECT "+invitationColumns+
		" FROM invitations WHERE token_hash = ? AND expires_at > ?"), tokenHash, millis(now)))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: invitation: %w", err)
	}
	return inv, err
}

// RevokeInvitation deletes an invitation: its link stops working.
// ErrNotFound when there is no such invitation.
func (s *Store) RevokeInvitation(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM invitations WHERE id = ?"), id)
	if err != nil {
		return fmt.Errorf("store: revoke invitation: %w", err)
	}
	return mustAffect(res)
}

// PurgeInvitations deletes the invitations expired before cutoff.
func (s *Store) PurgeInvitations(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM invitations WHERE expires_at < ?"), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge invitations: %w", err)
	}
	return res.RowsAffected()
}

// spendInvitation deletes the invitation of tokenHash inside tx, or gives
// ErrNotFound when none can be used at now.
func (s *Store) spendInvitation(ctx context.Context, tx *sql.Tx, tokenHash []byte, now time.Time) error {
	res, err := tx.ExecContext(ctx, s.q("DELETE FROM invitations WHERE token_hash = ? AND expires_at > ?"), tokenHash, millis(now))
	if err != nil {
		return err
	}
	return mustAffect(res)
}

func (s *Store) scanInvitation(row rowScanner) (*Invitation, error) {
	var inv Invitation
	var sealed []byte
	var created, expires int64
	err := row.Scan(&inv.ID, &sealed, &inv.InvitedBy, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if inv.Email, err = s.sealer.Open(sealed); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &inv, nil
}
