package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// commentColumns are read by scanComment; personal data comes sealed.
const commentColumns = `id, site_id, page_id, COALESCE(parent_id, 0), COALESCE(author_id, 0),
	guest_name, guest_email_sealed, guest_website, text, html, status,
	created_at, edited_at, deleted_at, score, upvotes, downvotes, sticky,
	ip_sealed, ua_sealed, edit_token_hash, guest_verified, COALESCE(hold_reason, ''), COALESCE(spam_verdict, '')`

// NewComment is what CreateComment needs beyond the comment itself.
type NewComment struct {
	Path  string // page path; the page is created on its first comment
	Title string // page title, kept if the page has none yet
	// ClosedBefore, when set, closes the page as if locked when its
	// thread began before it (ThreadPageInfo.OpenedAt).
	ClosedBefore time.Time
	// Uploads are the ids of the images the comment shows (uploadsOf its
	// author): they are linked to it in its transaction.
	Uploads []string
}

// CreateComment stores c on the page at in.Path, creating the page if
// needed. It fills c.ID, c.PageID and c.CreatedAt (when zero). It refuses
// with ErrPageLocked on a locked page (or one closed by in.ClosedBefore)
// and ErrParentPage when c.ParentID is not a comment of the same page. The
// comment counts against the site owner's plan (countCommentOf): ErrSuspended
// and a *PlanLimitError refuse it. Servers sharing the database hear of the
// new comment when it commits (NotifySiteChanged, sent in its transaction).
//
// On SQLite the comment shares its commit with the comments written at the
// same time (inGroupTx); it is acknowledged, like any, once committed. The
// rows every comment of a page or site writes (the owner's usage counter,
// the page's count) are written last, so that on PostgreSQL concurrent
// comments wait for each other only from there to their commit; there the
// page's count moves in a shard of the connection's own
// (countOnPageNotifying), which no concurrent comment shares.
func (s *Store) CreateComment(ctx context.Context, c *model.Comment, in NewComment) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Millisecond)
	if done, err := s.createCommentOneStatement(ctx, c, in); done || err != nil {
		if err != nil && !errors.Is(err, ErrPageLocked) {
			return fmt.Errorf("store: create comment: %w", err)
		}
		return err
	}
	err := s.inGroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		page, err := s.ensurePage(ctx, tx, c.SiteID, in.Path, in.Title)
		if err != nil {
			return err
		}
		if err := s.checkOpen(ctx, tx, page, in.ClosedBefore); err != nil {
			return err
		}
		c.PageID = page.ID
		w, err := s.insertNewComment(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := s.attachUploads(ctx, tx, UploadWriter{SiteID: c.SiteID, UserID: c.AuthorID}, c.ID, in.Uploads); err != nil {
			return err
		}
		if w.hooks {
			if err := s.queueWebhooks(ctx, tx, WebhookCommentCreated, c.ID); err != nil {
				return err
			}
		}
		if err := s.countCommentOf(ctx, tx, w.plan, c.CreatedAt); err != nil {
			return err
		}
		// Other servers drop the page's cached threads and, for a comment
		// shown at once, tell their open streams (internal/live).
		change := SiteChange{SiteID: c.SiteID, PageID: c.PageID, Path: in.Path}
		if c.Status == model.StatusApproved {
			change.Event, change.CommentIDs = EventCreated, []int64{c.ID} // live.Created
		}
		return s.countOnPageNotifying(ctx, tx, c.PageID, approvedDelta("", c.Status), change)
	})
	if err != nil && !errors.Is(err, ErrPageLocked) && !errors.Is(err, ErrParentPage) &&
		!errors.Is(err, ErrPlanLimit) && !errors.Is(err, ErrSuspended) {
		return fmt.Errorf("store: create comment: %w", err)
	}
	return err
}

