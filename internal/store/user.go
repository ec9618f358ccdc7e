package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// userColumns are what scanUser reads, from users aliased as u.
const userColumns = `u.id, u.name, u.email_sealed, u.role, COALESCE(u.password_hash, ''), u.email_verified_at,
	u.website, u.avatar_url, u.profile_url, u.created_at, u.signed_up`

// CreateUser adds a user to the registry; the email is sealed and indexed.
// u.ID and u.CreatedAt are filled in. A second user with the same email
// gives ErrExists.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	u.CreatedAt = s.now().UTC().Truncate(1e6)
	err := s.write.QueryRowContext(ctx, s.q(`INSERT INTO users (name, email_sealed, email_index, role, password_hash,
		email_verified_at, website, avatar_url, profile_url, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_index) DO NOTHING RETURNING id`),
		u.Name, s.sealer.Seal(u.Email), s.sealer.EmailIndex(u.Email), string(u.Role), nullString(u.PasswordHash),
		nullTime(u.EmailVerifiedAt), u.Website, u.AvatarURL, u.ProfileURL, millis(u.CreatedAt)).Scan(&u.ID)
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
	index := s.sealer.EmailIndex(email)
	if index == nil {
		return nil, ErrNotFound
	}
	u, err := s.scanUser(s.read.QueryRowContext(ctx, s.q("SELECT "+userColumns+" FROM users u WHERE email_index = ?"), index))
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// UserByID returns one user, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*model.User, error) {
	u, err := s.scanUser(s.read.QueryRowContext(ctx, s.q("SELECT "+userColumns+" FROM users u WHERE id = ?"), id))
	if err != nil {
		return nil, fmt.Errorf("store: user by id: %w", err)
	}
	return u, nil
}

// Users lists every user, oldest first.
func (s *Store) Users(ctx context.Context) ([]*model.User, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users u ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []*model.User
	for rows.Next() {
		u, err := s.scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPassword replaces a user's password hash ("" removes the password) and,
// in the same transaction, ends every session of the user: whoever knew the
// old password must not stay signed in. ErrNotFound when there is no such user.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		return s.setPassword(ctx, tx, userID, hash)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: set password: %w", err)
	}
	return err
}

// setPassword is SetPassword inside tx.
func (s *Store) setPassword(ctx context.Context, tx *sql.Tx, userID int64, hash string) error {
	return s.updateUserEndingSessions(ctx, tx, "password_hash = ?", nullString(hash), userID)
}

// updateUserEndingSessions sets one column of user userID (set is "column
// = ?", to value) and ends every session of the user, inside tx.
// ErrNotFound when there is no such user.
func (s *Store) updateUserEndingSessions(ctx context.Context, tx *sql.Tx, set string, value any, userID int64) error {
	res, err := tx.ExecContext(ctx, s.q("UPDATE users SET "+set+" WHERE id = ?"), value, userID)
	if err != nil {
		return err
	}
	if err := mustAffect(res); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE user_id = ?"), userID)
	return err
}

// UpdateProfile saves a user's display name, website, avatar and profile
// URLs. The email and the role do not change here.
func (s *Store) UpdateProfile(ctx context.Context, u *model.User) error {
	res, err := s.write.ExecContext(ctx, s.q(`UPDATE users SET name = ?, website = ?, avatar_url = ?, profile_url = ? WHERE id = ?`),
		u.Name, u.Website, u.AvatarURL, u.ProfileURL, u.ID)
	if err != nil {
		return fmt.Errorf("store: update profile: %w", err)
	}
	return mustAffect(res)
}

// SetEmailVerified records that a user confirmed their email at t.
func (s *Store) SetEmailVerified(ctx context.Context, userID int64, t time.Time) error {
	res, err := s.write.ExecContext(ctx, s.q("UPDATE users SET email_verified_at = ? WHERE id = ?"), millis(t), userID)
	if err != nil {
		return fmt.Errorf("store: set email verified: %w", err)
	}
	return mustAffect(res)
}

// DeleteUser removes an account with its sessions and site memberships.
// Its comments keep their place in their threads, anonymised: their author
// is cleared (ON DELETE SET NULL), and sites it owned have no owner any
// more. ErrNotFound when there is no such user.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	err := s.eraseTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM users WHERE id = ?"), id)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: delete user: %w", err)
	}
	return err
}

// scanUser reads the userColumns of one row, then any extra columns
// selected after them into extra.
func (s *Store) scanUser(row rowScanner, extra ...any) (*model.User, error) {
	var u model.User
	var sealed []byte
	var role string
	var verified sql.NullInt64
	var created int64
	dest := []any{&u.ID, &u.Name, &sealed, &role, &u.PasswordHash, &verified, &u.Website, &u.AvatarURL, &u.ProfileURL, &created, &u.SignedUp}
	err := row.Scan(append(dest, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if u.Email, err = s.sealer.Open(sealed); err != nil {
		return nil, err
	}
	u.Role, u.EmailVerifiedAt, u.CreatedAt = model.Role(role), nullMillis(verified), fromMillis(created)
	return &u, nil
}

func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return millis(*t)
}
