package privacy_test

import (
	"bytes"
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
