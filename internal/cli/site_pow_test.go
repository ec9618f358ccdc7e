package cli_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
)

// TestSiteSpamProofOfWork: parley site spam --proof-of-work turns the
// guests' proof-of-work on at the instance's difficulty or at one of the
// site's, and off; a difficulty outside the CAPTCHA's bounds is refused.
func TestSiteSpamProofOfWork(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	if _, _, err := run(t, vars, "site", "add", "blog.example"); err != nil {
		t.Fatal(err)
	}
	for value, want := range map[string]string{"on": "proof of work on\n", "20000": "proof of work on at 20000\n", "off": "proof of work off\n"} {
		out, _, err := run(t, vars, "site", "spam", "blog.example", "--proof-of-work", value)
		if err != nil || !strings.HasSuffix(out, want) {
			t.Errorf("--proof-of-work %s: %v %q, want …%q", value, err, out, want)
		}
	}
	for _, bad := range []string{"999", "5000001", "sometimes"} {
		if _, _, err := run(t, vars, "site", "spam", "blog.example", "--proof-of-work", bad); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("--proof-of-work %s: %v, want a usage error", bad, err)
		}
	}
}
