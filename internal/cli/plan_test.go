package cli_test

import (
	"strings"
	"testing"
)

// TestPlanCommands: plans are added, listed, assigned and made the
// default; an owner past the max sites of their plan cannot be given a
// new site, and hears why.
func TestPlanCommands(t *testing.T) {
	vars := map[string]string{"PARLEY_DATA_DIR": t.TempDir()}
	must := func(args ...string) string {
		t.Helper()
		out, errOut, err := run(t, vars, args...)
		if err != nil {
			t.Fatalf("parley %s: %v %s", strings.Join(args, " "), err, errOut)
		}
		return out
	}
	if _, err := runIn(t, vars, "\n", "user", "add", "olive@example.com", "--name", "Olive"); err != nil {
		t.Fatal(err)
	}
	must("plan", "add", "one-site", "--sites", "1", "--comments", "500")
	must("plan", "add", "free")
	if _, _, err := run(t, vars, "plan", "add", "free"); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("second plan named free: %v", err)
	}
	if _, _, err := run(t, vars, "plan", "add", "bad", "--views", "-2"); err == nil {
		t.Error("a limit of -2 was taken")
	}
	must("plan", "set", "olive@example.com", "one-site")
	must("site", "add", "one.example", "--owner", "olive@example.com")
	_, _, err := run(t, vars, "site", "add", "two.example", "--owner", "olive@example.com")
	if err == nil || !strings.Contains(err.Error(), "plan allows 1 sites") {
		t.Errorf("second site past the plan: %v", err)
	}
	must("plan", "default", "free")
	out := must("plan", "list")
	for _, want := range []string{"one-site  1", "500", "free", "unlimited"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan list lacks %q:\n%s", want, out)
		}
	}
	must("plan", "set", "olive@example.com", "default")
	must("site", "add", "two.example", "--owner", "olive@example.com")
	must("plan", "default", "unlimited")
	if _, _, err := run(t, vars, "plan", "set", "olive@example.com", "gold"); err == nil || !strings.Contains(err.Error(), "no plan is named gold") {
		t.Errorf("unknown plan: %v", err)
	}
}
