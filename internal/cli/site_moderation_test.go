package cli_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/policy"
)

// TestSiteAddModerationGuests: the guests mode of the spam policy can be
// chosen when a site is added.
func TestSiteAddModerationGuests(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	if _, _, err := run(t, vars, "site", "add", "blog.example", "--moderation", "guests"); err != nil {
		t.Fatalf("site add --moderation guests: %v", err)
	}
	if out, _, err := run(t, vars, "site", "list"); err != nil || !strings.Contains(out, "guests") {
		t.Errorf("site list: %v\n%s", err, out)
	}
}

// TestSiteSpam: parley site spam sets the policy from flags and word files,
// and refuses what policy.Check refuses, naming it.
func TestSiteSpam(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"PARLEY_DATA_DIR": dir}
	if _, _, err := run(t, vars, "site", "add", "blog.example"); err != nil {
		t.Fatal(err)
	}
	words := filepath.Join(dir, "blocked.txt")
	if err := os.WriteFile(words, []byte("# spam\ncheap pills\n\nviagra\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, vars, "site", "spam", "blog.example", "--moderation", "guests", "--link-limit", "3", "--hold-images", "true", "--blocked-words", words)
	if err != nil || !strings.Contains(out, "moderation guests, link limit 3, hold images true, 0 held words, 2 blocked words") {
		t.Fatalf("site spam: %v\n%s", err, out)
	}
	if out, _, _ := run(t, vars, "site", "spam", "blog.example"); !strings.Contains(out, "2 blocked words") {
		t.Errorf("site spam without flags: %s", out)
	}
	many := filepath.Join(dir, "many.txt")
	if err := os.WriteFile(many, []byte(strings.Repeat("word\n", policy.MaxListEntries+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{"--link-limit", "-1"}, {"--moderation", "some"}, {"--held-words", many}, {"--hold-images", "maybe"}} {
		if _, _, err := run(t, vars, append([]string{"site", "spam", "blog.example"}, bad...)...); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}
