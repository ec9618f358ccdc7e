package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// The actions a guest's privacy request asks for (PrivacyRequest.Action).
const (
	PrivacyExport = "export" // download every comment written with the email
	PrivacyErase  = "erase"  // erase them
	PrivacyVerify = "verify" // confirm the email: the guest becomes a verified guest
)

// PrivacyRequest is a link mailed to a guest, as stored: its token only as
// a hash, its email only as a blind index.
type PrivacyRequest struct {
	ID         int64
	EmailIndex []byte
	Action     string
	SiteID     int64 // the site it was asked from; 0: the instance
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

const privacyRequestColumns = "id, email_index, action, COALESCE(site_id, 0), created_at, expires_at"

// CreatePrivacyRequest stores a request of action for email, whose link
// has the token hashed as tokenHash and expires at expires, and queues m,
// the mail carrying that link, in the same transaction; requests that have
// expired are deleted with it. It returns the mail's outbox id.
func (s *Store) CreatePrivacyRequest(ctx context.Context, tokenHash []byte, email, action string, siteID int64, expires time.Time, m model.Mail) (int64, error) {
	index := s.sealer.EmailIndex(email)
	if index == nil || len(tokenHash) == 0 {
		return 0, fmt.Errorf("store: create privacy request: no email or token")
	}
	var mailID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := millis(s.now())
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM privacy_requests WHERE expires_at <= ?"), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO privacy_requests (token_hash, email_index, action, site_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`), tokenHash, index, action, nullID(siteID), now, millis(expires)); err != nil {
			return err
		}
		var err error
		mailID, err = s.enqueueMail(ctx, tx, m)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: create privacy request: %w", err)
	}
	return mailID, nil
}

// PrivacyRequest returns the request whose link has the token hashed as
// tokenHash, if it is not used and not expired at now; else ErrNotFound.
func (s *Store) PrivacyRequest(ctx context.Context, tokenHash []byte, now time.Time) (*PrivacyRequest, error) {
	row := s.read.QueryRowContext(ctx, s.q("SELECT "+privacyRequestColumns+
		" FROM privacy_requests WHERE token_hash = ? AND expires_at > ?"), tokenHash, millis(now))
	req, err := scanPrivacyRequest(row)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: privacy request: %w", err)
	}
	return req, err
}

// UseExportRequest uses an export link: the request is deleted (a link
// works once) and returned. ErrNotFound as PrivacyRequest, and for a link
// of another action.
func (s *Store) UseExportRequest(ctx context.Context, tokenHash []byte, now time.Time) (*PrivacyRequest, error) {
	var req *PrivacyRequest
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		req, err = s.usePrivacyRequest(ctx, tx, tokenHash, PrivacyExport, now)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: use export request: %w", err)
	}
	return req, err
}

// VerifyGuest uses a verify link and records, in the same transaction,
// that its email is a verified guest's (the first confirmation's time is
// kept). ErrNotFound as UseExportRequest.
func (s *Store) VerifyGuest(ctx context.Context, tokenHash []byte, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		req, err := s.usePrivacyRequest(ctx, tx, tokenHash, PrivacyVerify, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO verified_guests (email_index, verified_at) VALUES (?, ?)
			ON CONFLICT (email_index) DO NOTHING`), req.EmailIndex, millis(now))
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: verify guest: %w", err)
	}
	return err
}

// GuestVerified reports whether email is a verified guest's.
func (s *Store) GuestVerified(ctx context.Context, email string) (bool, error) {
	index := s.sealer.EmailIndex(email)
	if index == nil {
		return false, nil
	}
	var n int
	if err := s.read.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM verified_guests WHERE email_index = ?"), index).Scan(&n); err != nil {
		return false, fmt.Errorf("store: guest verified: %w", err)
	}
	return n > 0, nil
}

// usePrivacyRequest deletes, within tx, the unexpired request of action
// with that token hash and returns it; ErrNotFound when there is none.
func (s *Store) usePrivacyRequest(ctx context.Context, tx *sql.Tx, tokenHash []byte, action string, now time.Time) (*PrivacyRequest, error) {
	return scanPrivacyRequest(tx.QueryRowContext(ctx, s.q("DELETE FROM privacy_requests WHERE token_hash = ? AND action = ? AND expires_at > ? RETURNING "+
		privacyRequestColumns), tokenHash, action, millis(now)))
}

func scanPrivacyRequest(row rowScanner) (*PrivacyRequest, error) {
	var req PrivacyRequest
	var created, expires int64
	err := row.Scan(&req.ID, &req.EmailIndex, &req.Action, &req.SiteID, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	req.CreatedAt, req.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &req, nil
}
