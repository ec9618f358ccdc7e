package privacy_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/privacy"
)

func sealer(t *testing.T, secret string) *privacy.Sealer {
	t.Helper()
	s, err := privacy.NewSealer([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpen(t *testing.T) {
	s := sealer(t, strings.Repeat("k", 40))
	a, b := s.Seal("ann@example.com"), s.Seal("ann@example.com")
	if bytes.Equal(a, b) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if bytes.Contains(a, []byte("ann@example.com")) {
		t.Error("sealed value contains the plain text")
	}
	if got, err := s.Open(a); err != nil || got != "ann@example.com" {
		t.Errorf("Open = %q, %v", got, err)
	}
	if s.Seal("") != nil {
		t.Error("empty value should seal to nil")
	}
	tampered := append([]byte{}, a...)
	tampered[len(tampered)-1] ^= 1
	if _, err := s.Open(tampered); err == nil {
		t.Error("tampered value opened")
	}
	other := sealer(t, strings.Repeat("x", 40))
	if _, err := other.Open(a); err == nil {
		t.Error("value opened with another key")
	}
}

func TestBlindIndexIsKeyedAndNormalised(t *testing.T) {
	s := sealer(t, strings.Repeat("k", 40))
	if !bytes.Equal(s.EmailIndex(" Ann@Example.com "), s.EmailIndex("ann@example.com")) {
		t.Error("index differs for the same address in another case")
	}
	if bytes.Equal(sealer(t, strings.Repeat("x", 40)).EmailIndex("ann@example.com"), s.EmailIndex("ann@example.com")) {
		t.Error("index does not depend on the key")
	}
	if s.EmailIndex("") != nil {
		t.Error("empty email has an index")
	}
	if bytes.Equal(s.VoterHash("192.0.2.1", "a"), s.VoterHash("192.0.2.1", "b")) {
		t.Error("voter hash ignores the user agent")
	}
}

func TestLoadSecretGeneratesKeyFileOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, created, err := privacy.LoadSecret("", dir)
	if err != nil || !created || len(first) != 32 {
		t.Fatalf("first load: %d bytes, created %v, %v", len(first), created, err)
	}
	info, err := os.Stat(filepath.Join(dir, privacy.KeyFileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	again, created, err := privacy.LoadSecret("", dir)
	if err != nil || created || !bytes.Equal(first, again) {
		t.Errorf("second load: created %v, same %v, %v", created, bytes.Equal(first, again), err)
	}
	if _, _, err := privacy.LoadSecret("short", dir); err == nil {
		t.Error("a short configured secret was accepted")
	}
	if s, _, err := privacy.LoadSecret(strings.Repeat("0f", 32), dir); err != nil || len(s) != 32 {
		t.Errorf("hex secret: %d bytes, %v", len(s), err)
	}
}

// TestIdenticonSeedIsKeyed: an identicon's seed is stable for a subject on
// one instance, differs with the key, and is not the plain hash of the
// subject, so it cannot be traced back to an email address.
func TestIdenticonSeedIsKeyed(t *testing.T) {
	a := sealer(t, "0123456789abcdef0123456789abcdef")
	b := sealer(t, "fedcba9876543210fedcba9876543210")
	email := "ada@example.com"
	plain := sha256.Sum256([]byte(email))
	switch {
	case !bytes.Equal(a.IdenticonSeed(email), a.IdenticonSeed(email)):
		t.Fatal("the same subject got two seeds")
	case bytes.Equal(a.IdenticonSeed(email), b.IdenticonSeed(email)):
		t.Fatal("two keys gave the same seed")
	case bytes.Equal(a.IdenticonSeed(email), a.IdenticonSeed("bo@example.com")):
		t.Fatal("two subjects gave the same seed")
	case bytes.Contains(plain[:], a.IdenticonSeed(email)), bytes.Equal(a.IdenticonSeed(email), a.EmailIndex(email)[:16]):
		t.Fatal("the seed is an unkeyed hash or the blind index of the email")
	}
}