// checkOpen returns ErrPageLocked when page takes no comments: locked, or
// closed because its thread began before closedBefore (when set).
func (s *Store) checkOpen(ctx context.Context, tx *sql.Tx, page *model.Page, closedBefore time.Time) error {
	if page.Locked {
		return ErrPageLocked
	}
	if closedBefore.IsZero() {
		return nil
	}
	var first sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q("SELECT "+firstCommentAt+" FROM pages WHERE id = ?"), page.ID).Scan(&first)
	if err != nil {
		return err
	}
	if openedAt(page, first).Before(closedBefore) {
		return ErrPageLocked
	}
	return nil
}

// commentInsertColumns are the columns a new comment is written with, in
// the order of commentValues.
const commentInsertColumns = `site_id, page_id, parent_id, root_id, author_id,
	guest_name, guest_email_sealed, guest_email_index, guest_website, text, html, status, created_at,
	sticky, ip_sealed, ua_sealed, edit_token_hash, hold_reason, guest_verified, spam_verdict, notify_replies`

// insertCommentSQL stores a new comment (writePathQueries); its id is
// the statement's LastInsertId (RETURNING costs SQLite a temporary table
// per row).
const insertCommentSQL = `INSERT INTO comments (` + commentInsertColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// siteWriteFacts is what the rest of a new comment's transaction needs to
// know of its site, read after FROM … LEFT JOIN ownerPlanJoin (with the
// site's id twice): whether it has webhooks, and its owner's plan.
// newCommentWrite.dest scans it.
const (
	siteWriteFacts = `EXISTS (SELECT 1 FROM webhooks w WHERE w.site_id = ?), o.id, o.suspended_at, o.max_comments, o.max_views`
	ownerPlanJoin  = `(` + ownerPlanSQL + `) o ON true`
)

// newCommentOneTripSQL is, where each statement is a round trip to the
// server (PostgreSQL), a new comment's insert, its notify event, and
// siteWriteFacts in one statement.
const newCommentOneTripSQL = `WITH c AS (` + insertCommentSQL + ` RETURNING id),
	e AS (INSERT INTO notify_events (site_id, comment_id, kind, created_at) SELECT ?, id, ?, ? FROM c WHERE ` + createdEventIf + `)
	SELECT c.id, ` + siteWriteFacts + ` FROM c LEFT JOIN ` + ownerPlanJoin

// siteWriteFactsSQL reads siteWriteFacts on SQLite, in one prepared query
// after the insert. It replaced two queries, one of which looked for
// webhooks on every comment.
const siteWriteFactsSQL = `SELECT ` + siteWriteFacts + ` FROM (SELECT 1) one LEFT JOIN ` + ownerPlanJoin

// newCommentWrite is what insertNewComment learnt for the rest of the
// comment's transaction.
type newCommentWrite struct {
	hooks bool      // the site may have webhooks (queueWebhooks looks)
	plan  ownerPlan // the owner's plan
}

// dest are the scan destinations of siteWriteFacts.
func (w *newCommentWrite) dest() []any {
	return []any{&w.hooks, &w.plan.owner, &w.plan.suspended, &w.plan.maxComments, &w.plan.maxViews}
}

// insertNewComment stores c on c.PageID, under its parent's root, with
// its notify event, and sets c.ID. On PostgreSQL that is one statement,
// which also reads what newCommentWrite holds.
func (s *Store) insertNewComment(ctx context.Context, tx *sql.Tx, c *model.Comment) (newCommentWrite, error) {
	var w newCommentWrite
	rootID, err := s.rootOf(ctx, tx, c)
	if err != nil {
		return w, err
	}
	args := s.commentValues(c, rootID)
	if !s.dialect.oneTripWrites {
		res, err := s.txStmt(ctx, tx, insertCommentSQL).ExecContext(ctx, args...)
		if err == nil {
			c.ID, err = res.LastInsertId()
		}
		if err == nil {
			err = s.txStmt(ctx, tx, siteWriteFactsSQL).QueryRowContext(ctx, c.SiteID, c.SiteID).Scan(w.dest()...)
		}
		if err != nil {
			return w, err
		}
		return w, s.queueCreatedEvent(ctx, tx, c)
	}
	args = append(append(args, c.SiteID, EventCreated, millis(s.now())), createdEventArgs(c)...)
	args = append(args, c.SiteID, c.SiteID)
	err = s.txStmt(ctx, tx, newCommentOneTripSQL).QueryRowContext(ctx, args...).Scan(append([]any{&c.ID}, w.dest()...)...)
	return w, err
}

