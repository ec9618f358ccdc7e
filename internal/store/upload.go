package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// UploadClaimWindow is how long an uploaded image waits for a comment to
// show it: PurgeUnclaimedUploads deletes those no comment took by then.
const UploadClaimWindow = 24 * time.Hour

// Upload is an image uploaded into a comment of a site, as package media
// re-encoded it.
type Upload struct {
	ID            string // 26 random base32 letters and digits (media.NewUploadID)
	SiteID        int64
	UserID        int64 // the account that uploaded it; 0 for a guest
	CommentID     int64 // the comment that shows it; 0 until one is posted
	ContentType   string
	Width, Height int
	Size          int64 // len(Data)
	Data          []byte
	CreatedAt     time.Time
}

// CreateUpload stores u, filling u.Size and u.CreatedAt. The image counts
// against the upload storage of the site owner's plan, which holds the
// bytes of every image stored on the owner's sites: a *PlanLimitError
// (MetricUploads) refuses one that would pass it, and ErrSuspended one for
// a site of a suspended owner. The owner's row is locked for the check, so
// that uploads racing on PostgreSQL cannot pass the limit together.
func (s *Store) CreateUpload(ctx context.Context, u *Upload) error {
	u.Size = int64(len(u.Data))
	u.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkUploadBytes(ctx, tx, u.SiteID, u.Size); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO uploads (id, site_id, user_id, comment_id, content_type, width, height, size, data, created_at)
			VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`),
			u.ID, u.SiteID, nullID(u.UserID), u.ContentType, u.Width, u.Height, u.Size, u.Data, millis(u.CreatedAt))
		return err
	})
	if err != nil && !errors.Is(err, ErrPlanLimit) && !errors.Is(err, ErrSuspended) {
		return fmt.Errorf("store: create upload: %w", err)
	}
	return err
}

// checkUploadBytes refuses, inside tx, size more bytes of uploads on
// siteID when its owner is suspended or they would pass the owner's plan.
// A site without an owner is held to no plan.
func (s *Store) checkUploadBytes(ctx context.Context, tx *sql.Tx, siteID, size int64) error {
	var owner int64
	var suspended, limit sql.NullInt64
	err := tx.QueryRowContext(ctx, s.q(`SELECT u.id, u.suspended_at, p.max_upload_bytes
		FROM sites s JOIN users u ON u.id = s.owner_id `+effectivePlanJoin+` WHERE s.id = ?`), siteID).
		Scan(&owner, &suspended, &limit)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case suspended.Valid:
		return ErrSuspended
	case !limit.Valid:
		return nil
	}
	// The no-op update locks the owner's row until the upload is stored.
	if _, err := tx.ExecContext(ctx, s.q("UPDATE users SET id = id WHERE id = ?"), owner); err != nil {
		return err
	}
	var used int64
	if err := tx.QueryRowContext(ctx, s.q(uploadBytesOfOwner), owner).Scan(&used); err != nil {
		return err
	}
	if used+size > limit.Int64 {
		return &PlanLimitError{Metric: MetricUploads, Limit: limit.Int64}
	}
	return nil
}

// uploadBytesOfOwner sums the bytes of the uploads on the sites of one
// owner (the one argument).
const uploadBytesOfOwner = `SELECT COALESCE(SUM(up.size), 0) FROM uploads up JOIN sites s ON s.id = up.site_id WHERE s.owner_id = ?`

// UploadImage returns the stored image of upload id with its content type,
// or ErrNotFound, also when the comment that shows it was deleted or
// rejected by a moderator: such a comment keeps its images while it is
// kept (a moderator may restore it), but nobody is served them.
func (s *Store) UploadImage(ctx context.Context, id string) (contentType string, data []byte, err error) {
	err = s.read.QueryRowContext(ctx, s.q(`SELECT u.content_type, u.data FROM uploads u LEFT JOIN comments c ON c.id = u.comment_id
		WHERE u.id = ? AND (c.status IS NULL OR c.status <> 'deleted')`), id).Scan(&contentType, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("store: upload image: %w", err)
	}
	return contentType, data, nil
}

// UploadWriter is who writes a comment that may show uploads: the account
// (UserID, 0 for a guest) and, for an edit, the comment (CommentID).
type UploadWriter struct {
	SiteID    int64
	UserID    int64
	CommentID int64
}

// uploadsOf is the condition on uploads that w may show, with its
// arguments: those of w's site that w's comment shows already, and those
// no comment took yet that w uploaded (an account its own, a guest those
// of guests: a guest's upload is known by its random id alone).
func uploadsOf(w UploadWriter, ids []string) (string, []any) {
	args := []any{w.SiteID, w.CommentID, w.UserID}
	for _, id := range ids {
		args = append(args, id)
	}
	return `site_id = ? AND (comment_id = ? OR (comment_id IS NULL AND COALESCE(user_id, 0) = ?))
		AND id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`, args
}

// UsableUploads returns which of ids w may show as images in its comment
// (uploadsOf). No ids, no query.
func (s *Store) UsableUploads(ctx context.Context, w UploadWriter, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	where, args := uploadsOf(w, ids)
	found, err := scanColumn[string](s.read.QueryContext(ctx, s.q("SELECT id FROM uploads WHERE "+where), args...))
	if err != nil {
		return nil, fmt.Errorf("store: usable uploads: %w", err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// attachUploads links the uploads ids that w may show to comment
// commentID, inside tx: from now on they go with that comment.
func (s *Store) attachUploads(ctx context.Context, tx *sql.Tx, w UploadWriter, commentID int64, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	where, args := uploadsOf(w, ids)
	_, err := tx.ExecContext(ctx, s.q("UPDATE uploads SET comment_id = ? WHERE "+where), append([]any{commentID}, args...)...)
	return err
}

// AttachUploads links the uploads ids that w may show to w's comment
// (w.CommentID), as an edit does.
func (s *Store) AttachUploads(ctx context.Context, w UploadWriter, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error { return s.attachUploads(ctx, tx, w, w.CommentID, ids) })
	if err != nil {
		return fmt.Errorf("store: attach uploads: %w", err)
	}
	return nil
}

// PurgeUnclaimedUploads deletes the uploads that no comment took and that
// were uploaded before cutoff (now minus UploadClaimWindow), and returns
// how many.
func (s *Store) PurgeUnclaimedUploads(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM uploads WHERE comment_id IS NULL AND created_at < ?"), millis(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: purge unclaimed uploads: %w", err)
	}
	return res.RowsAffected()
}

// UploadsOfAccount lists the uploads of account userID, oldest first,
// without their bytes: what its data export names.
func (s *Store) UploadsOfAccount(ctx context.Context, userID int64) ([]Upload, error) {
	out := []Upload{}
	err := s.eachRow(ctx, `SELECT id, site_id, COALESCE(comment_id, 0), content_type, width, height, size, created_at
		FROM uploads WHERE user_id = ? ORDER BY created_at, id`, []any{userID}, func(r rowScanner) error {
		u := Upload{UserID: userID}
		var at int64
		err := r.Scan(&u.ID, &u.SiteID, &u.CommentID, &u.ContentType, &u.Width, &u.Height, &u.Size, &at)
		u.CreatedAt = fromMillis(at)
		out = append(out, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: uploads of account: %w", err)
	}
	return out, nil
}

// deleteCommentUploads deletes, inside tx, the uploads the comments
// matching where show: a deleted comment's images go with it, even when
// the comment stays as a placeholder for its replies, and so do an erased
// person's, whatever the erase mode.
func (s *Store) deleteCommentUploads(ctx context.Context, tx *sql.Tx, where string, args []any) error {
	_, err := tx.ExecContext(ctx, s.q("DELETE FROM uploads WHERE comment_id IN (SELECT id FROM comments WHERE "+where+")"), args...)
	return err
}
