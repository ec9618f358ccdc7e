package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Account tokens are the single-use links of account mails: confirm an
// email, reset a password, change an email. The store holds only the
// SHA-256 of a token (tokenHash); what a token may do is its Purpose, and
// how long it lives is package auth's choice.

// TokenPurpose says what an account token may do.
type TokenPurpose string

// The purposes of account tokens.
const (
	TokenVerify      TokenPurpose = "verify"       // confirm the account's email
	TokenReset       TokenPurpose = "reset"        // set a new password
	TokenEmailChange TokenPurpose = "email_change" // replace the email with AccountToken.NewEmail
)

// HoldEmailUnverified is the hold reason of a comment by an account whose
// email is not confirmed yet, which the site's moderation would have
// published: confirming the email publishes it.
const HoldEmailUnverified = "email_unverified"

// Why a token is refused. A link that was never issued, was mistyped or was
// purged after it expired gives ErrNotFound.
var (
	ErrTokenUsed    = errors.New("store: link already used")
	ErrTokenExpired = errors.New("store: link expired")
)

// AccountToken is one token to store: whose, for what, until when.
type AccountToken struct {
	UserID    int64
	Purpose   TokenPurpose
	NewEmail  string // TokenEmailChange only; sealed at rest
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Released is a page whose comments a confirmation published: its cached
// thread is stale.
type Released struct {
	SiteID, PageID int64
}

// SignUp creates an account (u, as CreateUser, marked SignedUp) with a verification token
// and queues its mail, all in one transaction: the mail exists exactly when
// the account does. An email that already has an account gives ErrExists
// and changes nothing.
func (s *Store) SignUp(ctx context.Context, u *model.User, tok AccountToken, tokenHash []byte, m model.Mail) error {
	return s.SignUpFrom(ctx, u, SignUpOrigin{}, tok, tokenHash, m)
}

// CreateAccountToken stores a token and queues its mails in one
// transaction. A user that does not exist (any more) gives ErrNotFound.
func (s *Store) CreateAccountToken(ctx context.Context, tok AccountToken, tokenHash []byte, mails ...model.Mail) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return s.insertAccountToken(ctx, tx, tok, tokenHash, mails...)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: create account token: %w", err)
	}
	return err
}

func (s *Store) insertAccountToken(ctx context.Context, tx *sql.Tx, tok AccountToken, tokenHash []byte, mails ...model.Mail) error {
	var newEmail any
	if tok.Purpose == TokenEmailChange {
		newEmail = s.sealer.Seal(tok.NewEmail)
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO account_tokens (token_hash, user_id, purpose, new_email_sealed, created_at, expires_at)
		SELECT ?, id, ?, ?, ?, ? FROM users WHERE id = ?`),
		tokenHash, string(tok.Purpose), newEmail, millis(tok.CreatedAt), millis(tok.ExpiresAt), tok.UserID)
	if err != nil {
		return err
	}
	if err := mustAffect(res); err != nil {
		return err
	}
	for _, m := range mails {
		if _, err := s.enqueueMail(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// CheckAccountToken returns the user of a token of purpose that could be
// used at now, or why not: ErrTokenUsed, ErrTokenExpired or ErrNotFound. It
// changes nothing (a form shows it before the token is spent).
func (s *Store) CheckAccountToken(ctx context.Context, tokenHash []byte, purpose TokenPurpose, now time.Time) (int64, error) {
	return s.tokenState(ctx, s.read, tokenHash, purpose, now)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tokenState returns the user of a usable token, or why it is not usable.
func (s *Store) tokenState(ctx context.Context, q querier, tokenHash []byte, purpose TokenPurpose, now time.Time) (int64, error) {
	var userID, expires int64
	var used sql.NullInt64
	err := q.QueryRowContext(ctx, s.q("SELECT user_id, expires_at, used_at FROM account_tokens WHERE token_hash = ? AND purpose = ?"),
		tokenHash, string(purpose)).Scan(&userID, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, ErrNotFound
	case err != nil:
		return 0, fmt.Errorf("store: account token: %w", err)
	case used.Valid:
		return 0, ErrTokenUsed
	case expires <= millis(now):
		return 0, ErrTokenExpired
	}
	return userID, nil
}

// useToken spends a token inside tx and returns its user and, for an email
// change, the new email. Only one of two concurrent uses succeeds; the other
// gets ErrTokenUsed. The user's other unused tokens of the same purpose are
// spent too: once one link of a kind has worked, older mails of that kind
// are void.
func (s *Store) useToken(ctx context.Context, tx *sql.Tx, tokenHash []byte, purpose TokenPurpose, now time.Time) (int64, string, error) {
	var userID int64
	var sealed []byte
	err := tx.QueryRowContext(ctx, s.q(`UPDATE account_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id, new_email_sealed`), millis(now), tokenHash, string(purpose), millis(now)).Scan(&userID, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = s.tokenState(ctx, tx, tokenHash, purpose, now)
		if err == nil { // used between the two statements
			err = ErrTokenUsed
		}
		return 0, "", err
	}
	if err != nil {
		return 0, "", err
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`),
		millis(now), userID, string(purpose)); err != nil {
		return 0, "", err
	}
	var email string
	if len(sealed) > 0 {
		if email, err = s.sealer.Open(sealed); err != nil {
			return 0, "", err
		}
	}
	return userID, email, nil
}

