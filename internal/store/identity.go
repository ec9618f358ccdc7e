package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// ErrTooManyLogins is CreateLoginState's answer when as many logins as it
// may hold are in progress.
var ErrTooManyLogins = errors.New("store: too many logins in progress")

// LoginState is a provider login in progress, from its start to the
// provider's callback. The nonce and PKCE verifier are sealed at rest.
type LoginState struct {
	Provider  string
	SiteID    int64
	Origin    string // the exact origin the session token will be handed to
	Remember  bool
	Nonce     string
	Verifier  string
	ExpiresAt time.Time
}

// CreateLoginState stores ls under the hash of its random state. Expired
// states are deleted first; when max unexpired ones remain it stores
// nothing and gives ErrTooManyLogins. On PostgreSQL, logins starting at the
// same instant on several servers may pass max by as many.
func (s *Store) CreateLoginState(ctx context.Context, stateHash []byte, ls *LoginState, max int) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := millis(s.now())
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM login_states WHERE expires_at <= ?"), now); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_states").Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return ErrTooManyLogins
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO login_states
			(state_hash, provider, site_id, origin, remember, nonce_sealed, verifier_sealed, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			stateHash, ls.Provider, ls.SiteID, ls.Origin, ls.Remember,
			s.sealer.Seal(ls.Nonce), s.sealer.Seal(ls.Verifier), millis(ls.ExpiresAt))
		return err
	})
	if err != nil && !errors.Is(err, ErrTooManyLogins) {
		return fmt.Errorf("store: create login state: %w", err)
	}
	return err
}

// TakeLoginState removes and returns the unexpired login state stored
// under stateHash: a state is used once. ErrNotFound when there is none.
func (s *Store) TakeLoginState(ctx context.Context, stateHash []byte) (*LoginState, error) {
	var ls LoginState
	var nonce, verifier []byte
	var expires int64
	err := s.write.QueryRowContext(ctx, s.q(`DELETE FROM login_states WHERE state_hash = ?
		RETURNING provider, site_id, origin, remember, nonce_sealed, verifier_sealed, expires_at`), stateHash).
		Scan(&ls.Provider, &ls.SiteID, &ls.Origin, &ls.Remember, &nonce, &verifier, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: take login state: %w", err)
	}
	ls.ExpiresAt = fromMillis(expires)
	if !s.now().Before(ls.ExpiresAt) {
		return nil, ErrNotFound
	}
	if ls.Nonce, err = s.sealer.Open(nonce); err == nil {
		ls.Verifier, err = s.sealer.Open(verifier)
	}
	if err != nil {
		return nil, fmt.Errorf("store: take login state: %w", err)
	}
	return &ls, nil
}

// IdentityProfile is what a login provider says about a person, as
// LoginIdentity keeps it. Email is only an address the provider verified.
// The provider's picture is not here: see SetAvatar.
type IdentityProfile struct {
	Name, Email, ProfileURL string
}

// errIdentityRace makes LoginIdentity try again when another login of the
// same account created it first.
var errIdentityRace = errors.New("store: identity created concurrently")

// LoginIdentity returns the user of a provider's account (provider,
// subject), creating both at the first login. A new user takes the
// profile's name and, when no other account has it, its verified email
// (sealed, and marked verified); later logins refresh the profile URL,
// and the name only while the user has none, since the person may have
// changed it. The subject is stored only as a keyed hash.
func (s *Store) LoginIdentity(ctx context.Context, provider, subject string, p IdentityProfile) (*model.User, error) {
	index := s.sealer.IdentityIndex(provider, subject)
	var id int64
	for attempt := 0; ; attempt++ {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = s.loginIdentityTx(ctx, tx, index, provider, p)
			return err
		})
		if errors.Is(err, errIdentityRace) && attempt == 0 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: login identity: %w", err)
		}
		break
	}
	return s.UserByID(ctx, id)
}

func (s *Store) loginIdentityTx(ctx context.Context, tx *sql.Tx, index []byte, provider string, p IdentityProfile) (int64, error) {
	now := millis(s.now())
	var id int64
	err := tx.QueryRowContext(ctx, s.q("SELECT user_id FROM identities WHERE subject_index = ?"), index).Scan(&id)
	if err == nil {
		if _, err := tx.ExecContext(ctx, s.q("UPDATE identities SET last_login_at = ? WHERE subject_index = ?"), now, index); err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE users SET profile_url = ?,
			name = CASE WHEN name = '' THEN ? ELSE name END WHERE id = ?`), p.ProfileURL, p.Name, id)
		return id, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if id, err = s.createIdentityUser(ctx, tx, p, now); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO identities (subject_index, provider, user_id, created_at, last_login_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (subject_index) DO NOTHING`), index, provider, id, now, now)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, errors.Join(errIdentityRace, err)
	}
	return id, nil
}

// createIdentityUser adds the user of a new identity, with its email only
// when no other account has that address.
func (s *Store) createIdentityUser(ctx context.Context, tx *sql.Tx, p IdentityProfile, now int64) (int64, error) {
	const insert = `INSERT INTO users (name, email_sealed, email_index, email_verified_at, profile_url, role, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_index) DO NOTHING RETURNING id`
	var id int64
	var verified any
	if p.Email != "" {
		verified = now
	}
	err := tx.QueryRowContext(ctx, s.q(insert), p.Name, s.sealer.Seal(p.Email), s.sealer.EmailIndex(p.Email), verified,
		p.ProfileURL, string(model.RoleCommenter), now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // the address is another account's
		err = tx.QueryRowContext(ctx, s.q(insert), p.Name, nil, nil, nil,
			p.ProfileURL, string(model.RoleCommenter), now).Scan(&id)
	}
	return id, err
}

// SetAvatarURL points the user's public avatar at path, a picture Parley
// serves (package media), or ErrNotFound.
func (s *Store) SetAvatarURL(ctx context.Context, userID int64, path string) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE users SET avatar_url = ? WHERE id = ?"), path, userID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("store: set avatar: %w", err)
	}
	return nil
}
