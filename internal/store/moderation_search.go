package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// MaxSearchScan bounds how many comments one search of a moderation tab
// looks at: the tab's newest MaxSearchScan, whatever the filters, so that a
// search costs the same on a site of any size.
const MaxSearchScan = 5000

// MaxSearchLength bounds each search term, in bytes.
const MaxSearchLength = 200

// Search narrows a moderation tab. Text, AuthorName and Path match
// anywhere in the comment's text, its author's name and its page's path,
// ignoring the case of ASCII letters; AuthorEmail matches the guest's or
// the account's email exactly, through its blind index (no email is opened
// to search). Empty fields match everything.
type Search struct {
	Text        string
	AuthorName  string
	AuthorEmail string
	Path        string
}

// Empty reports whether the search narrows nothing.
func (q Search) Empty() bool {
	return q.Text == "" && q.AuthorName == "" && q.AuthorEmail == "" && q.Path == ""
}

// ErrSearchTooLong is returned for a search term over MaxSearchLength bytes.
var ErrSearchTooLong = errors.New("store: search term too long")

// searchWhere is the SQL condition of a search on c (comments), p (pages)
// and u (users), with its arguments.
func (s *Store) searchWhere(q Search) (string, []any, error) {
	var cond []string
	var args []any
	for _, f := range []struct{ column, term string }{
		{"c.text", q.Text}, {"COALESCE(u.name, c.guest_name)", q.AuthorName}, {"p.path", q.Path}, {"", q.AuthorEmail},
	} {
		if f.term == "" {
			continue
		}
		if len(f.term) > MaxSearchLength {
			return "", nil, ErrSearchTooLong
		}
		if f.column == "" {
			index := s.sealer.EmailIndex(f.term)
			cond = append(cond, "(c.guest_email_index = ? OR u.email_index = ?)")
			args = append(args, index, index)
			continue
		}
		cond = append(cond, "LOWER("+f.column+`) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(strings.ToLower(f.term))+"%")
	}
	if len(cond) == 0 {
		return "", nil, nil
	}
	return " AND " + strings.Join(cond, " AND "), args, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// queueColumns are the columns of a QueuedComment, in scanQueued's order.
const queueColumns = `c.id, c.page_id, COALESCE(c.parent_id, 0), p.path, p.locked,
	COALESCE(u.name, c.guest_name), COALESCE(u.email_sealed, c.guest_email_sealed), c.html, c.status,
	COALESCE(c.hold_reason, ''), c.sticky, c.created_at`

const queueFrom = ` FROM comments c JOIN pages p ON p.id = c.page_id LEFT JOIN users u ON u.id = c.author_id`

// searchQueue is ModerationQueue with a search: among the tab's newest
// MaxSearchScan comments, those that match, newest first.
func (s *Store) searchQueue(ctx context.Context, q QueueQuery) (*sql.Rows, error) {
	cond, args, err := s.searchWhere(q.Search)
	if err != nil {
		return nil, err
	}
	all := append([]any{q.SiteID, string(q.Status), MaxSearchScan}, args...)
	return s.read.QueryContext(ctx, s.q(`SELECT `+queueColumns+queueFrom+`
		WHERE c.id IN (SELECT id FROM comments WHERE site_id = ? AND status = ? ORDER BY created_at DESC, id DESC LIMIT ?)`+cond+`
		ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`), append(all, q.Limit, q.Offset)...)
}

// scanQueued scans rows of queueColumns.
func (s *Store) scanQueued(rows *sql.Rows) ([]QueuedComment, error) {
	defer rows.Close()
	var out []QueuedComment
	for rows.Next() {
		var c QueuedComment
		var email []byte
		var status string
		var created int64
		if err := rows.Scan(&c.ID, &c.PageID, &c.ParentID, &c.PagePath, &c.PageLocked, &c.AuthorName, &email,
			&c.HTML, &status, &c.HoldReason, &c.Sticky, &created); err != nil {
			return nil, err
		}
		var err error
		if c.AuthorEmail, err = s.sealer.Open(email); err != nil {
			return nil, err
		}
		c.Status, c.CreatedAt = model.Status(status), fromMillis(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// MaxAuthorHistory bounds the comments an author's history lists.
const MaxAuthorHistory = 50

// AuthorHistory is what one author wrote on one site.
type AuthorHistory struct {
	Counts   map[model.Status]int
	Comments []QueuedComment // newest first, at most MaxAuthorHistory
}

// AuthorHistory returns the comments on a site by the author of one of
// its comments: by account when it has one, else by the blind index of
// the guest's email; a guest without email has only that comment. A
// comment of another site gives ErrNotFound.
func (s *Store) AuthorHistory(ctx context.Context, siteID, commentID int64) (*AuthorHistory, error) {
	var authorID int64
	var index []byte
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COALESCE(author_id, 0), guest_email_index FROM comments WHERE id = ? AND site_id = ?`),
		commentID, siteID).Scan(&authorID, &index)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: author history: %w", err)
	}
	by, arg := "c.id = ?", any(commentID)
	switch {
	case authorID != 0:
		by, arg = "c.author_id = ?", authorID
	case len(index) > 0:
		by, arg = "c.guest_email_index = ? AND c.author_id IS NULL", index
	}
	h := &AuthorHistory{Counts: map[model.Status]int{}}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT c.status, COUNT(*) FROM comments c WHERE c.site_id = ? AND `+by+` GROUP BY c.status`), siteID, arg)
	if err != nil {
		return nil, fmt.Errorf("store: author history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: author history: %w", err)
		}
		h.Counts[model.Status(status)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: author history: %w", err)
	}
	list, err := s.read.QueryContext(ctx, s.q(`SELECT `+queueColumns+queueFrom+` WHERE c.site_id = ? AND `+by+`
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`), siteID, arg, MaxAuthorHistory)
	if err != nil {
		return nil, fmt.Errorf("store: author history: %w", err)
	}
	if h.Comments, err = s.scanQueued(list); err != nil {
		return nil, fmt.Errorf("store: author history: %w", err)
	}
	return h, nil
}

// EditComment replaces the text and rendering of a comment of a site on a
// moderator's behalf, marks it edited and records it in the audit log, in
// one transaction; it returns the comment's page. A comment of another
// site gives ErrNotFound.
func (s *Store) EditComment(ctx context.Context, a Action, commentID int64, text, html string, at time.Time) (pageID int64, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`UPDATE comments SET text = ?, html = ?, edited_at = ? WHERE id = ? AND site_id = ?
			RETURNING page_id`), text, html, millis(at), commentID, a.SiteID).Scan(&pageID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := s.queueWebhooks(ctx, tx, WebhookCommentEdited, commentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ActionEdit, commentID, pageID)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("store: edit comment: %w", err)
	}
	return pageID, err
}
