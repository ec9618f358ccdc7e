package store

import (
	"context"
	"fmt"
)

// Counts returns the number of visible comments for each path on a site.
// Paths without a page count 0.
func (s *Store) Counts(ctx context.Context, siteID int64, paths []string) (map[string]int, error) {
	out := make(map[string]int, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	args := []any{siteID}
	for _, p := range paths {
		out[p] = 0
		args = append(args, p)
	}
	rows, err := s.read.QueryContext(ctx, s.q("SELECT path, "+pageCount+" FROM pages WHERE site_id = ? AND path IN ("+placeholders(len(paths))+")"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		var n int
		if err := rows.Scan(&path, &n); err != nil {
			return nil, fmt.Errorf("store: counts: %w", err)
		}
		out[path] = n
	}
	return out, rows.Err()
}
