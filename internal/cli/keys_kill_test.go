package cli_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// TestHelperKeysRotate is not a test: TestKeyRotationKilledResumesOnStart
// runs the test binary as a separate parley keys rotate process through it,
// so that it can kill -9 that process.
func TestHelperKeysRotate(t *testing.T) {
	dir := os.Getenv("PARLEY_TEST_ROTATE_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	cli.Run(context.Background(), []string{"keys", "rotate", "--settle", "1h"}, getenv(vars), os.Stdout, os.Stderr)
}

// openKeyed opens the SQLite database of dir with the keyring of its key
// file.
func openKeyed(t *testing.T, dir string) *store.Store {
	t.Helper()
	ring, err := privacy.ReadKeyFile(filepath.Join(dir, privacy.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	return openRing(t, dir, ring)
}

func openRing(t *testing.T, dir string, ring *privacy.Keyring) *store.Store {
	t.Helper()
	sealer, err := privacy.NewKeyringSealer(ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(dir, store.SQLiteFile), sealer)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestKeyRotationKilledResumesOnStart: parley keys rotate killed with
// SIGKILL while it re-seals leaves a key file of two keys; the next
// parley serve finishes the rotation by itself, after which the new key
// alone opens every value.
func TestKeyRotationKilledResumesOnStart(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	if _, _, err := run(t, vars, "site", "add", "blog.example"); err != nil {
		t.Fatal(err)
	}
	st := openKeyed(t, dir)
	site, err := st.SiteByHost(context.Background(), "blog.example")
	if err != nil {
		t.Fatal(err)
	}
	const comments = 1500
	for i := range comments {
		c := &model.Comment{SiteID: site.ID, GuestName: "Ann", GuestEmail: fmt.Sprintf("ann%d@example.org", i), IP: "192.0.2.1",
			Text: "t", HTML: "<p>t</p>", Status: model.StatusApproved}
		if err := st.CreateComment(context.Background(), c, store.NewComment{Path: "/p"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperKeysRotate$")
	cmd.Env = append(os.Environ(), "PARLEY_TEST_ROTATE_DIR="+dir)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && !strings.Contains(lines.Text(), "re-sealed") {
	}
	cmd.Process.Kill() // SIGKILL: no deferred function, no clean-up runs
	cmd.Wait()
	keyFile := filepath.Join(dir, privacy.KeyFileName)
	ring, err := privacy.ReadKeyFile(keyFile)
	if err != nil || ring.Len() != 2 {
		t.Fatalf("after the kill the key file holds %v (%v), want the old key and the new", ring, err)
	}
	newOnly := openRing(t, dir, ring.Retired())
	if _, err := newOnly.Comment(context.Background(), comments); err == nil {
		t.Fatal("the last comment was re-sealed before the kill: the process was not killed midway")
	}
	newOnly.Close()
	// The servers have had long enough to read the new key.
	os.Chtimes(keyFile, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))

	_, stop := serve(t, vars)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ring, err := privacy.ReadKeyFile(keyFile); err == nil && ring.Len() == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not finish the interrupted rotation")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st = openKeyed(t, dir)
	defer st.Close()
	if err := st.CheckKey(context.Background()); err != nil {
		t.Fatalf("the retired key file after the resumed rotation: %v", err)
	}
	for id := int64(1); id <= comments; id++ {
		c, err := st.Comment(context.Background(), id)
		if err != nil || c.GuestEmail != fmt.Sprintf("ann%d@example.org", id-1) || c.IP != "192.0.2.1" {
			t.Fatalf("comment %d after the resumed rotation: %+v, %v", id, c, err)
		}
	}
}
