package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Password length limits, in characters after NFKC normalisation (NIST SP
// 800-63B: at least 8, and a maximum of at least 64). The maximum bounds
// what one sign-in makes the server hash.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// The argon2id parameters of new hashes: OWASP's recommended minimum
// configuration (19 MiB, two passes, one lane), about 30 ms on one core.
// Hashes keep the parameters they were made with, so raising these later
// leaves existing passwords working.
const (
	argonMemoryKiB = 19 * 1024
	argonPasses    = 2
	argonLanes     = 1
	argonSaltBytes = 16
	argonKeyBytes  = 32
)

// Bounds on the parameters a stored hash may ask for, so that a corrupt or
// hostile row cannot make one check take a gigabyte or a minute.
const (
	maxArgonMemoryKiB = 256 * 1024
	maxArgonPasses    = 16
	maxArgonLanes     = 16
)

// Reasons ValidatePassword refuses a password. Their messages are written
// for the person choosing it.
var (
	ErrPasswordTooShort = fmt.Errorf("the password must have at least %d characters", MinPasswordLength)
	ErrPasswordTooLong  = fmt.Errorf("the password must have at most %d characters", MaxPasswordLength)
	ErrPasswordCommon   = errors.New("this password is too common or too easy to guess; choose another")
)

// ValidatePassword checks a new password against the rules of NIST SP
// 800-63B section 5.1.1.2: length, and a list of passwords known to be
// common, predictable or tied to this service or account (contextWords,
// such as the email address, may be given). There are no composition rules
// (no "one digit, one symbol").
func ValidatePassword(password string, contextWords ...string) error {
	pw := normalize(password)
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength || len(password) > maxPasswordBytes:
		return ErrPasswordTooLong
	case isCommonPassword(pw, contextWords):
		return ErrPasswordCommon
	}
	return nil
}

// HashPassword returns the argon2id hash of password in the PHC string
// format: $argon2id$v=19$m=…,t=…,p=…$salt$hash (unpadded standard base64).
// It does not check the rules: call ValidatePassword first.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltBytes)
	rand.Read(salt) // never fails (crypto/rand documents it)
	key := argon2.IDKey([]byte(normalize(password)), salt, argonPasses, argonMemoryKiB, argonLanes, argonKeyBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonPasses, argonLanes,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches hash, comparing in
// constant time. An empty or malformed hash matches nothing, but still
// costs one hash computation, like a real check: callers use that to make
// "no such account" take as long as "wrong password".
func CheckPassword(hash, password string) bool {
	p, err := parseHash(hash)
	ok := err == nil && len(password) <= maxPasswordBytes
	if !ok {
		p, password = dummyHash, ""
	}
	key := argon2.IDKey([]byte(normalize(password)), p.salt, p.passes, p.memory, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1 && ok
}

// maxPasswordBytes bounds the input CheckPassword normalises and hashes: no
// password longer than this can have been set.
const maxPasswordBytes = MaxPasswordLength * utf8.UTFMax

// argonHash is a parsed PHC argon2id string.
type argonHash struct {
	memory, passes uint32
	lanes          uint8
	salt, key      []byte
}

// dummyHash is what CheckPassword computes when there is no real hash: the
// parameters of a new one, so the time is the same.
var dummyHash = argonHash{memory: argonMemoryKiB, passes: argonPasses, lanes: argonLanes,
	salt: make([]byte, argonSaltBytes), key: make([]byte, argonKeyBytes)}

var errBadHash = errors.New("auth: not an argon2id hash")

func parseHash(s string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return h, errBadHash
	}
	var lanes uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.passes, &lanes); err != nil {
		return h, errBadHash
	}
	if h.memory < 8*lanes || h.memory > maxArgonMemoryKiB || h.passes < 1 || h.passes > maxArgonPasses || lanes < 1 || lanes > maxArgonLanes {
		return h, errBadHash
	}
	h.lanes = uint8(lanes)
	var err1, err2 error
	h.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	h.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(h.salt) < 8 || len(h.key) < 16 || len(h.key) > 64 {
		return h, errBadHash
	}
	return h, nil
}

// normalize applies NFKC, as NIST SP 800-63B asks, so that the same
// password typed on two keyboards (composed or decomposed accents) matches.
func normalize(password string) string { return norm.NFKC.String(password) }
