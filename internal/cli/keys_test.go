package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeysRotate: parley keys rotate replaces the key that sealed the data,
// the server starts with the rotated key file, the old key file is refused,
// a rotation interrupted after its new key was written resumes on the next
// run, and keys from PARLEY_SECRET_KEY are not rewritten.
func TestKeysRotate(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	keyFile := filepath.Join(dir, "secret.key")
	postWithEmail(t, vars)
	oldKey, _ := os.ReadFile(keyFile)

	out, errOut, err := run(t, vars, "keys", "rotate", "--settle", "0")
	if err != nil || !strings.Contains(out, "re-sealed 1 values of comments.guest_email_sealed") || !strings.Contains(out, "rotation done") {
		t.Fatalf("keys rotate: %v\n%s%s", err, out, errOut)
	}
	rotated, _ := os.ReadFile(keyFile)
	if strings.Contains(string(rotated), strings.TrimSpace(string(oldKey))) || !strings.Contains(string(rotated), "hashes ") {
		t.Errorf("the rotated key file still holds the old key, or lost the hash keys:\n%s", rotated)
	}
	if info, _ := os.Stat(keyFile); info.Mode().Perm() != 0o600 {
		t.Errorf("rotated key file mode %v, want 0600", info.Mode().Perm())
	}
	postWithEmail(t, vars) // the server starts: the rotated key opens the data

	os.WriteFile(keyFile, oldKey, 0o600)
	refused(t, vars, "does not open the data", "site", "list")
	os.WriteFile(keyFile, rotated, 0o600)

	// kill -9 right after keys rotate wrote its new key: the file holds both.
	interrupted := string(rotated) + strings.Repeat("7c", 32) + "\n"
	os.WriteFile(keyFile, []byte(interrupted), 0o600)
	out, errOut, err = run(t, vars, "keys", "rotate", "--settle", "0")
	if err != nil || !strings.Contains(out, "resuming the rotation") || !strings.Contains(out, "rotation done") {
		t.Fatalf("resumed keys rotate: %v\n%s%s", err, out, errOut)
	}
	final, _ := os.ReadFile(keyFile)
	if lines := strings.Count(string(final), "\n"); lines != 3 || !strings.Contains(string(final), strings.Repeat("7c", 32)) {
		t.Errorf("after the resumed rotation the file holds:\n%s\nwant a comment, the hash keys and only the newest key", final)
	}
	postWithEmail(t, vars)

	env := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_SECRET_KEY": strings.Repeat("ab", 32)}
	if _, _, err := run(t, env, "keys", "rotate", "--settle", "0"); err == nil || !strings.Contains(err.Error(), "PARLEY_SECRET_KEY_FILE") {
		t.Errorf("keys rotate with PARLEY_SECRET_KEY: %v, want a refusal naming PARLEY_SECRET_KEY_FILE", err)
	}
}

// TestSecretKeyFileSetting: PARLEY_SECRET_KEY_FILE names the key file, which
// must exist (a secret manager provides it; Parley never generates it).
func TestSecretKeyFileSetting(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "mounted.key")
	vars := map[string]string{"PARLEY_DATA_DIR": dir, "PARLEY_SECRET_KEY_FILE": keyFile}
	if _, _, err := run(t, vars, "site", "list"); err == nil || !strings.Contains(err.Error(), "mounted.key") {
		t.Fatalf("missing PARLEY_SECRET_KEY_FILE: %v, want an error naming the file", err)
	}
	os.WriteFile(keyFile, []byte(strings.Repeat("cd", 32)+"\n"), 0o600)
	if _, errOut, err := run(t, vars, "site", "list"); err != nil || strings.Contains(errOut, "generated secret key") {
		t.Fatalf("with the key file: %v\n%s", err, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "secret.key")); !os.IsNotExist(err) {
		t.Errorf("a key was generated into the data directory although PARLEY_SECRET_KEY_FILE is set: %v", err)
	}
}
