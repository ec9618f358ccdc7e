package cli_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/cli"
)

func TestSiteLoginMethods(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir(), "PARLEY_AUTH_PROVIDERS": "github=id:secret,kc=id:secret@https://sso.example"}
	if _, _, err := run(t, vars, "site", "add", "plain.example"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, vars, "site", "add", "blog.example", "--login", "guest, GitHub,anonymous"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, vars, "site", "list")
	if err != nil || !hasField(out, "blog.example", "anonymous,guest,github") || !hasField(out, "plain.example", "guest") {
		t.Errorf("site list: %v\n%s", err, out)
	}
	out, _, err = run(t, vars, "site", "set", "blog.example", "--login", "kc,local")
	if err != nil || !strings.Contains(out, "kc, local") {
		t.Errorf("site set: %v %s", err, out)
	}
	for _, bad := range [][]string{
		{"site", "set", "blog.example", "--login", "gitlab"}, // not configured
		{"site", "set", "blog.example", "--login", "anonymous"},
		{"site", "set", "blog.example"},
		{"site", "add", "new.example", "--login", "twitter"},
	} {
		if _, _, err := run(t, vars, bad...); !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
	if _, _, err := run(t, vars, "site", "set", "blog.example", "--login", "gitlab"); err == nil || !strings.Contains(err.Error(), "github, kc") {
		t.Errorf("unknown provider: %v, want the configured ones named", err)
	}
	if _, _, err := run(t, vars, "site", "set", "nope.example", "--login", "guest"); err == nil || !strings.Contains(err.Error(), "no site") {
		t.Errorf("unknown site: %v", err)
	}
	out, _, _ = run(t, vars, "site", "list")
	if !hasField(out, "blog.example", "kc,local") {
		t.Errorf("after site set:\n%s", out)
	}
}

// hasField reports whether a line of out starts with host and has want as its third field.
func hasField(out, host, want string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && f[0] == host && f[2] == want {
			return true
		}
	}
	return false
}
