package privacy

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/parleyhq/parley/internal/clientip"
)

// sealVersion prefixes every sealed value so keys can be rotated later.
const sealVersion = 1

// ErrOpen is returned when a sealed value cannot be opened: wrong key,
// tampering or truncation.
var ErrOpen = errors.New("privacy: cannot open sealed value")

// Sealer seals and opens personal data with AES-256-GCM. It is safe for
// concurrent use.
type Sealer struct {
	aead cipher.AEAD
	keys *keys
}

// NewSealer returns a Sealer whose keys are derived from the instance secret
// (at least 32 bytes; see LoadSecret).
func NewSealer(secret []byte) (*Sealer, error) {
	keys, err := deriveKeys(secret)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(keys.seal)
	if err != nil {
		return nil, fmt.Errorf("privacy: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("privacy: %w", err)
	}
	return &Sealer{aead: aead, keys: keys}, nil
}

// Seal encrypts plain. The empty string seals to nil so that "no value" stays
// NULL in the database rather than a ciphertext of nothing.
func (s *Sealer) Seal(plain string) []byte {
	if plain == "" {
		return nil
	}
	nonce := make([]byte, s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	rand.Read(nonce)
	out := append([]byte{sealVersion}, nonce...)
	return s.aead.Seal(out, nonce, []byte(plain), nil)
}

// Open decrypts a value produced by Seal. nil or empty opens to "".
func (s *Sealer) Open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealVersion {
		return "", ErrOpen
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], nil)
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// EmailIndex returns the blind index of an email address: a keyed HMAC of
// its normalised form, so equal addresses can be found without storing them
// in plain text. The empty email has no index (nil).
func (s *Sealer) EmailIndex(email string) []byte {
	email = NormalizeEmail(email)
	if email == "" {
		return nil
	}
	return s.mac(s.keys.index, "email\x00"+email)
}

// IdentityIndex returns the blind index of a login provider's account: a
// keyed HMAC of the provider's name and its subject (its id of the person).
func (s *Sealer) IdentityIndex(provider, subject string) []byte {
	return s.mac(s.keys.index, "identity\x00"+provider+"\x00"+subject)
}

// VoterHash identifies a guest voter by IP and user agent without storing
// either: a keyed HMAC of both.
func (s *Sealer) VoterHash(ip, userAgent string) []byte {
	return s.mac(s.keys.voter, "guest\x00"+ip+"\x00"+userAgent)
}

// VoterNetworkHash identifies the network guest voters vote from (see
// clientip.NetworkKey) without storing it: a keyed HMAC under the voters'
// key, distinct from every VoterHash.
func (s *Sealer) VoterNetworkHash(network string) []byte {
	return s.mac(s.keys.voter, "network\x00"+network)
}

// IPIndex returns the keyed hash of an IP address, for bans and rate limits
// that must outlive the raw IP's retention.
func (s *Sealer) IPIndex(ip string) []byte {
	if parsed := net.ParseIP(ip); parsed != nil {
		ip = parsed.String()
	}
	return s.mac(s.keys.index, "ip\x00"+ip)
}

// NetworkIndex returns the keyed hash of the network ip belongs to
// (clientip.NetworkKey: the IPv4 address, or the IPv6 /64), which bans
// match, so that an IPv6 host cannot slip out of one by taking another
// address of its /64. It returns nil for what is not an address.
func (s *Sealer) NetworkIndex(ip string) []byte {
	key := clientip.NetworkKey(ip)
	if key == "" {
		return nil
	}
	return s.IPIndex(key)
}

func (s *Sealer) mac(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// NormalizeEmail trims and lower-cases an address for comparison.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// HashToken returns the SHA-256 of a random bearer token. Tokens carry 256
// bits of entropy, so an unkeyed hash is enough: stealing the hash does not
// give the token.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// NewToken returns a random URL-safe token with 256 bits of entropy.
func NewToken() string {
	return rand.Text() + rand.Text()
}

// IdenticonSeed returns the keyed hash an identicon is drawn from for
// subject (an account's id, a guest's name): stable on this instance, not
// computable by anyone without the key, and never the subject itself.
func (s *Sealer) IdenticonSeed(subject string) []byte {
	return s.mac(s.keys.index, "identicon\x00"+subject)[:16]
}

// CaptchaKey is the key that signs proof-of-work challenges (package
// captcha): derived from the instance secret under its own label, so it says
// nothing of the other keys, and the same on every server sharing the secret.
func (s *Sealer) CaptchaKey() []byte { return s.keys.captcha }

// SameEmail reports whether a and b are one address once normalized
// (NormalizeEmail); an empty address is nobody's.
func SameEmail(a, b string) bool {
	return NormalizeEmail(a) != "" && NormalizeEmail(a) == NormalizeEmail(b)
}
