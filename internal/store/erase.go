package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EraseMode says what erasing a person does with their comments.
type EraseMode string

// The erase modes.
const (
	// EraseDelete deletes the comments as their author's delete does: one
	// with replies stays as an empty placeholder, the others are removed.
	EraseDelete EraseMode = "delete"
	// EraseAnonymize keeps the comments' text and place in their threads,
	// without author, name, email, website, IP or user agent.
	EraseAnonymize EraseMode = "anonymize"
)

// Valid reports whether m is one of the erase modes.
func (m EraseMode) Valid() bool { return m == EraseDelete || m == EraseAnonymize }

// EraseAccount erases an account in one transaction: its comments (as mode
// says), its sessions, site memberships and the mail queued to its address,
// then the account itself, and the invitations to its address; when its
// email was confirmed, also the comments
// written with that email as a guest, and the email's privacy requests and
// verified-guest mark. Sites it owned have no owner any more. ErrNotFound when there is
// no such account.
func (s *Store) EraseAccount(ctx context.Context, userID int64, mode EraseMode) error {
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		return s.eraseAccount(ctx, tx, userID, mode)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: erase account: %w", err)
	}
	return err
}

// eraseAccount is EraseAccount inside tx.
func (s *Store) eraseAccount(ctx context.Context, tx *sql.Tx, userID int64, mode EraseMode) error {
	var index []byte
	var verified sql.NullInt64
	var avatar string
	err := tx.QueryRowContext(ctx, s.q("SELECT email_index, email_verified_at, avatar_url FROM users WHERE id = ?"),
		userID).Scan(&index, &verified, &avatar)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	// Mail queued to the account's address, and invitations to sites sent
	// to it, go whatever its state.
	for _, q := range []string{"DELETE FROM outbox WHERE recipient_index = ?", "DELETE FROM site_invitations WHERE email_index = ?"} {
		if _, err := tx.ExecContext(ctx, s.q(q), index); err != nil {
			return err
		}
	}
	// An unconfirmed address proves nothing about what guests wrote
	// with it: only a confirmed one takes their data along.
	index = verifiedIndex(index, verified)
	if err := s.eraseComments(ctx, tx, userID, index, mode); err != nil {
		return err
	}
	if err := s.eraseEmailIndex(ctx, tx, index); err != nil {
		return err
	}
	// Sessions, memberships and logins go with the account (ON DELETE
	// CASCADE); its picture too, unless another account shows it.
	if _, err = tx.ExecContext(ctx, s.q("DELETE FROM users WHERE id = ?"), userID); err != nil {
		return err
	}
	return s.dropUnusedAvatar(ctx, tx, avatar)
}

// dropUnusedAvatar deletes the picture that an account's avatar URL named
// (/avatars/SHA256.png, package media's path) when no account shows it any
// more. Pictures are shared by their hash, so another account's stays.
func (s *Store) dropUnusedAvatar(ctx context.Context, tx *sql.Tx, avatarURL string) error {
	name, ok := strings.CutPrefix(avatarURL, "/avatars/")
	hexSum, ok2 := strings.CutSuffix(name, ".png")
	sum, err := hex.DecodeString(hexSum)
	if !ok || !ok2 || err != nil {
		return nil // an identicon, or no picture
	}
	_, err = tx.ExecContext(ctx, s.q(`DELETE FROM avatar_images WHERE sha256 = ?
		AND NOT EXISTS (SELECT 1 FROM users WHERE avatar_url = ?)`), sum, avatarURL)
	return err
}

