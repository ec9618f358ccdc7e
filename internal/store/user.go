package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/internal/model"
)

// CreateUser adds a user to the registry; the email is sealed and indexed.
// A second user with the same email gives ErrExists.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	u.CreatedAt = s.now().UTC().Truncate(1e6)
	err := s.write.QueryRowContext(ctx, s.q(`INSERT INTO users (name, email_sealed, email_index, role, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (email_index) DO NOTHING RETURNING id`),
		u.Name, s.sealer.Seal(u.Email), s.sealer.EmailIndex(u.Email), string(u.Role), millis(u.CreatedAt)).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrExists
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// UserByEmail finds a user by email through the blind index, or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	var u model.User
	var sealed []byte
	var role string
	var created int64
	err := s.read.QueryRowContext(ctx, s.q("SELECT id, name, email_sealed, role, created_at FROM users WHERE email_index = ?"),
		s.sealer.EmailIndex(email)).Scan(&u.ID, &u.Name, &sealed, &role, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", err)
	}
	if u.Email, err = s.sealer.Open(sealed); err != nil {
		return nil, fmt.Errorf("store: user by email: %w", err)
	}
	u.Role, u.CreatedAt = model.Role(role), fromMillis(created)
	return &u, nil
}

// SetSiteMember gives a user a role on a site, replacing an earlier one.
func (s *Store) SetSiteMember(ctx context.Context, siteID, userID int64, role model.Role) error {
	_, err := s.write.ExecContext(ctx, s.q(`INSERT INTO site_members (site_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role`), siteID, userID, string(role), millis(s.now()))
	if err != nil {
		return fmt.Errorf("store: set site member: %w", err)
	}
	return nil
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
