package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The spam verdicts a comment may carry (comments.spam_verdict).
const (
	VerdictHam  = "ham"
	VerdictSpam = "spam"
)

// SpamVerdict returns what the spam checker believes of a comment of a
// site (VerdictHam, VerdictSpam, or "" when none was asked) and its page's
// path; ErrNotFound when the site has no such comment.
func (s *Store) SpamVerdict(ctx context.Context, siteID, commentID int64) (verdict, path string, err error) {
	err = s.read.QueryRowContext(ctx, s.q(`SELECT COALESCE(c.spam_verdict, ''), p.path FROM comments c
		JOIN pages p ON p.id = c.page_id WHERE c.id = ? AND c.site_id = ?`), commentID, siteID).Scan(&verdict, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("store: spam verdict: %w", err)
	}
	return verdict, path, nil
}

// SetSpamVerdict records what the spam checker was told of a comment (a
// moderator's report), so that the same override is not reported twice.
func (s *Store) SetSpamVerdict(ctx context.Context, commentID int64, verdict string) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE comments SET spam_verdict = ? WHERE id = ?"), verdict, commentID)
	if err != nil {
		return fmt.Errorf("store: set spam verdict: %w", err)
	}
	return mustAffect(res)
}
