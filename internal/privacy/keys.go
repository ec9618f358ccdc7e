package privacy

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
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
	seal    []byte // AES-256-GCM
	index   []byte // HMAC-SHA256 blind indexes (emails)
	voter   []byte // HMAC-SHA256 guest voter identities
	captcha []byte // HMAC-SHA256 signatures of proof-of-work challenges
	id      []byte // public key id: names the key, reveals nothing of it
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
	if k.captcha, err = derive("captcha v1"); err != nil {
		return nil, err
	}
	if k.id, err = derive("key id v1"); err != nil {
		return nil, err
	}
	return &k, nil
}

// Key is the instance secret and where it comes from.
type Key struct {
	Secret []byte
	// Source names where the key comes from, for messages: the
	// PARLEY_SECRET_KEY setting or the key file's path.
	Source string
	// File is the key file's path, "" when the key is configured.
	File string
	// Mode is the key file's permission bits (0 when configured).
	Mode fs.FileMode
	// New is true when no key is configured and the key file does not
	// exist: Secret is then a fresh random key that Save writes. Whether it
	// may be used is the caller's decision: never over data sealed with a
	// lost key.
	New bool
}

// ConfiguredKeySource is the Source of a key given by configuration.
const ConfiguredKeySource = "PARLEY_SECRET_KEY/--secret-key"

// LoadKey returns the instance secret: configured (hex, base64 or a long
// passphrase) when configured is not empty, otherwise read from
// dataDir/secret.key. When neither exists it returns a new random key with
// New set, without writing anything.
func LoadKey(configured, dataDir string) (*Key, error) {
	if configured != "" {
		secret, err := decodeSecret(configured)
		if err != nil {
			return nil, fmt.Errorf("privacy: %s: %w", ConfiguredKeySource, err)
		}
		return &Key{Secret: secret, Source: ConfiguredKeySource}, nil
	}
	path := filepath.Join(dataDir, KeyFileName)
	k := &Key{Source: path, File: path}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k.Secret, k.New = make([]byte, 32), true
		rand.Read(k.Secret)
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("privacy: read key file: %w", err)
	}
	if k.Secret, err = decodeSecret(strings.TrimSpace(string(raw))); err != nil {
		return nil, fmt.Errorf("privacy: key file %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("privacy: key file: %w", err)
	}
	k.Mode = info.Mode().Perm()
	return k, nil
}

// ReadableByOthers reports whether the key file may be read by its group or
// by other users (any permission bit beyond the owner's).
func (k *Key) ReadableByOthers() bool { return k.Mode&0o077 != 0 }

// Save writes a New key to its file, with mode 0600, creating the data
// directory if needed. It never overwrites an existing file.
func (k *Key) Save() error {
	if !k.New {
		return errors.New("privacy: only a new key is saved")
	}
	if err := os.MkdirAll(filepath.Dir(k.File), 0o700); err != nil {
		return fmt.Errorf("privacy: create data dir: %w", err)
	}
	f, err := os.OpenFile(k.File, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("privacy: create key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k.Secret) + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("privacy: write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("privacy: write key file: %w", err)
	}
	k.New, k.Mode = false, 0o600
	return nil
}

// LoadSecret is LoadKey for tools and tests that want the key of a data
// directory, writing a new key file when there is none (created reports it).
// It does not look at the database; the server uses LoadKey and checks the
// database for sealed data before saving a new key.
func LoadSecret(configured, dataDir string) (secret []byte, created bool, err error) {
	k, err := LoadKey(configured, dataDir)
	if err != nil {
		return nil, false, err
	}
	if k.New {
		if err := k.Save(); err != nil {
			return nil, false, err
		}
		return k.Secret, true, nil
	}
	return k.Secret, false, nil
}

// decodeSecret accepts 64 hex characters, base64 of at least 32 bytes, or a
// passphrase of at least 32 characters used as is.
func decodeSecret(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) >= minSecretLen {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) >= minSecretLen {
			return b, nil
		}
	}
	if len(s) >= minSecretLen {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("secret key is too short: use 64 hex characters (openssl rand -hex 32)")
}
