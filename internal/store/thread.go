package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

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
	// Replies is how many replies of each root the page holds at most (the
	// oldest ones); MaxComments bounds the whole page, roots included, by
	// giving later roots fewer replies. Replies not included are listed in
	// ThreadPage.MoreReplies for Store.Replies to fetch. 0 means no bound
	// (export and tests); the API always sets both.
	Replies     int
	MaxComments int
	// Size is the page's count of approved comments when the caller knows
	// it (ThreadPageInfo.CommentCount), 0 otherwise: a page of more than
	// maxSmallThread is not tried in one query.
	Size int
}

// ThreadPage is one page of a thread: roots in sort order, then their
// replies oldest first. Only approved comments appear, plus deleted ones
// that still have visible replies (as placeholders).
type ThreadPage struct {
	Comments    []model.Comment
	NextCursor  string
	MoreReplies map[int64]MoreReplies // by root id: replies left out of this page
}

// MoreReplies is what is left of a root's replies: how many, and the cursor
// for Store.Replies ("" to start from its first reply).
type MoreReplies struct {
	Count  int
	Cursor string
}

// threadColumns leave out personal data: a thread is public.
const threadColumns = `id, COALESCE(parent_id, 0), guest_name, guest_website, html, status,
	created_at, edited_at, deleted_at, score, upvotes, downvotes, sticky, COALESCE(author_id, 0), guest_verified`

// visible is the condition on comments a reader may see.
const visible = "status IN ('approved', 'deleted')"

// rootsQuery selects the visible roots of a page (the argument) for
// Store.roots; callers add conditions and the order.
const rootsQuery = "SELECT id, created_at, score, status, sticky FROM comments WHERE page_id = ? AND parent_id IS NULL AND " + visible

// rootOrder holds, per sort, the keyset condition and ORDER BY for roots.
var rootOrder = map[string]struct{ after, order string }{
	SortOldest: {"(created_at, id) > (?, ?)", "created_at, id"},
	SortNewest: {"(created_at, id) < (?, ?)", "created_at DESC, id DESC"},
	SortTop:    {"(-score, created_at, id) > (?, ?, ?)", "score DESC, created_at, id"},
}

// Thread reads one page of a thread. An unknown sort or a malformed cursor
// gives ErrInvalidSort. A thread of at most maxSmallThread visible comments
// is read in one query and laid out in Go (smallThread), a bigger one with
// a query for the page's roots, one for their trees and one for the
// comments shown (threadByQueries); both give the same page.
func (s *Store) Thread(ctx context.Context, q ThreadQuery) (*ThreadPage, error) {
	if _, ok := rootOrder[q.Sort]; !ok {
		return nil, ErrInvalidSort
	}
	after, err := parseCursor(q.Sort, q.Cursor)
	if err != nil {
		return nil, err
	}
	var page *ThreadPage
	if q.Size <= maxSmallThread {
		page, err = s.smallThread(ctx, q, after)
	}
	if page == nil && err == nil {
		page, err = s.threadByQueries(ctx, q, after)
	}
	if err != nil {
		return nil, fmt.Errorf("store: thread: %w", err)
	}
	return page, nil
}

