package config

import (
	"strings"
	"testing"
	"time"
)

func TestContactRetention(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.ContactRetention != 90*24*time.Hour {
		t.Errorf("default: %v %v, want 2160h", c.ContactRetention, err)
	}
	if _, err := load(t, map[string]string{"PARLEY_CONTACT_RETENTION": "30m"}); err == nil || !strings.Contains(err.Error(), "PARLEY_CONTACT_RETENTION") {
		t.Errorf("30m: %v, want an error naming the setting", err)
	}
}

// TestShownHidesSecrets: the operator area's view of the configuration
// says whether a secret is set, never any part of it.
func TestShownHidesSecrets(t *testing.T) {
	c, err := load(t, map[string]string{"PARLEY_SMTP_URL": "smtp://user:hunter2@mail.example:587", "PARLEY_MAIL_FROM": "noreply@example.com",
		"PARLEY_SECRET_KEY": strings.Repeat("ab", 32)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, s := range c.Shown() {
		seen[s.Name] = s.Value
	}
	if seen["PARLEY_SMTP_URL"] != "(set)" || seen["PARLEY_SECRET_KEY"] != "(set)" || seen["PARLEY_DATABASE_URL"] != "" ||
		seen["PARLEY_MAIL_FROM"] != "noreply@example.com" || seen["PARLEY_CONTACT_RETENTION"] != "2160h0m0s" {
		t.Errorf("shown: %v", seen)
	}
}
