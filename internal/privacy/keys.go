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

// Key is the instance's keyring and where it comes from.
type Key struct {
	// Secret is the keyring's oldest secret (the only one before any
	// rotation).
	Secret []byte
	// Ring is the keyring read from the source.
	Ring *Keyring
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
	// Given is true when the file was named by PARLEY_SECRET_KEY_FILE: a
	// secret manager's file, never generated.
	Given bool
}

// ConfiguredKeySource is the Source of a key given by configuration.
const ConfiguredKeySource = "PARLEY_SECRET_KEY/--secret-key"

// LoadKey is LoadKeyFrom without a key file setting.
func LoadKey(configured, dataDir string) (*Key, error) {
	return LoadKeyFrom(configured, "", dataDir)
}

// LoadKeyFrom returns the instance's keyring: configured (a secret as hex,
// base64 or a long passphrase, or a keyring's text) when configured is not
// empty; else read from keyFile (PARLEY_SECRET_KEY_FILE, as a secret
// manager mounts it), which must exist; else from dataDir/secret.key. When
// that does not exist either it returns a new random key with New set,
// without writing anything.
func LoadKeyFrom(configured, keyFile, dataDir string) (*Key, error) {
	if configured != "" {
		ring, err := parseConfigured(configured)
		if err != nil {
			return nil, fmt.Errorf("privacy: %s: %w", ConfiguredKeySource, err)
		}
		return &Key{Secret: ring.First(), Ring: ring, Source: ConfiguredKeySource}, nil
	}
	path, given := keyFile, keyFile != ""
	if !given {
		path = filepath.Join(dataDir, KeyFileName)
	}
	k := &Key{Source: path, File: path, Given: given}
	ring, err := ReadKeyFile(path)
	if errors.Is(err, os.ErrNotExist) && !given {
		k.Secret, k.New = make([]byte, 32), true
		rand.Read(k.Secret)
		k.Ring = &Keyring{secrets: [][]byte{k.Secret}, hashes: mustDerive(k.Secret)}
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	k.Secret, k.Ring = ring.First(), ring
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("privacy: key file: %w", err)
	}
	k.Mode = info.Mode().Perm()
	return k, nil
}

// parseConfigured reads PARLEY_SECRET_KEY: a keyring when it has several
// lines, otherwise one secret used exactly as given, as before keyrings.
func parseConfigured(configured string) (*Keyring, error) {
	if strings.Contains(configured, "\n") {
		return ParseKeyring(configured)
	}
	secret, err := decodeSecret(configured)
	if err != nil {
		return nil, err
	}
	return &Keyring{secrets: [][]byte{secret}, hashes: mustDerive(secret)}, nil
}

// ReadKeyFile reads the keyring in the file at path. A missing file is an
// error wrapping os.ErrNotExist.
func ReadKeyFile(path string) (*Keyring, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("privacy: read key file: %w", err)
	}
	ring, err := ParseKeyring(string(raw))
	if err != nil {
		return nil, fmt.Errorf("privacy: key file %s: %w", path, err)
	}
	return ring, nil
}

// Reload reads the keyring again from the key's file; a configured key
// cannot change while Parley runs and reloads as it is.
func (k *Key) Reload() (*Keyring, error) {
	if k.File == "" {
		return k.Ring, nil
	}
	return ReadKeyFile(k.File)
}

// WriteRing replaces the key file's keyring with ring, atomically: a
// temporary file (0600) written and synced, then renamed over the file, so
// that a crash leaves the old keyring or the new one, never a torn file.
func (k *Key) WriteRing(ring *Keyring) error {
	if k.File == "" {
		return fmt.Errorf("privacy: the keys come from %s, which Parley cannot change", ConfiguredKeySource)
	}
	tmp, err := os.CreateTemp(filepath.Dir(k.File), ".secret-key-*")
	if err != nil {
		return fmt.Errorf("privacy: write key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err = tmp.WriteString(ring.Text()); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), k.File)
	}
	if err == nil {
		err = syncDir(filepath.Dir(k.File))
	}
	if err != nil {
		return fmt.Errorf("privacy: write key file: %w", err)
	}
	k.Ring, k.Secret = ring, ring.First()
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
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
	k.Ring = &Keyring{secrets: [][]byte{k.Secret}, hashes: mustDerive(k.Secret)}
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
