package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// Recheck is an approved comment's new text with the status the site's
// policy gives it (internal/policy).
type Recheck struct {
	Text, HTML string
	EditedAt   time.Time
	Status     model.Status
	HoldReason string // "" for none
}

// RecheckComment replaces the text of an approved comment, marks it edited
// and moves it to r.Status with r.HoldReason, counting its page anew, in one
// transaction. ErrNotFound when the comment is not approved (any more): a
// moderator's decision taken meanwhile is not overwritten.
func (s *Store) RecheckComment(ctx context.Context, id int64, r Recheck) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var pageID int64
		err := tx.QueryRowContext(ctx, s.q(`UPDATE comments SET text = ?, html = ?, edited_at = ?, status = ?, hold_reason = ?
			WHERE id = ? AND status = 'approved' RETURNING page_id`),
			r.Text, r.HTML, millis(r.EditedAt), string(r.Status), nullString(r.HoldReason), id).Scan(&pageID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: recheck comment: %w", err)
		}
		if err := s.queueWebhooks(ctx, tx, WebhookCommentEdited, id); err != nil {
			return err
		}
		return s.countOnPage(ctx, tx, pageID, approvedDelta(model.StatusApproved, r.Status))
	})
}
