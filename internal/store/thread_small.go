package store

import (
	"cmp"
	"context"
	"slices"

	"github.com/parleyhq/parley/internal/model"
)

// maxSmallThread is the most visible comments (approved ones and
// placeholders) of a page that Store.Thread reads in one query, with their
// content, before laying out the page itself: on a thread cache miss, one
// query instead of three costs less than reading a few comments the page
// does not show. A bigger page, or one whose comment count says it is, is
// read by threadByQueries.
const maxSmallThread = 100

// smallThreadSQL reads every visible comment of a page (the first
// argument), at most as many as the second argument. It has no ORDER BY, so
// that it stops at the limit however big the page is: smallThread sorts.
const smallThreadSQL = "SELECT " + threadColumns + ", COALESCE(root_id, id) FROM comments WHERE page_id = ? AND " + visible + " LIMIT ?"

// smallThread reads the page of a thread that q asks for in one query and
// lays it out as threadByQueries does, or returns nil when the page has
// more than maxSmallThread visible comments.
func (s *Store) smallThread(ctx context.Context, q ThreadQuery, after *rootKey) (*ThreadPage, error) {
	rows, err := s.queryPrepared(ctx, smallThreadSQL, q.PageID, maxSmallThread+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Most pages have no placeholders: their size is about their count.
	comments := make([]model.Comment, 0, min(q.Size, maxSmallThread)+1)
	nodes := make(threadTree, 0, cap(comments))
	var root int64
	scanner := newThreadScanner(&root)
	for rows.Next() {
		c, err := scanner.scan(rows)
		if err != nil {
			return nil, err
		}
		n := threadNode{root: root}
		n.rootKey = rootKey{created: millis(c.CreatedAt), id: c.ID, score: int64(c.Score)}
		n.parent, n.status, n.sticky = c.ParentID, c.Status, c.Sticky
		comments, nodes = append(comments, c), append(nodes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(nodes) > maxSmallThread {
		return nil, nil
	}
	slices.SortFunc(nodes, func(a, b threadNode) int { return compareRoots(SortOldest, a.rootKey, b.rootKey) })
	page, roots := pageRoots(q, smallRoots(q, after, nodes))
	if len(roots) == 0 {
		return page, nil
	}
	shown := make(map[int64]bool, len(roots))
	tree := append(threadTree(nil), roots...)
	for _, r := range roots {
		shown[r.id] = true
	}
	for _, n := range nodes {
		if n.parent != 0 && shown[n.root] {
			tree = append(tree, n)
		}
	}
	byID := make(map[int64]*model.Comment, len(comments))
	for i := range comments {
		byID[comments[i].ID] = &comments[i]
	}
	if ids := page.layout(q, roots, pruneThread(tree)); len(ids) > 0 {
		page.Comments = make([]model.Comment, len(ids))
		for i, id := range ids {
			page.Comments[i] = *byID[id]
		}
	}
	return page, nil
}

// smallRoots returns the roots among nodes that the roots query of
// threadByQueries would find: on the first page the sticky ones, then the
// first q.Limit+1 others after the cursor, each group in the page's order.
func smallRoots(q ThreadQuery, after *rootKey, nodes threadTree) []threadNode {
	var sticky []threadNode
	others := make([]threadNode, 0, len(nodes))
	for _, n := range nodes {
		switch {
		case n.parent != 0:
		case n.sticky:
			if q.Cursor == "" {
				sticky = append(sticky, n)
			}
		case after == nil || compareRoots(q.Sort, *after, n.rootKey) < 0:
			others = append(others, n)
		}
	}
	byOrder := func(a, b threadNode) int { return compareRoots(q.Sort, a.rootKey, b.rootKey) }
	slices.SortFunc(sticky, byOrder)
	slices.SortFunc(others, byOrder)
	return append(sticky, others[:min(len(others), q.Limit+1)]...)
}

// compareRoots orders positions as rootOrder[sort] does in SQL.
func compareRoots(sort string, a, b rootKey) int {
	switch sort {
	case SortNewest:
		return cmp.Or(cmp.Compare(b.created, a.created), cmp.Compare(b.id, a.id))
	case SortTop:
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.created, b.created), cmp.Compare(a.id, b.id))
	}
	return cmp.Or(cmp.Compare(a.created, b.created), cmp.Compare(a.id, b.id))
}
