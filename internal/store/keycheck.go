package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// KeyMismatchError is returned by CheckKey when the configured secret key
// does not open the data already in the database.
type KeyMismatchError struct {
	// StoredKeyID is the id of the key the database was sealed with, or ""
	// when the database predates key ids and a sealed value failed to open.
	StoredKeyID string
	// KeyID is the id of the key that was tried.
	KeyID string
}

func (e *KeyMismatchError) Error() string {
	if e.StoredKeyID == "" {
		return fmt.Sprintf("store: the secret key (id %s) does not open the sealed data in the database", e.KeyID)
	}
	return fmt.Sprintf("store: the database was sealed with secret key id %s, not with the configured key (id %s)", e.StoredKeyID, e.KeyID)
}

// sealedSamples finds one sealed value, whichever table holds one.
const sealedSamples = `SELECT v FROM (
	SELECT guest_email_sealed AS v FROM comments WHERE guest_email_sealed IS NOT NULL
	UNION ALL SELECT ip_sealed FROM comments WHERE ip_sealed IS NOT NULL
	UNION ALL SELECT ua_sealed FROM comments WHERE ua_sealed IS NOT NULL
	UNION ALL SELECT email_sealed FROM users WHERE email_sealed IS NOT NULL
	UNION ALL SELECT recipient_sealed FROM outbox WHERE recipient_sealed IS NOT NULL
	UNION ALL SELECT secret_sealed FROM site_sso
) samples LIMIT 1`

// HasKeyedData reports whether the database holds anything made with a
// secret key: its key check, a sealed value or a vote (keyed voter hashes).
// A new key must never be generated for such a database.
func (s *Store) HasKeyedData(ctx context.Context) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM secret_key_check) + (SELECT COUNT(*) FROM (`+sealedSamples+`) s)
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM votes LIMIT 1) v)`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look for keyed data: %w", err)
	}
	return n > 0, nil
}

// CheckKey checks the store's sealer against the database. The first time,
// it records the key's id and a verifier (a known text sealed with it); on a
// database that predates the check and holds sealed data, one sealed value
// must open first. Afterwards the verifier must open. A key that fails gives
// a *KeyMismatchError; nothing is written then.
func (s *Store) CheckKey(ctx context.Context) error {
	keyID, verifier, err := s.storedKeyCheck(ctx)
	if errors.Is(err, ErrNotFound) {
		if err := s.checkLegacySeal(ctx); err != nil {
			return err
		}
		// Another server may record its verifier at the same moment: the
		// first one wins and the other is checked against it below.
		if _, err := s.write.ExecContext(ctx, s.q(`INSERT INTO secret_key_check (id, key_id, verifier, created_at)
			VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`), s.sealer.KeyID(), s.sealer.NewKeyVerifier(), millis(s.now())); err != nil {
			return fmt.Errorf("store: record key check: %w", err)
		}
		keyID, verifier, err = s.storedKeyCheck(ctx)
	}
	if err != nil {
		return err
	}
	if !s.sealer.KeyVerifies(verifier) {
		return &KeyMismatchError{StoredKeyID: keyID, KeyID: s.sealer.KeyID()}
	}
	return nil
}

func (s *Store) storedKeyCheck(ctx context.Context) (keyID string, verifier []byte, err error) {
	err = s.write.QueryRowContext(ctx, "SELECT key_id, verifier FROM secret_key_check WHERE id = 1").Scan(&keyID, &verifier)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, ErrNotFound
	}
	if err != nil {
		return "", nil, fmt.Errorf("store: read key check: %w", err)
	}
	return keyID, verifier, nil
}

// checkLegacySeal opens one sealed value, if the database holds any.
func (s *Store) checkLegacySeal(ctx context.Context) error {
	var sample []byte
	err := s.write.QueryRowContext(ctx, sealedSamples).Scan(&sample)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: read a sealed value: %w", err)
	}
	if _, err := s.sealer.Open(sample); err != nil {
		return &KeyMismatchError{KeyID: s.sealer.KeyID()}
	}
	return nil
}
