package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/internal/model"
)

// SetSiteMember gives a user a role on a site, replacing an earlier one.
func (s *Store) SetSiteMember(ctx context.Context, siteID, userID int64, role model.Role) error {
	_, err := s.write.ExecContext(ctx, s.q(`INSERT INTO site_members (site_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role`), siteID, userID, string(role), millis(s.now()))
	if err != nil {
		return fmt.Errorf("store: set site member: %w", err)
	}
	return nil
}

// RemoveSiteMember takes a user's role on a site away, or gives ErrNotFound
// when the user had none.
func (s *Store) RemoveSiteMember(ctx context.Context, siteID, userID int64) error {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM site_members WHERE site_id = ? AND user_id = ?"), siteID, userID)
	if err != nil {
		return fmt.Errorf("store: remove site member: %w", err)
	}
	return mustAffect(res)
}

// SiteMember is a user with a role on a site.
type SiteMember struct {
	User *model.User
	Role model.Role
}

// SiteMembers lists the members of a site, in the order they were added.
func (s *Store) SiteMembers(ctx context.Context, siteID int64) ([]SiteMember, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT `+userColumns+`, m.role
		FROM site_members m JOIN users u ON u.id = m.user_id WHERE m.site_id = ? ORDER BY m.created_at, u.id`), siteID)
	if err != nil {
		return nil, fmt.Errorf("store: site members: %w", err)
	}
	defer rows.Close()
	var out []SiteMember
	for rows.Next() {
		var m SiteMember
		var role string
		u, err := s.scanUser(rows, &role)
		if err != nil {
			return nil, fmt.Errorf("store: site members: %w", err)
		}
		m.User, m.Role = u, model.Role(role)
		out = append(out, m)
	}
	return out, rows.Err()
}

// SiteRole returns a user's role on a site, or ErrNotFound.
func (s *Store) SiteRole(ctx context.Context, siteID, userID int64) (model.Role, error) {
	var role string
	err := s.read.QueryRowContext(ctx, s.q("SELECT role FROM site_members WHERE site_id = ? AND user_id = ?"), siteID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: site role: %w", err)
	}
	return model.Role(role), nil
}
