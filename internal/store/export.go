package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley/internal/model"
)

// ExportedComment is one comment of a site export: the comment with its
// personal data opened, plus its import key and its author's account.
type ExportedComment struct {
	model.Comment
	Key       ImportKey // zero for a comment written in Parley
	ParentKey ImportKey // the parent's import key, if it has one
	UserName  string    // the author's account, when AuthorID is set
	UserEmail string
}

// ExportPages calls fn for every page of a site that has comments, in id
// order, with its count of approved comments.
func (s *Store) ExportPages(ctx context.Context, siteID int64, fn func(p *model.Page, approved int) error) error {
	rows, done, err := s.exportRows(ctx, "SELECT "+pageColumns+` FROM pages p
		WHERE site_id = ? AND EXISTS (SELECT 1 FROM comments c WHERE c.page_id = p.id) ORDER BY id`, siteID)
	if err != nil {
		return fmt.Errorf("store: export pages: %w", err)
	}
	defer done()
	for rows.Next() {
		p, n, err := scanPage(rows)
		if err != nil {
			return fmt.Errorf("store: export pages: %w", err)
		}
		if err := fn(p, n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export pages: %w", err)
	}
	return nil
}

// exportColumns are commentColumns for the alias c, then the import keys
// of c and its parent p and the author's account u.
const exportColumns = `c.id, c.site_id, c.page_id, COALESCE(c.parent_id, 0), COALESCE(c.author_id, 0),
	c.guest_name, c.guest_email_sealed, c.guest_website, c.text, c.html, c.status,
	c.created_at, c.edited_at, c.deleted_at, c.score, c.upvotes, c.downvotes, c.sticky,
	c.ip_sealed, c.ua_sealed, c.edit_token_hash,
	COALESCE(c.import_source, ''), COALESCE(c.import_id, ''),
	COALESCE(p.import_source, ''), COALESCE(p.import_id, ''), COALESCE(u.name, ''), u.email_sealed`

// ExportComments calls fn for every comment of a site, in every state,
// with personal data opened. Comments come in id order, so a parent always
// comes before its replies; with byPage, grouped by page (pages in id
// order) and in id order within a page. fn must not keep the comment.
func (s *Store) ExportComments(ctx context.Context, siteID int64, byPage bool, fn func(c *ExportedComment) error) error {
	order := "c.id"
	if byPage {
		order = "c.page_id, c.id"
	}
	rows, done, err := s.exportRows(ctx, "SELECT "+exportColumns+` FROM comments c
		LEFT JOIN comments p ON p.id = c.parent_id
		LEFT JOIN users u ON u.id = c.author_id WHERE c.site_id = ? ORDER BY `+order, siteID)
	if err != nil {
		return fmt.Errorf("store: export comments: %w", err)
	}
	defer done()
	for rows.Next() {
		c, err := s.scanExported(rows)
		if err != nil {
			return fmt.Errorf("store: export comments: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export comments: %w", err)
	}
	return nil
}

// exportRows runs an export's query. One statement streams a whole site
// for as long as its reader takes (a download to a slow browser), so on
// PostgreSQL it runs in a read-only transaction without the server's
// statement_timeout (LOCAL: that transaction only). done closes the rows
// and ends the transaction.
func (s *Store) exportRows(ctx context.Context, query string, args ...any) (*sql.Rows, func(), error) {
	if s.dialect.name != "postgres" {
		rows, err := s.read.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			return nil, nil, err
		}
		return rows, func() { rows.Close() }, nil
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	_, err = tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0")
	var rows *sql.Rows
	if err == nil {
		rows, err = tx.QueryContext(ctx, s.q(query), args...)
	}
	if err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return rows, func() { rows.Close(); tx.Rollback() }, nil
}

func (s *Store) scanExported(row rowScanner) (*ExportedComment, error) {
	var c ExportedComment
	var email, ip, ua, userEmail []byte
	var status string
	var created int64
	var edited, deleted sql.NullInt64
	err := row.Scan(&c.ID, &c.SiteID, &c.PageID, &c.ParentID, &c.AuthorID,
		&c.GuestName, &email, &c.GuestWebsite, &c.Text, &c.HTML, &status,
		&created, &edited, &deleted, &c.Score, &c.Upvotes, &c.Downvotes, &c.Sticky,
		&ip, &ua, &c.EditTokenHash, &c.Key.Source, &c.Key.ID, &c.ParentKey.Source, &c.ParentKey.ID,
		&c.UserName, &userEmail)
	if err != nil {
		return nil, err
	}
	c.Status = model.Status(status)
	c.CreatedAt = fromMillis(created)
	c.EditedAt = nullMillis(edited)
	c.DeletedAt = nullMillis(deleted)
	for _, f := range []struct {
		dst    *string
		sealed []byte
	}{{&c.GuestEmail, email}, {&c.IP, ip}, {&c.UserAgent, ua}, {&c.UserEmail, userEmail}} {
		if *f.dst, err = s.sealer.Open(f.sealed); err != nil {
			return nil, err
		}
	}
	return &c, nil
}