// spendAll spends every unused token of a user: after a password reset or
// an email change, no link mailed before (to the old address, or while
// someone else knew the password) may still act on the account.
func (s *Store) spendAll(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, s.q("UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL"), millis(now), userID)
	return err
}

// tokenErr wraps an unexpected error once and passes the sentinels through.
func tokenErr(op string, err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrTokenUsed) || errors.Is(err, ErrTokenExpired) || errors.Is(err, ErrExists) {
		return err
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// VerifyEmail spends a verify token at now: the account's email is
// confirmed (if it was not already), and its comments held for that reason
// (HoldEmailUnverified) are published, in one transaction. It returns the
// account and the pages whose threads changed. Errors: ErrNotFound,
// ErrTokenUsed, ErrTokenExpired.
func (s *Store) VerifyEmail(ctx context.Context, tokenHash []byte, now time.Time) (*model.User, []Released, error) {
	var userID int64
	var pages []Released
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if userID, _, err = s.useToken(ctx, tx, tokenHash, TokenVerify, now); err != nil {
			return err
		}
		pages, err = s.confirmEmail(ctx, tx, userID, now)
		return err
	})
	if err != nil {
		return nil, nil, tokenErr("verify email", err)
	}
	u, err := s.UserByID(ctx, userID)
	return u, pages, err
}

// confirmEmail marks a user's email confirmed at now (keeping an earlier
// confirmation), makes the sites the user owns live and publishes the
// comments held until then.
func (s *Store) confirmEmail(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) ([]Released, error) {
	if _, err := tx.ExecContext(ctx, s.q("UPDATE users SET email_verified_at = ? WHERE id = ? AND email_verified_at IS NULL"),
		millis(now), userID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, s.q("UPDATE sites SET live = TRUE WHERE owner_id = ? AND NOT live"), userID); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, s.q(`UPDATE comments SET status = 'approved', hold_reason = NULL
		WHERE author_id = ? AND status = 'pending' AND hold_reason = ? RETURNING site_id, page_id`), userID, HoldEmailUnverified)
	if err != nil {
		return nil, err
	}
	seen := map[Released]bool{}
	var pages []Released
	counts := pageCounts{}
	for rows.Next() {
		var p Released
		if err := rows.Scan(&p.SiteID, &p.PageID); err != nil {
			rows.Close()
			return nil, err
		}
		counts.add(p.PageID, model.StatusPending, model.StatusApproved)
		if !seen[p] {
			seen[p] = true
			pages = append(pages, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return pages, s.applyCounts(ctx, tx, counts)
}

// ResetPassword spends a reset token at now: the account's password becomes
// hash, every session of the account ends and every other link mailed for
// it is void (spendAll), in one transaction. Following
// the mailed link also proves the address, so an unconfirmed email is
// confirmed as by VerifyEmail. It returns the account id and the pages whose
// threads changed. Errors: ErrNotFound, ErrTokenUsed, ErrTokenExpired.
func (s *Store) ResetPassword(ctx context.Context, tokenHash []byte, hash string, now time.Time) (int64, []Released, error) {
	var userID int64
	var pages []Released
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if userID, _, err = s.useToken(ctx, tx, tokenHash, TokenReset, now); err != nil {
			return err
		}
		if err := s.setPassword(ctx, tx, userID, hash); err != nil {
			return err
		}
		if err := s.spendAll(ctx, tx, userID, now); err != nil {
			return err
		}
		pages, err = s.confirmEmail(ctx, tx, userID, now)
		return err
	})
	return userID, pages, tokenErr("reset password", err)
}

// ChangeEmail spends an email-change token at now: the account's email
// (sealed and blind index) becomes the token's new address, confirmed at
// now as by VerifyEmail, and every other link mailed for the account is
// void (spendAll), in one transaction. ErrExists, changing nothing and
// leaving the token unspent, when another account has that address by now;
// otherwise errors as VerifyEmail. (Two accounts taking one address at the
// very same moment on PostgreSQL: the unique index refuses the second with
// an ordinary error.)
func (s *Store) ChangeEmail(ctx context.Context, tokenHash []byte, now time.Time) (*model.User, []Released, error) {
	var userID int64
	var pages []Released
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, email, err := s.useToken(ctx, tx, tokenHash, TokenEmailChange, now)
		if err != nil {
			return err
		}
		userID = id
		index := s.sealer.EmailIndex(email)
		var other int64
		err = tx.QueryRowContext(ctx, s.q("SELECT id FROM users WHERE email_index = ? AND id <> ?"), index, id).Scan(&other)
		if err == nil {
			return ErrExists
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err = tx.ExecContext(ctx, s.q("UPDATE users SET email_sealed = ?, email_index = ?, email_verified_at = NULL WHERE id = ?"),
			s.sealer.Seal(email), index, id); err != nil {
			return err
		}
		if err := s.spendAll(ctx, tx, id, now); err != nil {
			return err
		}
		pages, err = s.confirmEmail(ctx, tx, id, now)
		return err
	})
	if err != nil {
		return nil, nil, tokenErr("change email", err)
	}
	u, err := s.UserByID(ctx, userID)
	return u, pages, err
}

// PurgeAccountTokens deletes the tokens that expired before cutoff, used or
// not, and returns how many; the hourly retention job calls it.
func (s *Store) PurgeAccountTokens(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM account_tokens WHERE expires_at < ?"), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge account tokens: %w", err)
	}
	return res.RowsAffected()
}
