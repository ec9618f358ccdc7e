package privacy

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the file, inside the data directory, that holds the secret
// key generated on first start when PARLEY_SECRET_KEY is not set.
const KeyFileName = "secret.key"

// minSecretLen is the shortest secret accepted from configuration: 32 bytes
// of entropy written as hex or base64 is longer than this.
const minSecretLen = 32

// keys are the sub-keys derived from the instance secret. Each purpose has its
// own key so that a leak of one derived value says nothing about another.
type keys struct {
	seal  []byte // AES-256-GCM
	index []byte // HMAC-SHA256 blind indexes (emails)
	voter []byte // HMAC-SHA256 guest voter identities
}

// deriveKeys derives every purpose key from secret with HKDF-SHA256.
func deriveKeys(secret []byte) (*keys, error) {
	if len(secret) < minSecretLen {
		return nil, fmt.Errorf("privacy: secret key must be at least %d bytes, got %d", minSecretLen, len(secret))
	}
	derive := func(purpose string) ([]byte, error) {
		return hkdf.Key(sha256.New, secret, nil, "parley "+purpose, 32)
	}
	var k keys
	var err error
	if k.seal, err = derive("seal v1"); err != nil {
		return nil, err
	}
	if k.index, err = derive("blind index v1"); err != nil {
		return nil, err
	}
	if k.voter, err = derive("voter v1"); err != nil {
		return nil, err
	}
	return &k, nil
}

// LoadSecret returns the instance secret: configured (hex, base64 or a long
// passphrase) when configured is not empty, otherwise read from
// dataDir/secret.key, which is created with mode 0600 and 32 random bytes on
// first use. created reports whether the file was just written.
func LoadSecret(configured, dataDir string) (secret []byte, created bool, err error) {
	if configured != "" {
		return decodeSecret(configured)
	}
	path := filepath.Join(dataDir, KeyFileName)
	raw, err := os.ReadFile(path)
	if err == nil {
		s, _, err := decodeSecret(strings.TrimSpace(string(raw)))
		if err != nil {
			return nil, false, fmt.Errorf("privacy: key file %s: %w", path, err)
		}
		return s, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("privacy: read key file: %w", err)
	}
	secret = make([]byte, 32)
	rand.Read(secret)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("privacy: create data dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("privacy: create key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(secret) + "\n"); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("privacy: write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("privacy: write key file: %w", err)
	}
	return secret, true, nil
}

// decodeSecret accepts 64 hex characters, base64 of at least 32 bytes, or a
// passphrase of at least 32 characters used as is.
func decodeSecret(s string) ([]byte, bool, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) >= minSecretLen {
		return b, false, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) >= minSecretLen {
			return b, false, nil
		}
	}
	if len(s) >= minSecretLen {
		return []byte(s), false, nil
	}
	return nil, false, fmt.Errorf("secret key is too short: use 64 hex characters (openssl rand -hex 32)")
}
