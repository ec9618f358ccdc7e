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

// Author is the public face of an account on one site: what its comments
// show (never the email), its role on the site and whether it is verified.
type Author struct {
	ID         int64
	Name       string
	Website    string
	AvatarURL  string
	ProfileURL string
	Verified   bool       // the email was confirmed
	SiteRole   model.Role // RoleOwner (the site's owner or an owner member), RoleModerator, or "" for anyone else
}

// Authors returns the public profiles of the given accounts on a site, by
// id; ids that name no account are left out.
func (s *Store) Authors(ctx context.Context, siteID int64, ids []int64) (map[int64]*Author, error) {
	out := map[int64]*Author{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{siteID, siteID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT u.id, u.name, u.website, u.avatar_url, u.profile_url, u.email_verified_at,
		CASE WHEN st.owner_id = u.id THEN 'owner' ELSE COALESCE(m.role, '') END
		FROM users u
		LEFT JOIN site_members m ON m.user_id = u.id AND m.site_id = ?
		LEFT JOIN sites st ON st.id = ?
		WHERE u.id IN (`+placeholders(len(ids))+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: authors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Author
		var verified sql.NullInt64
		var role string
		if err := rows.Scan(&a.ID, &a.Name, &a.Website, &a.AvatarURL, &a.ProfileURL, &verified, &role); err != nil {
			return nil, fmt.Errorf("store: authors: %w", err)
		}
		a.Verified = verified.Valid
		if r := model.Role(role); r == model.RoleOwner || r == model.RoleModerator {
			a.SiteRole = r
		}
		out[a.ID] = &a
	}
	return out, rows.Err()
}

// UserHasApprovedComment reports whether an account has an approved comment
// on a site: such a commenter skips the queue of ModerationFirst (P12).
func (s *Store) UserHasApprovedComment(ctx context.Context, siteID, userID int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM comments
		WHERE site_id = ? AND author_id = ? AND status = 'approved'`), siteID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: approved comment by user: %w", err)
	}
	return n > 0, nil
}
