package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// PutAvatarImage stores an avatar (PNG bytes already normalised by package
// media) under sum, the SHA-256 of those bytes. Storing the same picture
// again is not an error: the row is shared.
func (s *Store) PutAvatarImage(ctx context.Context, sum, png []byte) error {
	_, err := s.write.ExecContext(ctx, s.q(`INSERT INTO avatar_images (sha256, png, created_at) VALUES (?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`), sum, png, millis(s.now()))
	if err != nil {
		return fmt.Errorf("store: put avatar image: %w", err)
	}
	return nil
}

// AvatarImage returns the PNG bytes stored under sum, or ErrNotFound.
func (s *Store) AvatarImage(ctx context.Context, sum []byte) ([]byte, error) {
	var png []byte
	err := s.read.QueryRowContext(ctx, s.q("SELECT png FROM avatar_images WHERE sha256 = ?"), sum).Scan(&png)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: avatar image: %w", err)
	}
	return png, nil
}
