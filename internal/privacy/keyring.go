package privacy

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// hashesPrefix starts the keyring line that holds the keys of the keyed
// hashes (blind indexes, voter hashes, CAPTCHA signatures) once the secret
// they were derived from has been retired by a rotation.
const hashesPrefix = "hashes "

// Keyring is the instance's keys: the sealing keys, oldest first, the last
// of which seals new values, and the keys of the keyed hashes.
//
// Only sealing keys rotate. The keyed hashes keep the keys derived from the
// instance's first secret: several of them cannot be recomputed, because
// Parley never stored what they hash (the IPs behind bans once the raw IP
// is purged, guests' voter identities), so rotating them would silently
// lift bans and let guests vote again.
//
// Its text form (the key file, or PARLEY_SECRET_KEY) is one key a line: a
// single secret, as written by every Parley version, is a keyring of one
// key whose hash keys are derived from it.
type Keyring struct {
	secrets [][]byte // sealing secrets, oldest first
	hashes  *keys    // index, voter and captcha keys
}

// ParseKeyring reads the text form of a keyring: blank lines and lines
// starting with # are ignored; a line "hashes HEX" gives the hash keys;
// every other line is a secret (hex, base64 or a passphrase, see
// decodeSecret).
func ParseKeyring(text string) (*Keyring, error) {
	r := &Keyring{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, hashesPrefix):
			h, err := parseHashKeys(strings.TrimPrefix(line, hashesPrefix))
			if err != nil {
				return nil, err
			}
			r.hashes = h
		default:
			secret, err := decodeSecret(line)
			if err != nil {
				return nil, err
			}
			r.secrets = append(r.secrets, secret)
		}
	}
	if len(r.secrets) == 0 {
		return nil, errors.New("no secret key")
	}
	if r.hashes == nil {
		first, err := deriveKeys(r.secrets[0])
		if err != nil {
			return nil, err
		}
		r.hashes = first
	}
	return r, nil
}

func parseHashKeys(s string) (*keys, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != 96 {
		return nil, errors.New("the hashes line must hold 192 hex characters")
	}
	return &keys{index: b[:32], voter: b[32:64], captcha: b[64:]}, nil
}

// Text is the keyring's text form, for its file. A keyring of one secret
// whose hash keys derive from it is that secret alone, as before rotation
// existed.
func (r *Keyring) Text() string {
	var b strings.Builder
	if first, err := deriveKeys(r.secrets[0]); err != nil || !sameHashes(first, r.hashes) {
		b.WriteString("# Parley keyring: the keys of the keyed hashes, then the sealing keys, newest last\n")
		b.WriteString(hashesPrefix + hex.EncodeToString(append(append(append([]byte{}, r.hashes.index...), r.hashes.voter...), r.hashes.captcha...)) + "\n")
	}
	for _, s := range r.secrets {
		b.WriteString(hex.EncodeToString(s) + "\n")
	}
	return b.String()
}

func sameHashes(a, b *keys) bool {
	return string(a.index) == string(b.index) && string(a.voter) == string(b.voter) && string(a.captcha) == string(b.captcha)
}

// Rotated returns the keyring with secret added as the newest sealing key.
func (r *Keyring) Rotated(secret []byte) (*Keyring, error) {
	if _, err := deriveKeys(secret); err != nil {
		return nil, err
	}
	return &Keyring{secrets: append(append([][]byte{}, r.secrets...), secret), hashes: r.hashes}, nil
}

// Retired returns the keyring with only its newest sealing key, the hash
// keys kept as they are.
func (r *Keyring) Retired() *Keyring {
	return &Keyring{secrets: r.secrets[len(r.secrets)-1:], hashes: r.hashes}
}

// Len is how many sealing keys the keyring holds: more than one while a
// rotation has not retired the older ones.
func (r *Keyring) Len() int { return len(r.secrets) }

// First is the oldest secret, the one the hash keys of a keyring without a
// hashes line derive from.
func (r *Keyring) First() []byte { return r.secrets[0] }

// sealKey is one sealing key and its public id.
type sealKey struct {
	id   string // 16 hex characters, see KeyID
	raw  []byte // the 8 bytes id carries in a sealed value
	aead cipher.AEAD
}

// ring is a Keyring made ready to use: the sealing keys, newest last.
type ring struct {
	seal   []*sealKey
	hashes *keys
}

func (r *Keyring) open() (*ring, error) {
	out := &ring{hashes: r.hashes}
	for _, secret := range r.secrets {
		k, err := deriveKeys(secret)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(k.seal)
		if err != nil {
			return nil, fmt.Errorf("privacy: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("privacy: %w", err)
		}
		out.seal = append(out.seal, &sealKey{id: hex.EncodeToString(k.id[:8]), raw: k.id[:8], aead: aead})
	}
	return out, nil
}

func (r *ring) current() *sealKey { return r.seal[len(r.seal)-1] }

func (r *ring) byID(id []byte) *sealKey {
	for _, k := range r.seal {
		if string(k.raw) == string(id) {
			return k
		}
	}
	return nil
}
