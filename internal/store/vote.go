package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// VoteTally is a comment's vote counts after a vote.
type VoteTally struct {
	Score, Upvotes, Downvotes int
}

// Vote records voter's vote on an approved comment of a site: 1 or -1, or 0
// to withdraw; ErrNotFound when the site has no such comment. A voter has
// one vote per comment; voting again replaces it. Counts are recomputed
// from the votes in the same transaction, after taking the comment's row
// lock, so concurrent votes never lose an update.
func (s *Store) Vote(ctx context.Context, siteID, commentID int64, voter []byte, value int) (VoteTally, error) {
	var t VoteTally
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var pageID int64
		err := tx.QueryRowContext(ctx, s.q("UPDATE comments SET score = score WHERE id = ? AND site_id = ? AND status = 'approved' RETURNING page_id"), commentID, siteID).Scan(&pageID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if value == 0 {
			_, err = tx.ExecContext(ctx, s.q("DELETE FROM votes WHERE comment_id = ? AND voter = ?"), commentID, voter)
		} else {
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO votes (comment_id, page_id, voter, value, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (comment_id, voter) DO UPDATE SET value = excluded.value`), commentID, pageID, voter, value, millis(s.now()))
		}
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, s.q(`UPDATE comments SET
			upvotes = (SELECT COUNT(*) FROM votes WHERE comment_id = ? AND value = 1),
			downvotes = (SELECT COUNT(*) FROM votes WHERE comment_id = ? AND value = -1),
			score = (SELECT COALESCE(SUM(value), 0) FROM votes WHERE comment_id = ?)
			WHERE id = ? RETURNING score, upvotes, downvotes`), commentID, commentID, commentID, commentID).
			Scan(&t.Score, &t.Upvotes, &t.Downvotes)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return t, fmt.Errorf("store: vote: %w", err)
	}
	return t, err
}

// VotesOnPage returns voter's votes on the page's comments, by comment id.
func (s *Store) VotesOnPage(ctx context.Context, pageID int64, voter []byte) (map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT comment_id, value FROM votes WHERE page_id = ? AND voter = ?"), pageID, voter)
	if err != nil {
		return nil, fmt.Errorf("store: votes on page: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("store: votes on page: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}

// PageHasVotes reports whether any comment of the page has a vote.
func (s *Store) PageHasVotes(ctx context.Context, pageID int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM (SELECT 1 FROM votes WHERE page_id = ? LIMIT 1) v"), pageID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: page has votes: %w", err)
	}
	return n > 0, nil
}
