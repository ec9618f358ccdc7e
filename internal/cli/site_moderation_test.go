package cli_test

import (
	"strings"
	"testing"
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
