package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/parleyhq/parley/internal/model"
)

const pageColumns = "id, site_id, path, title, locked, " + pageCount + ", created_at"

// pageCount is, after FROM pages (aliased or not, and joined to no other
// table with an id column), the page's count of approved comments: its
// comment_count plus its shards (countOnPageNotifying), at most
// PageCountShards rows read by their key.
const pageCount = "(comment_count + COALESCE((SELECT SUM(n) FROM page_count_shards WHERE page_id = id), 0))"

// PageCountShards is how many shards a page's count has on PostgreSQL:
// each new comment adds to that of its database connection, so that
// concurrent comments of one page do not wait for each other's row lock.
// It bounds the rows a page's count is read from.
const PageCountShards = connectionShards

// connectionShards is how many shards a counter that concurrent comments
// share is split into on PostgreSQL (a page's count, an owner's month);
// connectionShard, in SQL, is the one of the statement's connection.
const connectionShards = 16

var connectionShard = "pg_backend_pid() % " + strconv.Itoa(connectionShards)

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

// Queries of the comment write path (writePathQueries).
const (
	// selectPageSQL reads a page without its count (0 in its place):
	// ensurePage's callers do not need it, and on every comment it was a
	// subquery over the page's count shards for nothing.
	selectPageSQL = "SELECT id, site_id, path, title, locked, 0, created_at FROM pages WHERE site_id = ? AND path = ?"
	insertPageSQL = "INSERT INTO pages (site_id, path, title, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (site_id, path) DO NOTHING"
	countPageSQL  = "UPDATE pages SET comment_count = comment_count + ? WHERE id = ?"
)

// ensurePage returns the page at path, creating it (with title) if needed.
// A title given for an untitled page is kept. It reads an existing page
// without locking it: the page's row is written only when the page is new
// or gets its title, so that concurrent comments on one page do not wait
// for each other's whole transaction (their count moves last, countOnPage).
func (s *Store) ensurePage(ctx context.Context, tx *sql.Tx, siteID int64, path, title string) (*model.Page, error) {
	p, _, err := scanPage(s.txStmt(ctx, tx, selectPageSQL).QueryRowContext(ctx, siteID, path))
	if errors.Is(err, ErrNotFound) {
		if _, err := s.txStmt(ctx, tx, insertPageSQL).ExecContext(ctx, siteID, path, title, millis(s.now())); err != nil {
			return nil, err
		}
		p, _, err = scanPage(s.txStmt(ctx, tx, selectPageSQL).QueryRowContext(ctx, siteID, path))
	}
	if err != nil || p.Title != "" || title == "" {
		return p, err
	}
	_, err = tx.ExecContext(ctx, s.q("UPDATE pages SET title = ? WHERE id = ? AND title = ''"), title, p.ID)
	p.Title = title
	return p, err
}

// recountPages refreshes the pages' counts of approved comments from
// their comments, for bulk changes (imports) that do not track each
// comment's status; one comment's change moves the count instead
// (countOnPage). It takes one statement per lookupChunk pages.
//
// The shards of a page's count stay: comment_count becomes the comments
// counted less the shards, both read with the statement's one snapshot,
// so that the page's count (comment_count plus its shards) is exact, and
// stays so as new comments written meanwhile, not counted, add to their
// shard. Clearing the shards instead lost such a comment when it
// committed between the count and the clearing.
func (s *Store) recountPages(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for start := 0; start < len(ids); start += lookupChunk {
		in, args := idList(ids[start:min(start+lookupChunk, len(ids))])
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE pages SET comment_count =
			(SELECT COUNT(*) FROM comments c WHERE c.page_id = pages.id AND c.status = 'approved') -
			COALESCE((SELECT SUM(n) FROM page_count_shards WHERE page_id = pages.id), 0) WHERE id IN (`+in+`)`), args...); err != nil {
			return err
		}
	}
	return nil
}

// approvedDelta is how a comment going from status from to status to
// moves its page's count of approved comments; "" stands for no comment
// (before it is created, after it is removed).
func approvedDelta(from, to model.Status) int {
	n := 0
	if from == model.StatusApproved {
		n--
	}
	if to == model.StatusApproved {
		n++
	}
	return n
}

// countOnPage moves the page's count of approved comments by delta, in the
// transaction that changed the comments. Every change of a comment's status
// comes here (or to pageCounts), so that the count stays exact without
// counting a page's comments on each write; it is each transaction's last
// statement where it can be, because on PostgreSQL it holds the page row's
// lock until the transaction ends.
func (s *Store) countOnPage(ctx context.Context, tx *sql.Tx, pageID int64, delta int) error {
	if delta == 0 {
		return nil
	}
	_, err := s.txStmt(ctx, tx, countPageSQL).ExecContext(ctx, delta, pageID)
	return err
}

// countOnPageNotifying is notifyInTx(ch) and countOnPage for a new
// comment. Where each statement is a round trip (PostgreSQL) and the
// count moves, both take one statement, and the count moves in a shard of
// the page's (PageCountShards) rather than on the page's row, which every
// comment of the page would otherwise wait for until the one before had
// committed.
func (s *Store) countOnPageNotifying(ctx context.Context, tx *sql.Tx, pageID int64, delta int, ch SiteChange) error {
	if delta == 0 || !s.dialect.oneTripWrites {
		if err := s.notifyInTx(ctx, tx, ch); err != nil {
			return err
		}
		return s.countOnPage(ctx, tx, pageID, delta)
	}
	_, err := s.txStmt(ctx, tx, countShardSQL).ExecContext(ctx, pageID, delta, siteChannel, s.notifyPayload(ch))
	return err
}

// countShardSQL adds to the page's shard of its database connection
// (pageCount) and sends the change notice, on PostgreSQL.
var countShardSQL = `INSERT INTO page_count_shards (page_id, shard, n) VALUES (?, ` + connectionShard + `, ?) ` +
	addToPageShard + ` RETURNING pg_notify(?, ?)`

// addToPageShard is the conflict clause of an insert into a page's count
// shard: it adds to the shard's count.
const addToPageShard = `ON CONFLICT (page_id, shard) DO UPDATE SET n = page_count_shards.n + excluded.n`

// pageCounts gathers the count changes of several comments by page, to
// apply once per page at the end of a transaction.
type pageCounts map[int64]int

// add notes that a comment of pageID went from status from to status to.
func (pc pageCounts) add(pageID int64, from, to model.Status) {
	if d := approvedDelta(from, to); d != 0 {
		pc[pageID] += d
	}
}

// applyCounts moves every page's count, in the order of page ids so that
// concurrent transactions lock page rows in one order and never deadlock.
func (s *Store) applyCounts(ctx context.Context, tx *sql.Tx, pc pageCounts) error {
	for _, id := range slices.Sorted(maps.Keys(pc)) {
		if err := s.countOnPage(ctx, tx, id, pc[id]); err != nil {
			return err
		}
	}
	return nil
}

// commentStatusForUpdate returns a comment's page and status, locking its
// row on PostgreSQL until the transaction ends so that the change the
// caller makes from that status is counted once (dialect.forUpdate).
func (s *Store) commentStatusForUpdate(ctx context.Context, tx *sql.Tx, id int64, siteID int64) (pageID int64, status model.Status, err error) {
	q, args := "SELECT page_id, status FROM comments WHERE id = ?", []any{id}
	if siteID != 0 {
		q, args = q+" AND site_id = ?", append(args, siteID)
	}
	err = tx.QueryRowContext(ctx, s.q(q+s.dialect.forUpdate), args...).Scan(&pageID, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	return pageID, status, err
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
