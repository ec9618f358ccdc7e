package cli_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
)

// TestSiteSetUploads: parley site set --uploads turns images in comments
// on and off; a site starts with them off.
func TestSiteSetUploads(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	if _, _, err := run(t, vars, "site", "add", "blog.example"); err != nil {
		t.Fatal(err)
	}
	for _, value := range []string{"on", "off", "on"} {
		out, _, err := run(t, vars, "site", "set", "blog.example", "--uploads", value)
		if err != nil || !strings.HasSuffix(out, "uploads "+value+"\n") {
			t.Errorf("--uploads %s: %v %q", value, err, out)
		}
	}
	out, _, err := run(t, vars, "site", "set", "blog.example", "--login", "guest")
	if err != nil || !strings.HasSuffix(out, "uploads on\n") {
		t.Errorf("--login alone changed uploads: %v %q", err, out)
	}
	if _, _, err := run(t, vars, "site", "set", "blog.example", "--uploads", "yes"); !errors.Is(err, cli.ErrUsage) {
		t.Errorf("--uploads yes: %v, want a usage error", err)
	}
}
