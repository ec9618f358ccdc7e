package store

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/model"
)

// A commenter's address may be mailed when they opted in (on the comment or
// for their account), the address is confirmed (a verified account, or a
// verified guest's) and has not unsubscribed from the site. c is the
// opted-in comment, u its account if any; the one ? is the site.
const commenterMailable = `(c.notify_replies OR COALESCE(u.notify_replies, FALSE))
	AND COALESCE(u.email_index, c.guest_email_index) IS NOT NULL
	AND (u.email_verified_at IS NOT NULL OR (c.author_id IS NULL
		AND EXISTS (SELECT 1 FROM verified_guests v WHERE v.email_index = c.guest_email_index)))
	AND NOT EXISTS (SELECT 1 FROM notify_unsubscribed x
		WHERE x.site_id = ? AND x.email_index = COALESCE(u.email_index, c.guest_email_index))`

const commenterColumns = `c.id, COALESCE(u.email_sealed, c.guest_email_sealed), COALESCE(u.email_index, c.guest_email_index), 0`

// threadRoot selects the root of the thread of the comment whose id is its
// argument.
const threadRoot = "(SELECT COALESCE(root_id, id) FROM comments WHERE id = ?)"

// NotifyRecipients returns up to limit recipients of ev's current stage
// after ev.After, by increasing key, for c (the event's comment as it is
// now). An empty answer ends the stage.
func (s *Store) NotifyRecipients(ctx context.Context, ev NotifyEvent, c *model.Comment, limit int) ([]Recipient, error) {
	switch ev.Stage {
	case StageModerators:
		if ev.Kind != EventCreated || (c.Status != model.StatusPending && c.Status != model.StatusApproved) {
			return nil, nil
		}
		modes := "'all'"
		if c.Status == model.StatusPending {
			modes = "'all', 'held'"
		}
		return s.recipients(ctx, `SELECT u.id, u.email_sealed, u.email_index, u.id FROM users u
			LEFT JOIN moderator_notify n ON n.site_id = ? AND n.user_id = u.id
			WHERE u.id > ? AND u.id <> ? AND u.email_sealed IS NOT NULL
			AND (u.id = (SELECT owner_id FROM sites WHERE id = ?) OR EXISTS (SELECT 1 FROM site_members m
				WHERE m.site_id = ? AND m.user_id = u.id AND m.role IN ('owner', 'moderator')))
			AND COALESCE(n.mode, 'held') IN (`+modes+`) ORDER BY u.id LIMIT ?`,
			ev.SiteID, ev.After, c.AuthorID, ev.SiteID, ev.SiteID, limit)
	case StageAuthor:
		if ev.Kind != EventApproved || c.Status != model.StatusApproved || ev.After != 0 {
			return nil, nil
		}
		return s.recipients(ctx, `SELECT `+commenterColumns+` FROM comments c LEFT JOIN users u ON u.id = c.author_id
			WHERE c.id = ? AND `+commenterMailable, c.ID, ev.SiteID)
	case StageThread:
		// A new root comment starts its thread: there is no one in it yet.
		if c.Status != model.StatusApproved || (ev.Kind == EventCreated && c.ParentID == 0) {
			return nil, nil
		}
		// The thread is its root and the replies under it (all on its
		// page): two index lookups, not a walk over the page's comments.
		return s.recipients(ctx, `SELECT `+commenterColumns+` FROM comments c LEFT JOIN users u ON u.id = c.author_id
			WHERE (c.id = `+threadRoot+` OR c.root_id = `+threadRoot+`) AND c.id > ? AND c.id <> ? AND c.status = 'approved'
			AND COALESCE(u.email_index, c.guest_email_index) <> ? AND `+commenterMailable+` ORDER BY c.id LIMIT ?`,
			c.ID, c.ID, ev.After, c.ID, s.authorIndex(ctx, c), ev.SiteID, limit)
	}
	return nil, nil
}

// authorIndex is the blind index of c's author's address, so that nobody is
// told of their own reply; a byte no index equals when there is none.
func (s *Store) authorIndex(ctx context.Context, c *model.Comment) []byte {
	if c.AuthorID != 0 {
		var index []byte
		if err := s.read.QueryRowContext(ctx, s.q("SELECT email_index FROM users WHERE id = ?"), c.AuthorID).Scan(&index); err == nil && index != nil {
			return index
		}
	} else if index := s.sealer.EmailIndex(c.GuestEmail); index != nil {
		return index
	}
	return []byte{0}
}

// recipients runs one of the queries above, prepared once (their texts
// are constants but for the moderators' modes, a handful of variants): the
// notifier runs one for every new comment.
func (s *Store) recipients(ctx context.Context, query string, args ...any) ([]Recipient, error) {
	rows, err := s.queryPrepared(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: notify recipients: %w", err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		var sealed []byte
		if err := rows.Scan(&r.Key, &sealed, &r.EmailIndex, &r.UserID); err != nil {
			return nil, fmt.Errorf("store: notify recipients: %w", err)
		}
		// An address sealed with another key opens to nothing: the key still
		// moves the stage on, and the caller mails nobody.
		r.Email, _ = s.sealer.Open(sealed)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: notify recipients: %w", err)
	}
	return out, nil
}