// rootOf is the id of the thread root a reply c belongs under (0 for a
// root), checking that its parent is a visible comment of its page.
func (s *Store) rootOf(ctx context.Context, tx *sql.Tx, c *model.Comment) (int64, error) {
	if c.ParentID == 0 {
		return 0, nil
	}
	return s.parentRoot(ctx, tx, c.ParentID, c.PageID)
}

// commentValues are the arguments of insertCommentSQL for c.
func (s *Store) commentValues(c *model.Comment, rootID int64) []any {
	return []any{c.SiteID, c.PageID, nullID(c.ParentID), nullID(rootID), nullID(c.AuthorID),
		c.GuestName, s.sealer.Seal(c.GuestEmail), s.sealer.EmailIndex(c.GuestEmail), c.GuestWebsite,
		c.Text, c.HTML, string(c.Status), millis(c.CreatedAt),
		c.Sticky, s.sealer.Seal(c.IP), s.sealer.Seal(c.UserAgent), c.EditTokenHash, nullString(c.HoldReason),
		c.GuestVerified, nullString(c.SpamVerdict), c.NotifyReplies}
}

const parentRootSQL = "SELECT page_id, COALESCE(root_id, id), status FROM comments WHERE id = ?"

// parentRoot checks that parentID is a visible comment on pageID and returns
// the id of the thread root the reply belongs under.
func (s *Store) parentRoot(ctx context.Context, tx *sql.Tx, parentID, pageID int64) (int64, error) {
	var parentPage, root int64
	var status string
	err := s.txStmt(ctx, tx, parentRootSQL).QueryRowContext(ctx, parentID).Scan(&parentPage, &root, &status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (parentPage != pageID || status != string(model.StatusApproved))) {
		return 0, ErrParentPage
	}
	return root, err
}

// Comment returns one comment with its personal data opened, or ErrNotFound.
func (s *Store) Comment(ctx context.Context, id int64) (*model.Comment, error) {
	c, err := s.scanComment(s.queryRowPrepared(ctx, "SELECT "+commentColumns+" FROM comments WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("store: comment %d: %w", id, err)
	}
	return c, nil
}

// CommentsByID returns those of the comments ids that exist, by id, with
// their personal data opened, in one query (the Notifier reads a batch of
// events' comments so).
func (s *Store) CommentsByID(ctx context.Context, ids []int64) (map[int64]*model.Comment, error) {
	out := make(map[int64]*model.Comment, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := idList(ids)
	rows, err := s.queryPrepared(ctx, "SELECT "+commentColumns+" FROM comments WHERE id IN ("+in+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: comments by id: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: comments by id: %w", err)
		}
		out[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: comments by id: %w", err)
	}
	return out, nil
}

// UpdateCommentText replaces a comment's text and rendering and marks it
// edited; its site's webhooks hear of it (WebhookCommentEdited).
func (s *Store) UpdateCommentText(ctx context.Context, id int64, text, html string, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE comments SET text = ?, html = ?, edited_at = ?
			WHERE id = ? AND status <> 'deleted'`), text, html, millis(at), id)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		return s.queueWebhooks(ctx, tx, WebhookCommentEdited, id)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: update comment: %w", err)
	}
	return err
}

// DeleteComment deletes a comment (its site's webhooks hear of it:
// WebhookCommentDeleted). A comment that still has replies stays
// as a placeholder: status deleted, with its text, author, personal data
// and uploaded images erased. One without replies is removed, and so is every deleted ancestor
// left without replies by its removal.
func (s *Store) DeleteComment(ctx context.Context, id int64, at time.Time) error {
	return s.eraseTx(ctx, func(tx *sql.Tx) error {
		if err := s.queueWebhooks(ctx, tx, WebhookCommentDeleted, id); err != nil {
			return err
		}
		err := s.deleteComment(ctx, tx, id, at)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("store: delete comment: %w", err)
		}
		return err
	})
}

// deleteComment is DeleteComment inside tx, moving the count of the
// comment's page.
func (s *Store) deleteComment(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	pageID, status, err := s.commentStatusForUpdate(ctx, tx, id, 0)
	if err != nil {
		return err
	}
	if err := s.deleteCommentUploads(ctx, tx, "id = ?", []any{id}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE comments SET status = 'deleted', deleted_at = ?, text = '', html = '',
		guest_name = '', guest_email_sealed = NULL, guest_email_index = NULL, guest_website = '', guest_verified = ?,
		author_id = NULL, ip_sealed = NULL, ua_sealed = NULL, edit_token_hash = NULL WHERE id = ?`), millis(at), false, id); err != nil {
		return err
	}
	if err := s.pruneDeleted(ctx, tx, id); err != nil {
		return err
	}
	return s.countOnPage(ctx, tx, pageID, approvedDelta(status, model.StatusDeleted))
}

