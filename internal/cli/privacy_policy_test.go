package cli_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/inventory"
)

// TestPrivacyPolicyTemplate: `parley privacy-policy` writes the template
// from the data inventory (every exported field's purpose is in it) with
// this server's settings: retention periods, backups, Akismet, Gravatar,
// mail relay and providers.
func TestPrivacyPolicyTemplate(t *testing.T) {
	defaults, _, err := run(t, map[string]string{"PARLEY_PUBLIC_URL": "https://comments.example"}, "privacy-policy")
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range inventory.Tables {
		for _, c := range table.Columns {
			if c.Class == inventory.Exported && !strings.Contains(defaults, c.Why) {
				t.Errorf("the template does not say why %s.%s is stored (%q)", table.Name, c.Name, c.Why)
			}
		}
	}
	tuned, _, err := run(t, map[string]string{"PARLEY_PUBLIC_URL": "https://comments.example", "PARLEY_IP_RETENTION": "168h",
		"PARLEY_BACKUP_RETENTION": "72h", "PARLEY_BACKUP_INTERVAL": "12h", "PARLEY_CONTACT_RETENTION": "240h", "PARLEY_AKISMET_KEY": "abcdef123456",
		"PARLEY_GRAVATAR": "true", "PARLEY_SMTP_URL": "smtp://mail.example.com:587", "PARLEY_MAIL_FROM": "parley@example.com",
		"PARLEY_AUTH_PROVIDERS": "github=id:secret"}, "privacy-policy")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text           string
		inDefaults, in bool
	}{
		{"https://comments.example/privacy", true, true},
		{"bans: seen by you; *encrypted*; kept 30 days, or less where the site's owner chose less", true, false},
		{"bans: seen by you; *encrypted*; kept 7 days, or less where the site's owner chose less", false, true},
		{"We back the database up every day and delete each backup after 14 days", true, false},
		{"We back the database up every 12 hours and delete each backup after 3 days", false, true},
		{"Kept 90 days.", true, false},
		{"Kept 10 days.", false, true},
		{"only on the sites whose owner set an Akismet key", true, false},
		{"**Akismet** (Automattic Inc.), to detect spam: for every new comment,", false, true},
		{"**Gravatar**", false, true},
		{"[YOUR MAIL PROVIDER]", false, true},
		{"The sign-in services you choose to sign in with (github)", false, true},
	} {
		if strings.Contains(defaults, c.text) != c.inDefaults || strings.Contains(tuned, c.text) != c.in {
			t.Errorf("%q: in the default template %v, want %v; in the tuned one %v, want %v",
				c.text, strings.Contains(defaults, c.text), c.inDefaults, strings.Contains(tuned, c.text), c.in)
		}
	}
	if _, _, err := run(t, nil, "privacy-policy", "extra"); err == nil {
		t.Error("privacy-policy took an argument")
	}
}
