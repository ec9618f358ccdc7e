package privacy

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parleyhq/parley/internal/clientip"
)

// Sealed values start with their format's version. Version 1 (nonce then
// ciphertext) names no key: only the instance's first key opens it. Version
// 2 carries the 8-byte id of the key that sealed it, so that several keys
// can be in use while a rotation runs.
const (
	sealV1    = 1
	sealV2    = 2
	keyIDSize = 8
)

// ErrOpen is returned when a sealed value cannot be opened: wrong key,
// tampering or truncation.
var ErrOpen = errors.New("privacy: cannot open sealed value")

// Sealer seals and opens personal data with AES-256-GCM under the keys of
// a Keyring. It is safe for concurrent use; Reload swaps its keyring while
// others use it.
type Sealer struct {
	ring   atomic.Pointer[ring]
	reload func() (*Keyring, error)
	mu     sync.Mutex // one reload at a time
}

// NewSealer returns a Sealer of the one-key keyring of the instance secret
// (at least 32 bytes; see LoadSecret).
func NewSealer(secret []byte) (*Sealer, error) {
	if _, err := deriveKeys(secret); err != nil {
		return nil, err
	}
	return NewKeyringSealer(&Keyring{secrets: [][]byte{secret}, hashes: mustDerive(secret)}, nil)
}

func mustDerive(secret []byte) *keys {
	k, _ := deriveKeys(secret)
	return k
}

// NewKeyringSealer returns a Sealer of keyring. When reload is not nil,
// Reload reads the keyring again through it, and a value sealed with a key
// the Sealer does not know makes it reload once before giving up: a server
// learns of a rotation run by another process as soon as it meets a value
// sealed with the new key.
func NewKeyringSealer(keyring *Keyring, reload func() (*Keyring, error)) (*Sealer, error) {
	r, err := keyring.open()
	if err != nil {
		return nil, err
	}
	s := &Sealer{reload: reload}
	s.ring.Store(r)
	return s, nil
}

// Reload reads the keyring again and uses it from now on. It refuses a
// keyring whose hash keys differ (they never rotate: the blind indexes in
// the database would stop matching). Without a reload function it does
// nothing.
func (s *Sealer) Reload() error {
	if s.reload == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keyring, err := s.reload()
	if err != nil {
		return fmt.Errorf("privacy: reload keys: %w", err)
	}
	r, err := keyring.open()
	if err != nil {
		return fmt.Errorf("privacy: reload keys: %w", err)
	}
	old := s.ring.Load()
	if !sameHashes(old.hashes, r.hashes) {
		return errors.New("privacy: reload keys: the reloaded keyring has other hash keys; keeping the current keys")
	}
	s.ring.Store(r)
	return nil
}

// Seal encrypts plain with the newest key. The empty string seals to nil so
// that "no value" stays NULL in the database rather than a ciphertext of
// nothing.
func (s *Sealer) Seal(plain string) []byte {
	if plain == "" {
		return nil
	}
	k := s.ring.Load().current()
	n := k.aead.NonceSize()
	out := make([]byte, 1+keyIDSize+n, 1+keyIDSize+n+len(plain)+k.aead.Overhead())
	out[0] = sealV2
	copy(out[1:], k.raw)
	nonce := out[1+keyIDSize:]
	rand.Read(nonce)
	return k.aead.Seal(out, nonce, []byte(plain), nil)
}

// Open decrypts a value produced by Seal with any key of the keyring. nil or
// empty opens to "".
func (s *Sealer) Open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	plain, err := open(s.ring.Load(), sealed)
	if errors.Is(err, errUnknownKey) && s.Reload() == nil {
		plain, err = open(s.ring.Load(), sealed)
	}
	if err != nil {
		return "", ErrOpen
	}
	return plain, nil
}

var errUnknownKey = errors.New("privacy: sealed with an unknown key")

func open(r *ring, sealed []byte) (string, error) {
	var k *sealKey
	body := sealed[1:]
	switch sealed[0] {
	case sealV1:
		k = r.seal[0] // version 1 predates rotation: the first key sealed it
	case sealV2:
		if len(body) < keyIDSize {
			return "", ErrOpen
		}
		if k = r.byID(body[:keyIDSize]); k == nil {
			return "", errUnknownKey
		}
		body = body[keyIDSize:]
	default:
		return "", ErrOpen
	}
	n := k.aead.NonceSize()
	if len(body) < n+k.aead.Overhead() {
		return "", ErrOpen
	}
	plain, err := k.aead.Open(nil, body[:n], body[n:], nil)
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// Current reports whether sealed needs no re-sealing: it is empty or sealed
// with the newest key.
func (s *Sealer) Current(sealed []byte) bool {
	if len(sealed) == 0 {
		return true
	}
	return sealed[0] == sealV2 && len(sealed) > keyIDSize && string(sealed[1:1+keyIDSize]) == string(s.ring.Load().current().raw)
}

// Reseal opens sealed and seals it again with the newest key.
func (s *Sealer) Reseal(sealed []byte) ([]byte, error) {
	plain, err := s.Open(sealed)
	if err != nil {
		return nil, err
	}
	return s.Seal(plain), nil
}

// KeyCount is how many sealing keys the Sealer holds: more than one while
// a rotation runs.
func (s *Sealer) KeyCount() int { return len(s.ring.Load().seal) }

// EmailIndex returns the blind index of an email address: a keyed HMAC of
// its normalised form, so equal addresses can be found without storing them
// in plain text. The empty email has no index (nil).
func (s *Sealer) EmailIndex(email string) []byte {
	email = NormalizeEmail(email)
	if email == "" {
		return nil
	}
	return s.mac(s.hashes().index, "email\x00"+email)
}

// IdentityIndex returns the blind index of a login provider's account: a
// keyed HMAC of the provider's name and its subject (its id of the person).
func (s *Sealer) IdentityIndex(provider, subject string) []byte {
	return s.mac(s.hashes().index, "identity\x00"+provider+"\x00"+subject)
}

// VoterHash identifies a guest voter by IP and user agent without storing
// either: a keyed HMAC of both.
func (s *Sealer) VoterHash(ip, userAgent string) []byte {
	return s.mac(s.hashes().voter, "guest\x00"+ip+"\x00"+userAgent)
}

// VoterNetworkHash identifies the network guest voters vote from (see
// clientip.NetworkKey) without storing it: a keyed HMAC under the voters'
// key, distinct from every VoterHash.
func (s *Sealer) VoterNetworkHash(network string) []byte {
	return s.mac(s.hashes().voter, "network\x00"+network)
}

// IPIndex returns the keyed hash of an IP address, for bans and rate limits
// that must outlive the raw IP's retention.
func (s *Sealer) IPIndex(ip string) []byte {
	if parsed := net.ParseIP(ip); parsed != nil {
		ip = parsed.String()
	}
	return s.mac(s.hashes().index, "ip\x00"+ip)
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
	return s.mac(s.hashes().index, "identicon\x00"+subject)[:16]
}

// CaptchaKey is the key that signs proof-of-work challenges (package
// captcha): derived from the instance secret under its own label, so it says
// nothing of the other keys, and the same on every server sharing the secret.
func (s *Sealer) CaptchaKey() []byte { return s.hashes().captcha }

func (s *Sealer) hashes() *keys { return s.ring.Load().hashes }

// SameEmail reports whether a and b are one address once normalized
// (NormalizeEmail); an empty address is nobody's.
func SameEmail(a, b string) bool {
	return NormalizeEmail(a) != "" && NormalizeEmail(a) == NormalizeEmail(b)
}