// pruneDeleted removes the deleted comment id if it has no replies, then
// walks up through deleted ancestors that are left without replies.
func (s *Store) pruneDeleted(ctx context.Context, tx *sql.Tx, id int64) error {
	for id != 0 {
		var parent sql.NullInt64
		var status string
		var replies int
		err := tx.QueryRowContext(ctx, s.q(`SELECT parent_id, status,
			(SELECT COUNT(*) FROM comments r WHERE r.parent_id = c.id) FROM comments c WHERE id = ?`), id).
			Scan(&parent, &status, &replies)
		if err != nil {
			return err
		}
		if status != string(model.StatusDeleted) || replies > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM comments WHERE id = ?"), id); err != nil {
			return err
		}
		id = parent.Int64
	}
	return nil
}

// SetCommentStatus moves a comment to another moderation state. Approving
// it clears its hold reason: a published comment waits for nothing.
func (s *Store) SetCommentStatus(ctx context.Context, id int64, status model.Status) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		pageID, old, err := s.commentStatusForUpdate(ctx, tx, id, 0)
		if errors.Is(err, ErrNotFound) {
			return err
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE comments SET status = ?,
				hold_reason = CASE WHEN ? = 'approved' THEN NULL ELSE hold_reason END WHERE id = ?`),
				string(status), string(status), id)
		}
		if err == nil {
			err = s.countOnPage(ctx, tx, pageID, approvedDelta(old, status))
		}
		if err != nil {
			return fmt.Errorf("store: set comment status: %w", err)
		}
		return nil
	})
}

// HasApprovedComment reports whether the guest with this email already has
// an approved comment on the site (promise P12).
func (s *Store) HasApprovedComment(ctx context.Context, siteID int64, email string) (bool, error) {
	index := s.sealer.EmailIndex(email)
	if index == nil {
		return false, nil
	}
	var n int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM comments
		WHERE site_id = ? AND guest_email_index = ? AND status = 'approved'`), siteID, index).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: approved comment by email: %w", err)
	}
	return n > 0, nil
}

func (s *Store) scanComment(row rowScanner) (*model.Comment, error) {
	var c model.Comment
	var email, ip, ua []byte
	var status string
	var created int64
	var edited, deleted sql.NullInt64
	err := row.Scan(&c.ID, &c.SiteID, &c.PageID, &c.ParentID, &c.AuthorID,
		&c.GuestName, &email, &c.GuestWebsite, &c.Text, &c.HTML, &status,
		&created, &edited, &deleted, &c.Score, &c.Upvotes, &c.Downvotes, &c.Sticky,
		&ip, &ua, &c.EditTokenHash, &c.GuestVerified, &c.HoldReason, &c.SpamVerdict)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.Status = model.Status(status)
	c.CreatedAt = fromMillis(created)
	c.EditedAt = nullMillis(edited)
	c.DeletedAt = nullMillis(deleted)
	if c.GuestEmail, err = s.sealer.Open(email); err != nil {
		return nil, err
	}
	if c.IP, err = s.sealer.Open(ip); err != nil {
		return nil, err
	}
	if c.UserAgent, err = s.sealer.Open(ua); err != nil {
		return nil, err
	}
	return &c, nil
}