// threadByQueries reads one page of a thread of any size: its roots, where
// their replies sit, then the comments the page shows.
func (s *Store) threadByQueries(ctx context.Context, q ThreadQuery, after *rootKey) (*ThreadPage, error) {
	order := rootOrder[q.Sort]
	query := rootsQuery + " AND NOT sticky"
	args := []any{q.PageID}
	if after != nil {
		query += " AND " + order.after
		args = append(args, after.keyset(q.Sort)...)
	}
	query += " ORDER BY " + order.order + " LIMIT ?"
	args = append(args, q.Limit+1)
	if q.Cursor == "" {
		// Sticky roots lead the first page and never take part in paging;
		// one query reads both.
		query = "SELECT * FROM (" + rootsQuery + " AND sticky) s UNION ALL SELECT * FROM (" + query + ") n ORDER BY sticky DESC, " + order.order
		args = append([]any{q.PageID}, args...)
	}
	found, err := s.roots(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	page, roots := pageRoots(q, found)
	if len(roots) == 0 {
		return page, nil
	}
	tree, err := s.visibleTree(ctx, roots)
	if err != nil {
		return nil, err
	}
	if page.Comments, err = s.commentsByID(ctx, page.layout(q, roots, tree)); err != nil {
		return nil, err
	}
	return page, nil
}

// pageRoots starts the page of a thread from found: its sticky roots, then
// at most q.Limit+1 others in the page's order. It returns the page with
// its cursor set and the roots it shows.
func pageRoots(q ThreadQuery, found []threadNode) (*ThreadPage, []threadNode) {
	var roots []threadNode
	for len(found) > 0 && found[0].sticky {
		roots, found = append(roots, found[0]), found[1:]
	}
	page := &ThreadPage{MoreReplies: map[int64]MoreReplies{}}
	if len(found) > q.Limit {
		found = found[:q.Limit]
		page.NextCursor = makeCursor(q.Sort, found[len(found)-1].rootKey)
	}
	return page, append(roots, found...)
}

// layout returns the comments the page shows, in order, from its roots and
// their pruned tree: the roots left, then the replies of each root, oldest
// first, as many as q.Replies and q.MaxComments allow. It records what is
// left of each root's replies in page.MoreReplies.
func (page *ThreadPage) layout(q ThreadQuery, roots []threadNode, tree threadTree) []int64 {
	byRoot := tree.replies()
	ids := make([]int64, 0, len(tree))
	for _, n := range tree {
		if n.parent == 0 {
			ids = append(ids, n.id)
		}
	}
	perRoot, budget := cmp.Or(q.Replies, math.MaxInt), cmp.Or(q.MaxComments, math.MaxInt)-len(ids)
	for _, r := range roots {
		replies := byRoot[r.id]
		take := max(0, min(len(replies), perRoot, budget))
		budget -= take
		for _, n := range replies[:take] {
			ids = append(ids, n.id)
		}
		if take < len(replies) {
			page.MoreReplies[r.id] = moreAfter(replies, take)
		}
	}
	return ids
}

// RepliesQuery selects the next replies of one root comment.
type RepliesQuery struct {
	PageID, RootID int64
	Cursor         string // MoreReplies.Cursor; "" for the first reply
	Limit          int
}

// Replies reads the visible replies of a root that follow the cursor,
// oldest first, at most q.Limit of them, and what is left after them. It
// gives ErrNotFound when the root is not a visible root comment of the page
// and ErrInvalidSort for a malformed cursor.
func (s *Store) Replies(ctx context.Context, q RepliesQuery) ([]model.Comment, MoreReplies, error) {
	after, err := parseCursor(replyCursor, q.Cursor)
	if err != nil {
		return nil, MoreReplies{}, err
	}
	roots, err := s.roots(ctx, rootsQuery+" AND id = ?", q.PageID, q.RootID)
	if err != nil {
		return nil, MoreReplies{}, fmt.Errorf("store: replies: %w", err)
	}
	if len(roots) == 0 {
		return nil, MoreReplies{}, ErrNotFound
	}
	tree, err := s.visibleTree(ctx, roots)
	if err != nil {
		return nil, MoreReplies{}, fmt.Errorf("store: replies: %w", err)
	}
	replies := tree.replies()[q.RootID]
	if after != nil {
		replies = replies[sort.Search(len(replies), func(i int) bool { return replies[i].after(*after) }):]
	}
	take := min(len(replies), q.Limit)
	ids := make([]int64, take)
	for i, n := range replies[:take] {
		ids[i] = n.id
	}
	var rest MoreReplies
	if take < len(replies) {
		rest = moreAfter(replies, take)
	}
	list, err := s.commentsByID(ctx, ids)
	if err != nil {
		return nil, MoreReplies{}, fmt.Errorf("store: replies: %w", err)
	}
	return list, rest, nil
}

// replyCursor is the "sort" named in a replies cursor: replies are always
// oldest first.
const replyCursor = "replies"

// threadNode is a comment's place in a thread, without its content.
type threadNode struct {
	rootKey
	parent, root int64
	status       model.Status
	sticky       bool // roots only
}

// after reports whether n comes after position k in oldest-first order.
func (n threadNode) after(k rootKey) bool {
	return n.created > k.created || (n.created == k.created && n.id > k.id)
}

// threadTree is the visible part of some roots' threads: the roots in their
// order, then every reply oldest first.
type threadTree []threadNode

// replies groups the replies by root, oldest first.
func (t threadTree) replies() map[int64][]threadNode {
	out := map[int64][]threadNode{}
	for _, n := range t {
		if n.parent != 0 {
			out[n.root] = append(out[n.root], n)
		}
	}
	return out
}

// moreAfter describes the replies left after the first take of replies.
func moreAfter(replies []threadNode, take int) MoreReplies {
	m := MoreReplies{Count: len(replies) - take}
	if take > 0 {
		m.Cursor = makeCursor(replyCursor, replies[take-1].rootKey)
	}
	return m
}

// rootKey is the position of a root in every sort order.
type rootKey struct{ created, id, score int64 }

func (s *Store) roots(ctx context.Context, query string, args ...any) ([]threadNode, error) {
	rows, err := s.queryPrepared(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []threadNode
	for rows.Next() {
		var n threadNode
		var status string
		if err := rows.Scan(&n.id, &n.created, &n.score, &status, &n.sticky); err != nil {
			return nil, err
		}
		n.status, n.root = model.Status(status), n.id
		out = append(out, n)
	}
	return out, rows.Err()
}

// visibleTree reads where every visible reply of the roots sits (not their
// content) and prunes the tree as readers see it: the whole tree is needed
// to know which replies and placeholders show, however few are sent.
func (s *Store) visibleTree(ctx context.Context, roots []threadNode) (threadTree, error) {
	ids := make([]int64, len(roots))
	for i, r := range roots {
		ids[i] = r.id
	}
	in, args := idList(ids)
	rows, err := s.queryPrepared(ctx, "SELECT id, parent_id, root_id, status, created_at FROM comments WHERE root_id IN ("+in+
		") AND "+visible+" ORDER BY created_at, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tree := append(threadTree(nil), roots...)
	for rows.Next() {
		var n threadNode
		var status string
		if err := rows.Scan(&n.id, &n.parent, &n.root, &status, &n.created); err != nil {
			return nil, err
		}
		n.status = model.Status(status)
		tree = append(tree, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return pruneThread(tree), nil
}

// commentsByID loads the public columns of the given comments, in that order.
func (s *Store) commentsByID(ctx context.Context, ids []int64) ([]model.Comment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := idList(ids)
	rows, err := s.queryPrepared(ctx, "SELECT "+threadColumns+" FROM comments WHERE id IN ("+in+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]model.Comment, len(ids))
	scanner := newThreadScanner()
	for rows.Next() {
		c, err := scanner.scan(rows)
		if err != nil {
			return nil, err
		}
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]model.Comment, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok { // gone since the tree was read
			out = append(out, c)
		}
	}
	return out, nil
}

// pruneThread drops replies whose parent is not shown (held or spam) and
// deleted comments left without shown replies. Parents precede children.
func pruneThread(list threadTree) threadTree {
	shown := make(map[int64]bool, len(list))
	kept := list[:0]
	for _, n := range list {
		if n.parent == 0 || shown[n.parent] {
			shown[n.id] = true
			kept = append(kept, n)
		}
	}
	children := make(map[int64]int, len(kept))
	keep := make([]bool, len(kept))
	for i := len(kept) - 1; i >= 0; i-- {
		n := kept[i]
		if n.status == model.StatusDeleted && children[n.id] == 0 {
			continue
		}
		keep[i] = true
		children[n.parent]++
	}
	out := kept[:0]
	for i, n := range kept {
		if keep[i] {
			out = append(out, n)
		}
	}
	return out
}

// threadScanner scans rows of threadColumns, and of the columns that
// follow them (more), into destinations it reuses from row to row.
type threadScanner struct {
	c               model.Comment
	status          string
	created         int64
	edited, deleted sql.NullInt64
	dest            []any
}

func newThreadScanner(more ...any) *threadScanner {
	t := &threadScanner{}
	c := &t.c
	t.dest = append([]any{&c.ID, &c.ParentID, &c.GuestName, &c.GuestWebsite, &c.HTML, &t.status,
		&t.created, &t.edited, &t.deleted, &c.Score, &c.Upvotes, &c.Downvotes, &c.Sticky, &c.AuthorID, &c.GuestVerified}, more...)
	return t
}

// scan reads the next row's comment; the columns after threadColumns go
// to the destinations given to newThreadScanner.
func (t *threadScanner) scan(rows *sql.Rows) (model.Comment, error) {
	if err := rows.Scan(t.dest...); err != nil {
		return model.Comment{}, err
	}
	c := t.c
	c.Status = model.Status(t.status)
	c.CreatedAt = fromMillis(t.created)
	c.EditedAt = nullMillis(t.edited)
	c.DeletedAt = nullMillis(t.deleted)
	return c, nil
}

// makeCursor encodes the last root's position so the next page starts after it.
func makeCursor(sort string, k rootKey) string {
	raw := sort + ":" + strconv.FormatInt(k.created, 10) + ":" + strconv.FormatInt(k.id, 10)
	if sort == SortTop {
		raw += ":" + strconv.FormatInt(k.score, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parseCursor returns the position a cursor names, nil for "".
func parseCursor(sort, cursor string) (*rootKey, error) {
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
	k := &rootKey{created: nums[0], id: nums[1]}
	if sort == SortTop {
		k.score = nums[2]
	}
	return k, nil
}

// keyset returns the arguments of rootOrder[sort].after for position k.
func (k rootKey) keyset(sort string) []any {
	if sort == SortTop {
		return []any{-k.score, k.created, k.id}
	}
	return []any{k.created, k.id}
}

// ThreadPageInfo is what a thread read needs to know about its page.
type ThreadPageInfo struct {
	Page         *model.Page
	CommentCount int
	HasVotes     bool // some comment of the page has a vote
	// OpenedAt is when the page's thread began: its creation or its
	// oldest comment (an imported one may be older), whichever is older.
	// model.SiteSettings.ClosedBefore compares with it.
	OpenedAt time.Time
}

// PageForThread returns a page of a site with its comment count and
// whether it has votes, in one prepared query (it runs on every thread
// cache miss), or ErrNotFound.
func (s *Store) PageForThread(ctx context.Context, siteID int64, path string) (*ThreadPageInfo, error) {
	rows, err := s.queryPrepared(ctx, "SELECT "+pageColumns+`, EXISTS (SELECT 1 FROM votes WHERE votes.page_id = pages.id),
		`+firstCommentAt+` FROM pages WHERE site_id = ? AND path = ?`, siteID, path)
	if err != nil {
		return nil, fmt.Errorf("store: page for thread: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: page for thread: %w", err)
		}
		return nil, ErrNotFound
	}
	var info ThreadPageInfo
	var first sql.NullInt64
	if info.Page, info.CommentCount, err = scanPage(rows, &info.HasVotes, &first); err != nil {
		return nil, fmt.Errorf("store: page for thread: %w", err)
	}
	info.OpenedAt = openedAt(info.Page, first)
	return &info, nil
}

// firstCommentAt selects, after the columns of a page row (pages), when its
// oldest root comment was written, NULL when it has none: one step down
// the index comments_page_roots.
const firstCommentAt = "(SELECT MIN(c.created_at) FROM comments c WHERE c.page_id = pages.id AND c.parent_id IS NULL)"

// openedAt is when a page's thread began: its creation, or its first
// comment when that is older.
func openedAt(p *model.Page, first sql.NullInt64) time.Time {
	if first.Valid && fromMillis(first.Int64).Before(p.CreatedAt) {
		return fromMillis(first.Int64)
	}
	return p.CreatedAt
}
