package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// SetSSOSecret enables site SSO for a site with secret, replacing any
// earlier secret (tokens signed with that one stop working). The secret is
// sealed at rest.
func (s *Store) SetSSOSecret(ctx context.Context, siteID int64, secret string) error {
	_, err := s.write.ExecContext(ctx, s.q(`INSERT INTO site_sso (site_id, secret_sealed, created_at) VALUES (?, ?, ?)
		ON CONFLICT (site_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, created_at = excluded.created_at`),
		siteID, s.sealer.Seal(secret), millis(s.now()))
	if err != nil {
		return fmt.Errorf("store: set sso secret: %w", err)
	}
	return nil
}

// SSOSecret returns a site's SSO secret, or ErrNotFound when the site does
// not use SSO.
func (s *Store) SSOSecret(ctx context.Context, siteID int64) (string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT secret_sealed FROM site_sso WHERE site_id = ?"), siteID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: sso secret: %w", err)
	}
	secret, err := s.sealer.Open(sealed)
	if err != nil {
		return "", fmt.Errorf("store: sso secret: %w", err)
	}
	return secret, nil
}

// UseSSOToken records that the token with this hash was used; it is
// remembered until expires. ErrExists when it was used already (a replay).
func (s *Store) UseSSOToken(ctx context.Context, tokenHash []byte, expires time.Time) error {
	res, err := s.write.ExecContext(ctx, s.q(`INSERT INTO sso_used_tokens (token_hash, expires_at) VALUES (?, ?)
		ON CONFLICT (token_hash) DO NOTHING`), tokenHash, millis(expires))
	if err != nil {
		return fmt.Errorf("store: use sso token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return ErrExists
	}
	return nil
}

// PurgeSSOTokens forgets used tokens that expired before now: they are
// refused as expired already. It returns how many were forgotten.
func (s *Store) PurgeSSOTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, s.q("DELETE FROM sso_used_tokens WHERE expires_at < ?"), millis(now))
	if err != nil {
		return 0, fmt.Errorf("store: purge sso tokens: %w", err)
	}
	return res.RowsAffected()
}

// SSOUser returns the account linked to a site's user externalID and the
// picture URL the site sent for it last, or ErrNotFound.
func (s *Store) SSOUser(ctx context.Context, siteID int64, externalID string) (*model.User, string, error) {
	var source string
	u, err := s.scanUser(s.read.QueryRowContext(ctx, s.q("SELECT "+userColumns+", x.avatar_source"+
		" FROM sso_users x JOIN users u ON u.id = x.user_id WHERE x.site_id = ? AND x.external_id = ?"), siteID, externalID), &source)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			err = fmt.Errorf("store: sso user: %w", err)
		}
		return nil, "", err
	}
	return u, source, nil
}

// CreateSSOUser creates the account of a site's user externalID and links
// it, in one transaction; u.ID and u.CreatedAt are filled in. avatarSource
// is the picture URL the site sent (see SSOUser). The email is sealed but
// not indexed: an SSO account is never found, merged or signed in by its
// email. ErrExists when the site's user is linked already (two first
// sign-ins at once): the caller looks it up again.
func (s *Store) CreateSSOUser(ctx context.Context, siteID int64, externalID, avatarSource string, u *model.User) error {
	u.CreatedAt = s.now().UTC().Truncate(time.Millisecond)
	u.Role = model.RoleCommenter
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO users (name, email_sealed, role, website, avatar_url, profile_url, created_at)
			VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id`),
			u.Name, s.sealer.Seal(u.Email), string(u.Role), u.AvatarURL, u.ProfileURL, millis(u.CreatedAt)).Scan(&u.ID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO sso_users (site_id, external_id, user_id, avatar_source, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_id, external_id) DO NOTHING`), siteID, externalID, u.ID, avatarSource, millis(u.CreatedAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return ErrExists
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrExists) {
		return fmt.Errorf("store: create sso user: %w", err)
	}
	return err
}

// UpdateSSOUser saves what a site says about its user at each sign-in: the
// public name, avatar and profile URLs, the sealed email, and the picture
// URL the avatar came from. ErrNotFound when the account is gone.
func (s *Store) UpdateSSOUser(ctx context.Context, u *model.User, avatarSource string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE users SET name = ?, email_sealed = ?, avatar_url = ?, profile_url = ? WHERE id = ?`),
			u.Name, s.sealer.Seal(u.Email), u.AvatarURL, u.ProfileURL, u.ID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q("UPDATE sso_users SET avatar_source = ? WHERE user_id = ?"), avatarSource, u.ID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: update sso user: %w", err)
	}
	return err
}

// DeleteSSOSecret forgets a site's SSO secret, which turns site SSO off
// for it. Accounts made by SSO stay.
func (s *Store) DeleteSSOSecret(ctx context.Context, siteID int64) error {
	if _, err := s.write.ExecContext(ctx, s.q("DELETE FROM site_sso WHERE site_id = ?"), siteID); err != nil {
		return fmt.Errorf("store: delete sso secret: %w", err)
	}
	return nil
}
