package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/internal/model"
)

const pageColumns = "id, site_id, path, title, locked, comment_count, created_at"

// PageByPath returns the page at path on a site, with its approved comment
// count, or ErrNotFound.
func (s *Store) PageByPath(ctx context.Context, siteID int64, path string) (*model.Page, int, error) {
	row := s.read.QueryRowContext(ctx, s.q("SELECT "+pageColumns+" FROM pages WHERE site_id = ? AND path = ?"), siteID, path)
	p, count, err := scanPage(row)
	if err != nil {
		return nil, 0, fmt.Errorf("store: page by path: %w", err)
	}
	return p, count, nil
}

// SetPageLocked locks or unlocks a page for new comments.
func (s *Store) SetPageLocked(ctx context.Context, pageID int64, locked bool) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE pages SET locked = ? WHERE id = ?"), locked, pageID)
	if err != nil {
		return fmt.Errorf("store: lock page: %w", err)
	}
	return mustAffect(res)
}

// ensurePage returns the page at path, creating it (with title) if needed.
// A title given for an untitled page is kept.
func (s *Store) ensurePage(ctx context.Context, tx *sql.Tx, siteID int64, path, title string) (*model.Page, error) {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO pages (site_id, path, title, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (site_id, path) DO UPDATE SET title = excluded.title WHERE pages.title = '' AND excluded.title <> ''`),
		siteID, path, title, millis(s.now()))
	if err != nil {
		return nil, err
	}
	p, _, err := scanPage(tx.QueryRowContext(ctx, s.q("SELECT "+pageColumns+" FROM pages WHERE site_id = ? AND path = ?"), siteID, path))
	return p, err
}

// recountPage refreshes the page's cached count of visible comments.
func (s *Store) recountPage(ctx context.Context, tx *sql.Tx, pageID int64) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE pages SET comment_count =
		(SELECT COUNT(*) FROM comments WHERE page_id = ? AND status = 'approved') WHERE id = ?`), pageID, pageID)
	return err
}

// scanPage reads the pageColumns of one row, then any extra columns
// selected after them into extra.
func scanPage(row rowScanner, extra ...any) (*model.Page, int, error) {
	var p model.Page
	var count int
	var created int64
	if err := row.Scan(append([]any{&p.ID, &p.SiteID, &p.Path, &p.Title, &p.Locked, &count, &created}, extra...)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, 0, ErrNotFound
		}
		return nil, 0, err
	}
	p.CreatedAt = fromMillis(created)
	return &p, count, nil
}

// PageSummary is a page of a site with its count of approved comments.
type PageSummary struct {
	Page         *model.Page
	CommentCount int
}

// SitePages lists a site's pages that have comments or were locked, by
// path, limit of them from offset. Pages only read (counted by a view)
// and never commented on are left out: they have nothing to moderate.
func (s *Store) SitePages(ctx context.Context, siteID int64, offset, limit int) ([]PageSummary, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+pageColumns+` FROM pages
		WHERE site_id = ? AND (locked OR EXISTS (SELECT 1 FROM comments c WHERE c.page_id = pages.id))
		ORDER BY path LIMIT ? OFFSET ?`), siteID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: site pages: %w", err)
	}
	defer rows.Close()
	var out []PageSummary
	for rows.Next() {
		p, n, err := scanPage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: site pages: %w", err)
		}
		out = append(out, PageSummary{Page: p, CommentCount: n})
	}
	return out, rows.Err()
}
