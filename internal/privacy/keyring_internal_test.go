package privacy

import (
	"crypto/rand"
	"strings"
	"testing"
)

// TestSealerOpensVersion1AndFollowsARotation: values sealed before key ids
// existed (version 1) still open; after a rotation new values carry the
// new key's id, old ones open too, and a Sealer that meets a value of a key
// it does not know reloads its keyring once.
func TestSealerOpensVersion1AndFollowsARotation(t *testing.T) {
	first := []byte(strings.Repeat("k", 40))
	old, err := NewSealer(first)
	if err != nil {
		t.Fatal(err)
	}
	k := old.ring.Load().current()
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	v1 := k.aead.Seal(append([]byte{sealV1}, nonce...), nonce, []byte("legacy"), nil)
	if got, err := old.Open(v1); err != nil || got != "legacy" {
		t.Fatalf("version 1 value: %q, %v", got, err)
	}

	ring, _ := ParseKeyring(string(first))
	rotated, err := ring.Rotated([]byte(strings.Repeat("n", 40)))
	if err != nil {
		t.Fatal(err)
	}
	current := ring
	s, _ := NewKeyringSealer(ring, func() (*Keyring, error) { return current, nil })
	oldValue := s.Seal("before")
	current = rotated // another process rotated the key file
	newer, _ := NewKeyringSealer(rotated, nil)
	newValue := newer.Seal("after")
	if got, err := s.Open(newValue); err != nil || got != "after" {
		t.Fatalf("a value of the new key: %q, %v; want the Sealer to reload and open it", got, err)
	}
	if s.Current(oldValue) || s.Current(v1) || !s.Current(s.Seal("x")) || s.KeyID() == old.KeyID() {
		t.Error("after the reload, new values must be sealed with the new key and old ones reported as not current")
	}
	retired, _ := NewKeyringSealer(rotated.Retired(), nil)
	if _, err := retired.Open(oldValue); err == nil {
		t.Error("the retired key still opens its values")
	}
	if string(retired.EmailIndex("a@b.c")) != string(old.EmailIndex("a@b.c")) || string(retired.CaptchaKey()) != string(old.CaptchaKey()) {
		t.Error("the hash keys changed with the rotation")
	}
	again, err := ParseKeyring(rotated.Retired().Text())
	if err != nil || !sameHashes(again.hashes, old.hashes()) || again.Len() != 1 {
		t.Errorf("the retired keyring's text does not read back: %v", err)
	}
}
