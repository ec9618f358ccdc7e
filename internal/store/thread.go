package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/model"
)

// Thread sort orders for root comments. Replies are always oldest first.
const (
	SortOldest = "oldest"
	SortNewest = "newest"
	SortTop    = "top"
)

// ThreadQuery selects one page of a thread.
type ThreadQuery struct {
	PageID int64
	Sort   string // SortOldest, SortNewest or SortTop
	Cursor string // from a previous ThreadPage.NextCursor; "" for the first page
	Limit  int    // roots per page
}

// ThreadPage is one page of a thread: roots in sort order, then their
// replies oldest first. Only approved comments appear, plus deleted ones
// that still have visible replies (as placeholders).
type ThreadPage struct {
	Comments   []model.Comment
	NextCursor string
}

// threadColumns leave out personal data: a thread is public.
const threadColumns = `id, COALESCE(parent_id, 0), guest_name, guest_website, html, status,
	created_at, edited_at, deleted_at, score, upvotes, downvotes, sticky, COALESCE(author_id, 0)`

// rootOrder holds, per sort, the keyset condition and ORDER BY for roots.
var rootOrder = map[string]struct{ after, order string }{
	SortOldest: {"(created_at, id) > (?, ?)", "created_at, id"},
	SortNewest: {"(created_at, id) < (?, ?)", "created_at DESC, id DESC"},
	SortTop:    {"(-score, created_at, id) > (?, ?, ?)", "score DESC, created_at, id"},
}

// Thread reads one page of a thread. An unknown sort or a malformed cursor
// gives ErrInvalidSort.
func (s *Store) Thread(ctx context.Context, q ThreadQuery) (*ThreadPage, error) {
	order, ok := rootOrder[q.Sort]
	if !ok {
		return nil, ErrInvalidSort
	}
	after, err := parseCursor(q.Sort, q.Cursor)
	if err != nil {
		return nil, err
	}
	base := "SELECT id, created_at, score FROM comments WHERE page_id = ? AND parent_id IS NULL AND status IN ('approved', 'deleted')"
	var rootIDs []int64
	if q.Cursor == "" {
		// Sticky roots lead the first page and never take part in paging.
		if rootIDs, _, err = s.roots(ctx, base+" AND sticky ORDER BY "+order.order, q.PageID); err != nil {
			return nil, fmt.Errorf("store: thread: %w", err)
		}
	}
	query := base + " AND NOT sticky"
	args := []any{q.PageID}
	if after != nil {
		query += " AND " + order.after
		args = append(args, after...)
	}
	query += " ORDER BY " + order.order + " LIMIT ?"
	args = append(args, q.Limit+1)
	ids, keys, err := s.roots(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: thread: %w", err)
	}
	page := &ThreadPage{}
	if len(ids) > q.Limit {
		ids, keys = ids[:q.Limit], keys[:q.Limit]
		page.NextCursor = makeCursor(q.Sort, keys[len(keys)-1])
	}
	rootIDs = append(rootIDs, ids...)
	if len(rootIDs) == 0 {
		return page, nil
	}
	if page.Comments, err = s.subtrees(ctx, rootIDs); err != nil {
		return nil, fmt.Errorf("store: thread: %w", err)
	}
	return page, nil
}

// rootKey is the position of a root in every sort order.
type rootKey struct{ created, id, score int64 }

func (s *Store) roots(ctx context.Context, query string, args ...any) ([]int64, []rootKey, error) {
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var keys []rootKey
	for rows.Next() {
		var k rootKey
		if err := rows.Scan(&k.id, &k.created, &k.score); err != nil {
			return nil, nil, err
		}
		ids = append(ids, k.id)
		keys = append(keys, k)
	}
	return ids, keys, rows.Err()
}

// subtrees loads the given roots (in that order) followed by all their
// visible replies, oldest first, without orphans or empty placeholders.
func (s *Store) subtrees(ctx context.Context, rootIDs []int64) ([]model.Comment, error) {
	in := placeholders(len(rootIDs))
	args := make([]any, 0, 2*len(rootIDs))
	for _, id := range rootIDs {
		args = append(args, id)
	}
	args = append(args, args...)
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+threadColumns+" FROM comments WHERE (id IN ("+in+") OR root_id IN ("+in+
		")) AND status IN ('approved', 'deleted') ORDER BY created_at, id"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]model.Comment, len(rootIDs))
	var replies []model.Comment
	for rows.Next() {
		c, err := scanThreadComment(rows)
		if err != nil {
			return nil, err
		}
		if c.ParentID == 0 {
			byID[c.ID] = c
		} else {
			replies = append(replies, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]model.Comment, 0, len(byID)+len(replies))
	for _, id := range rootIDs {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return pruneThread(append(out, replies...)), nil
}

// pruneThread drops replies whose parent is not shown (held or spam) and
// deleted comments left without shown replies. Parents precede children.
func pruneThread(list []model.Comment) []model.Comment {
	shown := make(map[int64]bool, len(list))
	kept := list[:0]
	for _, c := range list {
		if c.ParentID == 0 || shown[c.ParentID] {
			shown[c.ID] = true
			kept = append(kept, c)
		}
	}
	children := make(map[int64]int, len(kept))
	keep := make([]bool, len(kept))
	for i := len(kept) - 1; i >= 0; i-- {
		c := kept[i]
		if c.Status == model.StatusDeleted && children[c.ID] == 0 {
			continue
		}
		keep[i] = true
		children[c.ParentID]++
	}
	out := kept[:0]
	for i, c := range kept {
		if keep[i] {
			out = append(out, c)
		}
	}
	return out
}

func scanThreadComment(row rowScanner) (model.Comment, error) {
	var c model.Comment
	var status string
	var created int64
	var edited, deleted sql.NullInt64
	err := row.Scan(&c.ID, &c.ParentID, &c.GuestName, &c.GuestWebsite, &c.HTML, &status,
		&created, &edited, &deleted, &c.Score, &c.Upvotes, &c.Downvotes, &c.Sticky, &c.AuthorID)
	c.Status = model.Status(status)
	c.CreatedAt = fromMillis(created)
	c.EditedAt = nullMillis(edited)
	c.DeletedAt = nullMillis(deleted)
	return c, err
}

// makeCursor encodes the last root's position so the next page starts after it.
func makeCursor(sort string, k rootKey) string {
	raw := sort + ":" + strconv.FormatInt(k.created, 10) + ":" + strconv.FormatInt(k.id, 10)
	if sort == SortTop {
		raw += ":" + strconv.FormatInt(k.score, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseCursor returns the keyset arguments for the cursor, nil for "".
func parseCursor(sort, cursor string) ([]any, error) {
	if cursor == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, ErrInvalidSort
	}
	parts := strings.Split(string(raw), ":")
	want := 3
	if sort == SortTop {
		want = 4
	}
	if len(parts) != want || parts[0] != sort {
		return nil, ErrInvalidSort
	}
	nums := make([]int64, 0, 3)
	for _, p := range parts[1:] {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, ErrInvalidSort
		}
		nums = append(nums, n)
	}
	if sort == SortTop {
		return []any{-nums[2], nums[0], nums[1]}, nil
	}
	return []any{nums[0], nums[1]}, nil
}
