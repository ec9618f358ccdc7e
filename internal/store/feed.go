package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// FeedComment is an approved comment as a feed shows it: public fields
// only, never an email or an IP.
type FeedComment struct {
	ID         int64
	Path       string // its page's path
	PageTitle  string
	AuthorName string // the account's display name or the guest's name; "" for anonymous
	HTML       string // sanitized when written
	CreatedAt  time.Time
	EditedAt   *time.Time
}

// FeedComments returns the newest approved comments of a site, at most
// limit, newest first; only those of the page at path when path is not "".
func (s *Store) FeedComments(ctx context.Context, siteID int64, path string, limit int) ([]FeedComment, error) {
	q := `SELECT c.id, p.path, p.title, COALESCE(u.name, c.guest_name, ''), c.html, c.created_at, c.edited_at
		FROM comments c JOIN pages p ON p.id = c.page_id LEFT JOIN users u ON u.id = c.author_id
		WHERE c.site_id = ? AND c.status = 'approved'`
	args := []any{siteID}
	if path != "" {
		q += " AND p.path = ?"
		args = append(args, path)
	}
	rows, err := s.read.QueryContext(ctx, s.q(q+" ORDER BY c.created_at DESC, c.id DESC LIMIT ?"), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: feed comments: %w", err)
	}
	defer rows.Close()
	var out []FeedComment
	for rows.Next() {
		var c FeedComment
		var created int64
		var edited sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Path, &c.PageTitle, &c.AuthorName, &c.HTML, &created, &edited); err != nil {
			return nil, fmt.Errorf("store: feed comments: %w", err)
		}
		c.CreatedAt, c.EditedAt = fromMillis(created), nullMillis(edited)
		out = append(out, c)
	}
	return out, rows.Err()
}
