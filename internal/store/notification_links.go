package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MailActions are what a moderator's mail link may do to its comment.
var MailActions = []string{ActionApprove, ActionReject, ActionSpam}

// UseModerateLink applies action (one of MailActions) to the comment of
// the moderate link whose token hashes to tokenHash, as the moderator it
// was mailed to, and marks the link used, in one transaction; it returns
// the link and the pages whose threads changed. A link works once:
// ErrLinkUsed after that, whatever the action. ErrNotFound for an unknown
// or expired link, an unknown action, or a moderator who lost their role
// on the site since.
func (s *Store) UseModerateLink(ctx context.Context, tokenHash []byte, action string, now time.Time) (*MailLink, []int64, error) {
	set, ok := commentUpdates[action]
	if !ok || (action != ActionApprove && action != ActionReject && action != ActionSpam) {
		return nil, nil, ErrNotFound
	}
	l, err := s.MailLinkByToken(ctx, tokenHash, now)
	if err != nil {
		return nil, nil, err
	}
	if l.Purpose != LinkModerate || l.CommentID == 0 {
		return nil, nil, ErrNotFound
	}
	var pages []int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE mail_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"), millis(now), tokenHash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrLinkUsed
		}
		var member int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM sites WHERE id = ? AND (owner_id = ? OR EXISTS (SELECT 1 FROM site_members
			WHERE site_id = ? AND user_id = ? AND role IN ('owner', 'moderator')))`), l.SiteID, l.UserID, l.SiteID, l.UserID).Scan(&member); err != nil {
			return err
		}
		if member == 0 {
			return ErrNotFound
		}
		pages, err = s.moderateTx(ctx, tx, Moderation{SiteID: l.SiteID, ActorID: l.UserID, Action: action, CommentIDs: []int64{l.CommentID}}, set)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrLinkUsed) {
		return nil, nil, fmt.Errorf("store: use moderate link: %w", err)
	}
	return l, pages, err
}

// Unsubscribe stops the mail the unsubscribe link whose token hashes to
// tokenHash was about: a moderator's mode on the site becomes
// ModeratorNone; a commenter's address gets no more reply and status mail
// from the site. It may be used again (it changes nothing more) until it
// expires; ErrNotFound for an unknown or expired link.
func (s *Store) Unsubscribe(ctx context.Context, tokenHash []byte, now time.Time) (*MailLink, error) {
	l, err := s.MailLinkByToken(ctx, tokenHash, now)
	if err == nil && l.Purpose != LinkUnsubscribe {
		err = ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if l.UserID != 0 {
		err = s.SetModeratorNotify(ctx, l.SiteID, l.UserID, ModeratorNone)
	} else {
		_, err = s.write.ExecContext(ctx, s.q(`INSERT INTO notify_unsubscribed (site_id, email_index, created_at) VALUES (?, ?, ?)
			ON CONFLICT (site_id, email_index) DO NOTHING`), l.SiteID, l.EmailIndex, millis(now))
	}
	if err != nil {
		return nil, fmt.Errorf("store: unsubscribe: %w", err)
	}
	return l, nil
}

// SetModeratorNotify sets which new comments of a site mail userID: mode is
// ModeratorAll, ModeratorHeld or ModeratorNone.
func (s *Store) SetModeratorNotify(ctx context.Context, siteID, userID int64, mode string) error {
	_, err := s.write.ExecContext(ctx, s.q(`INSERT INTO moderator_notify (site_id, user_id, mode) VALUES (?, ?, ?)
		ON CONFLICT (site_id, user_id) DO UPDATE SET mode = excluded.mode`), siteID, userID, mode)
	if err != nil {
		return fmt.Errorf("store: set moderator notify: %w", err)
	}
	return nil
}

// ModeratorNotifyModes returns userID's mode on each site where they chose
// one; a site missing from the map is ModeratorHeld.
func (s *Store) ModeratorNotifyModes(ctx context.Context, userID int64) (map[int64]string, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT site_id, mode FROM moderator_notify WHERE user_id = ?"), userID)
	if err != nil {
		return nil, fmt.Errorf("store: moderator notify modes: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var mode string
		if err := rows.Scan(&id, &mode); err != nil {
			return nil, fmt.Errorf("store: moderator notify modes: %w", err)
		}
		out[id] = mode
	}
	return out, rows.Err()
}

// SetNotifyReplies sets an account's opt-in to reply and status mail on
// every comment it writes.
func (s *Store) SetNotifyReplies(ctx context.Context, userID int64, on bool) error {
	if _, err := s.write.ExecContext(ctx, s.q("UPDATE users SET notify_replies = ? WHERE id = ?"), on, userID); err != nil {
		return fmt.Errorf("store: set notify replies: %w", err)
	}
	return nil
}

// NotifyReplies reports an account's opt-in (SetNotifyReplies).
func (s *Store) NotifyReplies(ctx context.Context, userID int64) (bool, error) {
	var on bool
	if err := s.read.QueryRowContext(ctx, s.q("SELECT notify_replies FROM users WHERE id = ?"), userID).Scan(&on); err != nil {
		return false, fmt.Errorf("store: notify replies: %w", err)
	}
	return on, nil
}
