package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The audit log's names of what an owner does with a commenter's data.
const (
	ActionExportAuthor = "export" // the owner downloaded the author's data on the site
	ActionEraseAuthor  = "erase"  // detail: how many comments, deleted or anonymised
)

// SiteAuthor is the author of a comment as one site knows them, as the
// author history selects them (AuthorHistory): their account, else the
// blind index of the guest email they wrote with, else the one anonymous
// comment itself.
type SiteAuthor struct {
	SiteID     int64
	CommentID  int64 // the comment the author was found by
	UserID     int64 // 0 for a guest
	EmailIndex []byte
}

// SiteAuthorOf returns the author of a comment of a site; ErrNotFound when
// the site has no such comment.
func (s *Store) SiteAuthorOf(ctx context.Context, siteID, commentID int64) (SiteAuthor, error) {
	a := SiteAuthor{SiteID: siteID, CommentID: commentID}
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COALESCE(author_id, 0), guest_email_index FROM comments WHERE id = ? AND site_id = ?`),
		commentID, siteID).Scan(&a.UserID, &a.EmailIndex)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: site author: %w", err)
	}
	return a, nil
}

// where is the condition on comments that selects the author's on the
// site, and never another site's.
func (a SiteAuthor) where() (string, []any) {
	switch {
	case a.UserID != 0:
		return "site_id = ? AND author_id = ?", []any{a.SiteID, a.UserID}
	case len(a.EmailIndex) > 0:
		return "site_id = ? AND guest_email_index = ? AND author_id IS NULL", []any{a.SiteID, a.EmailIndex}
	}
	return "site_id = ? AND id = ?", []any{a.SiteID, a.CommentID}
}

// SiteAuthorComments returns every comment of the author on the site, with
// their personal data opened, oldest first, and records in the site's audit
// log that actorID exported them.
func (s *Store) SiteAuthorComments(ctx context.Context, a SiteAuthor, actorID int64) ([]PersonalComment, error) {
	where, args := a.where()
	list, err := s.commentsWhere(ctx, where, args)
	if err == nil {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			return s.audit(ctx, tx, Action{SiteID: a.SiteID, ActorID: actorID}, ActionExportAuthor, a.CommentID, 0)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: site author comments: %w", err)
	}
	return list, nil
}

// EraseSiteAuthor erases the author's comments on the site as mode says
// (as the person's own erasure does, on this site only) and the mail still
// queued about the site to their address, records it in the site's audit
// log in the same transaction, and returns how many comments it erased.
// Their account, their comments on other sites and the site's bans (keyed
// hashes that keep a banned person out) stay.
func (s *Store) EraseSiteAuthor(ctx context.Context, a SiteAuthor, mode EraseMode, actorID int64) (int, error) {
	where, args := a.where()
	var n int
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		ids, err := s.idsTx(ctx, tx, "SELECT id FROM comments WHERE "+where, args...)
		if err != nil {
			return err
		}
		n = len(ids)
		if err := s.eraseMatching(ctx, tx, where, args, mode); err != nil {
			return err
		}
		index := a.EmailIndex
		if a.UserID != 0 {
			if err := tx.QueryRowContext(ctx, s.q("SELECT email_index FROM users WHERE id = ?"), a.UserID).Scan(&index); err != nil {
				return err
			}
		}
		if index != nil {
			if _, err := tx.ExecContext(ctx, s.q("DELETE FROM outbox WHERE site_id = ? AND recipient_index = ?"), a.SiteID, index); err != nil {
				return err
			}
		}
		noun, done := "comments", "deleted"
		if n == 1 {
			noun = "comment"
		}
		if mode == EraseAnonymize {
			done = "anonymised"
		}
		detail := fmt.Sprintf("%d %s %s", n, noun, done)
		return s.audit(ctx, tx, Action{SiteID: a.SiteID, ActorID: actorID, Detail: detail}, ActionEraseAuthor, a.CommentID, 0)
	})
	if err != nil {
		return 0, fmt.Errorf("store: erase site author: %w", err)
	}
	return n, nil
}
