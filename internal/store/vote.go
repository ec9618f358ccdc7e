package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// MaxVotesPerNetwork bounds the voters of one network (an IPv4 address or
// an IPv6 /64) on one comment. A guest voter is a network plus a user agent,
// and a client can send any user agent it likes: without this bound one
// machine could move a score without limit. A few voters still share one
// NAT (a household, an office).
const MaxVotesPerNetwork = 3

// ErrVoteLimit means the voter's network already has MaxVotesPerNetwork
// other voters on the comment.
var ErrVoteLimit = errors.New("store: too many votes from one network")

// Voter identifies who votes, by keyed hashes only (promises P5, P6).
type Voter struct {
	ID      []byte // one voter: one vote per comment
	Network []byte // the network the voter votes from; nil when unknown
}

// VoteTally is a comment's vote counts after a vote.
type VoteTally struct {
	Score, Upvotes, Downvotes int
}

// Vote records voter's vote on an approved comment of a site: 1 or -1, or 0
// to withdraw; ErrNotFound when the site has no such comment. A voter has
// one vote per comment; voting again replaces it. A new voter from a network
// that already has MaxVotesPerNetwork voters on the comment gets
// ErrVoteLimit; changing or withdrawing a vote is always allowed. Counts are
// recomputed from the votes in the same transaction, after taking the
// comment's row lock, so concurrent votes never lose an update nor pass the
// network's bound together.
func (s *Store) Vote(ctx context.Context, siteID, commentID int64, voter Voter, value int) (VoteTally, error) {
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
			_, err = tx.ExecContext(ctx, s.q("DELETE FROM votes WHERE comment_id = ? AND voter = ?"), commentID, voter.ID)
		} else {
			if err := s.checkNetworkVotes(ctx, tx, commentID, voter); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO votes (comment_id, page_id, voter, network, value, created_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (comment_id, voter) DO UPDATE SET value = excluded.value, network = excluded.network`),
				commentID, pageID, voter.ID, voter.Network, value, millis(s.now()))
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
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrVoteLimit) {
		return t, fmt.Errorf("store: vote: %w", err)
	}
	return t, err
}

// checkNetworkVotes returns ErrVoteLimit when voter would be one voter too
// many from its network on the comment: the network has MaxVotesPerNetwork
// other voters there and voter has no vote to change.
func (s *Store) checkNetworkVotes(ctx context.Context, tx *sql.Tx, commentID int64, voter Voter) error {
	if voter.Network == nil {
		return nil
	}
	var others, own int
	err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM votes WHERE comment_id = ? AND network = ? AND voter <> ?"),
		commentID, voter.Network, voter.ID).Scan(&others)
	if err != nil || others < MaxVotesPerNetwork {
		return err
	}
	err = tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM votes WHERE comment_id = ? AND voter = ?"), commentID, voter.ID).Scan(&own)
	if err != nil {
		return err
	}
	if own == 0 {
		return ErrVoteLimit
	}
	return nil
}

// VotesOnPage returns voter's votes on the page's comments, by comment id.
func (s *Store) VotesOnPage(ctx context.Context, pageID int64, voter Voter) (map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT comment_id, value FROM votes WHERE page_id = ? AND voter = ?"), pageID, voter.ID)
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

// CommentVote is one vote on one comment.
type CommentVote struct {
	CommentID int64
	Value     int8 // 1 or -1
}

// PageVotes returns every vote on the page's comments by voter, keyed by
// the voter's id as a string, for a cache that answers each reader's
// VotesOnPage from memory; ok is false (and the map nil) when the page has
// more than max votes.
func (s *Store) PageVotes(ctx context.Context, pageID int64, max int) (votes map[string][]CommentVote, ok bool, err error) {
	rows, err := s.queryPrepared(ctx, "SELECT voter, comment_id, value FROM votes WHERE page_id = ? LIMIT ?", pageID, max+1)
	if err != nil {
		return nil, false, fmt.Errorf("store: page votes: %w", err)
	}
	defer rows.Close()
	votes = map[string][]CommentVote{}
	n := 0
	for rows.Next() {
		var voter []byte
		var v CommentVote
		if err := rows.Scan(&voter, &v.CommentID, &v.Value); err != nil {
			return nil, false, fmt.Errorf("store: page votes: %w", err)
		}
		if n++; n > max {
			return nil, false, rows.Err()
		}
		votes[string(voter)] = append(votes[string(voter)], v)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: page votes: %w", err)
	}
	return votes, true, nil
}
