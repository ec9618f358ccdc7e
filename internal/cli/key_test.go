package cli_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
)

// postWithEmail stores a comment whose email is sealed with the server's key.
func postWithEmail(t *testing.T, vars map[string]string) {
	t.Helper()
	base, stop := serve(t, vars)
	body := `{"site":"localhost","path":"/demo","text":"sealed","author":{"name":"Ann","email":"ann@example.org"}}`
	req, _ := http.NewRequest("POST", base+"/api/v1/comments", strings.NewReader(body))
	req.Header.Set("Origin", base)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("comment: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// refused runs a command that must fail because of the key, naming want.
func refused(t *testing.T, vars map[string]string, want string, args ...string) {
	t.Helper()
	// Should the command start serving after all, the timeout stops it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := cli.Run(ctx, args, getenv(vars), io.Discard, io.Discard)
	t.Logf("%v: %v", args, err)
	if err == nil {
		t.Fatalf("%v started with the wrong key", args)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%v: %v\nwant the message to name %q", args, err, want)
	}
}

// TestKeyFileIsCheckedAgainstTheData: deleting or replacing secret.key makes
// serve and the other commands refuse to start, naming the file, instead of
// sealing new data with another key; the right key starts again.
func TestKeyFileIsCheckedAgainstTheData(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	keyFile := filepath.Join(dir, "secret.key")
	_, errOut, err := run(t, vars, "site", "list")
	if err != nil || !strings.Contains(errOut, "generated secret key") {
		t.Fatalf("fresh data directory: %v, want a generated key\n%s", err, errOut)
	}
	postWithEmail(t, vars)
	original, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}

	os.Remove(keyFile)
	refused(t, vars, keyFile, "serve")
	refused(t, vars, "is missing", "site", "list")
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Errorf("a new key file was written over sealed data: %v", err)
	}

	os.WriteFile(keyFile, []byte(strings.Repeat("5a", 32)+"\n"), 0o600)
	refused(t, vars, keyFile, "serve")
	refused(t, vars, "does not open the data", "export", "--site", "localhost")

	os.WriteFile(keyFile, original, 0o600)
	if _, _, err := run(t, vars, "site", "list"); err != nil {
		t.Errorf("the original key was refused: %v", err)
	}
	postWithEmail(t, vars)
}

// TestConfiguredKeyIsCheckedAgainstTheData is the same on PostgreSQL with
// PARLEY_SECRET_KEY: a different key is refused naming the setting, and a
// missing one does not make a new key file.
func TestConfiguredKeyIsCheckedAgainstTheData(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir, "PARLEY_DATABASE_URL": pgURL(t), "PARLEY_SECRET_KEY": strings.Repeat("ab", 32)}
	postWithEmail(t, vars)

	vars["PARLEY_SECRET_KEY"] = strings.Repeat("cd", 32)
	refused(t, vars, "PARLEY_SECRET_KEY", "serve")
	delete(vars, "PARLEY_SECRET_KEY")
	refused(t, vars, "is missing", "site", "list")
	if _, err := os.Stat(filepath.Join(dir, "secret.key")); !os.IsNotExist(err) {
		t.Errorf("a new key file was written for a database holding sealed data: %v", err)
	}
	vars["PARLEY_SECRET_KEY"] = strings.Repeat("ab", 32)
	postWithEmail(t, vars)
}

// TestKeyFileReadableByOthersWarns: a key file that its group or others may
// read is logged as a warning at start.
func TestKeyFileReadableByOthersWarns(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	const warning = "secret key file is readable by other users"
	if _, errOut, err := run(t, vars, "site", "list"); err != nil || strings.Contains(errOut, warning) {
		t.Fatalf("fresh key: %v\n%s", err, errOut)
	}
	os.Chmod(filepath.Join(dir, "secret.key"), 0o644)
	_, errOut, err := run(t, vars, "site", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, warning) || !strings.Contains(errOut, "level=WARN") || !strings.Contains(errOut, "0644") {
		t.Errorf("no warning for a key file of mode 0644:\n%s", errOut)
	}
}
