package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// SignUpOrigin is what a sign-up brings besides the account: where it came
// from, and the invitation it spends when sign-up is by invitation only.
type SignUpOrigin struct {
	// IP is the client's address, kept sealed with the account
	// (users.signup_ip_sealed) until PurgeSignupIPs; "" keeps none.
	IP string
	// Invitation is the hash of the invitation the sign-up spends; nil for
	// none. An invitation that does not exist (revoked, spent) or expired at
	// Now gives ErrNotFound, and nothing is created.
	Invitation []byte
	Now        time.Time
}

// SignUpFrom is SignUp that also records from and, when from names an
// invitation, spends it in the same transaction: two sign-ups racing with
// one invitation create one account.
func (s *Store) SignUpFrom(ctx context.Context, u *model.User, from SignUpOrigin, tok AccountToken, tokenHash []byte, m model.Mail) error {
	u.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if from.Invitation != nil {
			if err := s.spendInvitation(ctx, tx, from.Invitation, from.Now); err != nil {
				return err
			}
		}
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO users (name, email_sealed, email_index, role, password_hash,
			website, avatar_url, profile_url, created_at, signed_up, signup_ip_sealed)
			VALUES (?, ?, ?, ?, ?, '', '', '', ?, TRUE, ?) ON CONFLICT (email_index) DO NOTHING RETURNING id`),
			u.Name, s.sealer.Seal(u.Email), s.sealer.EmailIndex(u.Email), string(u.Role), nullString(u.PasswordHash),
			millis(u.CreatedAt), s.sealer.Seal(from.IP)).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		u.SignedUp = true
		tok.UserID = u.ID
		return s.insertAccountToken(ctx, tx, tok, tokenHash, m)
	})
	if err != nil && !errors.Is(err, ErrExists) && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: sign up: %w", err)
	}
	return err
}

// SignupIP returns the address an account signed up from, opened, for the
// operator's abuse handling; "" when none is kept (an account the operator
// or a provider made, or one older than the retention period). ErrNotFound
// when there is no such account.
func (s *Store) SignupIP(ctx context.Context, userID int64) (string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT signup_ip_sealed FROM users WHERE id = ?"), userID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: signup ip: %w", err)
	}
	ip, err := s.sealer.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("store: signup ip: %w", err)
	}
	return ip, nil
}

// PurgeSignupIPs erases the sign-up address of accounts created before
// cutoff and returns how many it erased.
func (s *Store) PurgeSignupIPs(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE users SET signup_ip_sealed = NULL
		WHERE signup_ip_sealed IS NOT NULL AND created_at < ?`), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge signup ips: %w", err)
	}
	return res.RowsAffected()
}

// SitesOwnedBy lists the sites whose owner is userID, by host.
func (s *Store) SitesOwnedBy(ctx context.Context, userID int64) ([]*model.Site, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+siteColumns+" FROM sites WHERE owner_id = ? ORDER BY host"), userID)
	if err != nil {
		return nil, fmt.Errorf("store: sites owned by: %w", err)
	}
	defer rows.Close()
	var out []*model.Site
	for rows.Next() {
		site, err := scanSite(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sites owned by: %w", err)
		}
		out = append(out, site)
	}
	return out, rows.Err()
}

// DeleteAccount deletes an account as its owner asks on the dashboard, in
// one transaction: every site it owns with everything under it (as
// DeleteSite), then the account as EraseAccount does with mode for its
// comments on other sites (its sessions, memberships, logins and links go
// with it). It returns the ids of the deleted sites. ErrNotFound when there
// is no such account.
func (s *Store) DeleteAccount(ctx context.Context, userID int64, mode EraseMode) ([]int64, error) {
	var deleted []int64
	err := s.eraseTx(ctx, func(tx *sql.Tx) (err error) {
		deleted, err = s.deleteAccount(ctx, tx, userID, mode)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: delete account: %w", err)
	}
	return deleted, err
}

// deleteAccount is DeleteAccount inside tx.
func (s *Store) deleteAccount(ctx context.Context, tx *sql.Tx, userID int64, mode EraseMode) ([]int64, error) {
	ids, err := s.idsTx(ctx, tx, "SELECT id FROM sites WHERE owner_id = ? ORDER BY id", userID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := s.deleteSite(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	return ids, s.eraseAccount(ctx, tx, userID, mode)
}

// ownerData fills in an account's sign-up address and the invitations it
// sent.
func (s *Store) ownerData(ctx context.Context, d *PersonalData, userID int64) error {
	var err error
	if d.SignupIP, err = s.SignupIP(ctx, userID); err != nil {
		return err
	}
	d.InvitationsSent, err = s.invitationsWhere(ctx, "invited_by = ?", userID)
	return err
}