// eraseEmailIndex deletes what is kept under an email's blind index besides
// comments: mail queued to it, privacy requests, the verified-guest mark and
// contact form messages.
// A nil index erases nothing.
func (s *Store) eraseEmailIndex(ctx context.Context, tx *sql.Tx, index []byte) error {
	if index == nil {
		return nil
	}
	for _, q := range []string{
		"DELETE FROM outbox WHERE recipient_index = ?",
		"DELETE FROM privacy_requests WHERE email_index = ?",
		"DELETE FROM verified_guests WHERE email_index = ?",
		"DELETE FROM mail_links WHERE email_index = ?",
		"DELETE FROM notify_unsubscribed WHERE email_index = ?",
		"DELETE FROM invitations WHERE email_index = ?",
		"DELETE FROM site_invitations WHERE email_index = ?",
		"DELETE FROM contact_messages WHERE email_index = ?",
	} {
		if _, err := tx.ExecContext(ctx, s.q(q), index); err != nil {
			return err
		}
	}
	return nil
}

// eraseComments erases the comments of account userID (0: none) and those
// written as a guest with the email of blind index (nil: none):
// eraseMatching.
func (s *Store) eraseComments(ctx context.Context, tx *sql.Tx, userID int64, index []byte, mode EraseMode) error {
	where, args := personComments(userID, index)
	return s.eraseMatching(ctx, tx, where, args, mode)
}

// eraseMatching erases the comments matching where, as mode says
// (deleteComment moves the counts of their pages), and deletes the images
// those comments show whatever the mode.
func (s *Store) eraseMatching(ctx context.Context, tx *sql.Tx, where string, args []any, mode EraseMode) error {
	// Their images go in both modes: a picture may show the person.
	if err := s.deleteCommentUploads(ctx, tx, where, args); err != nil {
		return err
	}
	if mode == EraseAnonymize {
		_, err := tx.ExecContext(ctx, s.q(`UPDATE comments SET author_id = NULL, guest_name = '', guest_email_sealed = NULL,
			guest_email_index = NULL, guest_website = '', guest_verified = ?, ip_sealed = NULL, ua_sealed = NULL,
			edit_token_hash = NULL WHERE `+where), append([]any{false}, args...)...)
		return err
	}
	ids, err := s.commentIDs(ctx, tx, where, args)
	if err != nil {
		return err
	}
	at := s.now()
	for _, id := range ids {
		if err := s.deleteComment(ctx, tx, id, at); err != nil && !errors.Is(err, ErrNotFound) { // not found: removed with a deleted descendant already
			return err
		}
	}
	return nil
}

// personComments is the condition on comments that selects a person's:
// written by account userID (0: none) or as a guest with the email of blind
// index (nil: none).
func personComments(userID int64, index []byte) (string, []any) {
	return "(author_id = ? OR guest_email_index = ?)", []any{userID, index}
}

// commentIDs lists the ids of the comments matching where, newest first,
// so that replies are deleted before the comments they answer.
func (s *Store) commentIDs(ctx context.Context, tx *sql.Tx, where string, args []any) ([]int64, error) {
	return s.idsTx(ctx, tx, "SELECT id FROM comments WHERE "+where+" ORDER BY id DESC", args...)
}

// idsTx runs a query of one id column inside tx and returns the ids.
func (s *Store) idsTx(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	return scanColumn[int64](tx.QueryContext(ctx, s.q(query), args...))
}

// EraseGuest uses an erase link (its token's hash) and erases, in the same
// transaction, every comment written with its email on any site of this
// instance (as mode says), the mail queued to that address, its other
// privacy requests and its verified-guest mark. ErrNotFound when the link
// is unknown, used or expired at now.
func (s *Store) EraseGuest(ctx context.Context, tokenHash []byte, mode EraseMode, now time.Time) error {
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		req, err := s.usePrivacyRequest(ctx, tx, tokenHash, PrivacyErase, now)
		if err != nil {
			return err
		}
		if err := s.eraseComments(ctx, tx, 0, req.EmailIndex, mode); err != nil {
			return err
		}
		return s.eraseEmailIndex(ctx, tx, req.EmailIndex)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: erase guest: %w", err)
	}
	return err
}

// verifiedIndex returns an account's email index when the email was
// confirmed (verified is its email_verified_at), else nil.
func verifiedIndex(index []byte, verified sql.NullInt64) []byte {
	if !verified.Valid {
		return nil
	}
	return index
}
