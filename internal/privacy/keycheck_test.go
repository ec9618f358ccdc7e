package privacy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/privacy"
)

func TestKeyIDAndVerifierTellKeysApart(t *testing.T) {
	a, a2, b := sealer(t, strings.Repeat("k", 40)), sealer(t, strings.Repeat("k", 40)), sealer(t, strings.Repeat("x", 40))
	if a.KeyID() != a2.KeyID() || a.KeyID() == b.KeyID() || len(a.KeyID()) != 16 {
		t.Errorf("key ids %q %q %q: want equal for one secret, different for another, 16 hex characters", a.KeyID(), a2.KeyID(), b.KeyID())
	}
	if strings.Contains(a.KeyID(), "6b6b") {
		t.Error("the key id shows the secret")
	}
	v := a.NewKeyVerifier()
	if !a2.KeyVerifies(v) || b.KeyVerifies(v) || a.KeyVerifies(a.Seal("something else")) {
		t.Error("a verifier must open with its own key only, and only a verifier verifies")
	}
}

// TestLoadKeyDoesNotWriteUntilSaved: a missing key file gives a new key in
// memory; only Save writes it (0600), and never over an existing file.
func TestLoadKeyDoesNotWriteUntilSaved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k, err := privacy.LoadKey("", dir)
	if err != nil || !k.New || len(k.Secret) != 32 {
		t.Fatalf("LoadKey without a file: %+v %v", k, err)
	}
	if _, err := os.Stat(filepath.Join(dir, privacy.KeyFileName)); !os.IsNotExist(err) {
		t.Fatalf("LoadKey wrote the key file: %v", err)
	}
	if err := k.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := privacy.LoadKey("", dir)
	if err != nil || again.New || string(again.Secret) != string(k.Secret) || again.Mode != 0o600 || again.ReadableByOthers() {
		t.Fatalf("LoadKey after Save: %+v %v", again, err)
	}
	other, _ := privacy.LoadKey("", t.TempDir())
	other.File = k.File
	if err := other.Save(); err == nil {
		t.Error("Save overwrote an existing key file")
	}
}
