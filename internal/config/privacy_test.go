package config

import (
	"strings"
	"testing"
	"time"
)

// TestPrivacySettings: the defaults, and every limit pushed past.
func TestPrivacySettings(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || c.BackupInterval != 24*time.Hour || c.BackupRetention != 14*24*time.Hour ||
		c.UnverifiedRetention != 7*24*time.Hour || c.MailRetention != 7*24*time.Hour || c.BackupDir != "" {
		t.Fatalf("defaults: %+v %v", c.Privacy, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_BACKUP_INTERVAL": "0"}); err != nil || c.BackupInterval != 0 {
		t.Errorf("interval 0 (off): %v", err)
	}
	for name, value := range map[string]string{
		"PARLEY_BACKUP_RETENTION":     "337h",
		"PARLEY_BACKUP_INTERVAL":      "59m",
		"PARLEY_UNVERIFIED_RETENTION": "30m",
		"PARLEY_MAIL_RETENTION":       "721h",
	} {
		if _, err := load(t, map[string]string{name: value}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v, want an error naming the setting", name, value, err)
		}
	}
}
