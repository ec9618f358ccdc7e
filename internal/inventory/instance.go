package inventory

import (
	"time"

	"github.com/parleyhq/parley/internal/config"
)

// Periods are the retention settings of cfg by name (Settings).
func Periods(cfg *config.Config) map[string]time.Duration {
	return map[string]time.Duration{
		"PARLEY_IP_RETENTION":         cfg.IPRetention,
		"PARLEY_SIGNUP_IP_RETENTION":  cfg.SignupIPRetention,
		"PARLEY_UNVERIFIED_RETENTION": cfg.UnverifiedRetention,
		"PARLEY_MAIL_RETENTION":       cfg.MailRetention,
		"PARLEY_CONTACT_RETENTION":    cfg.ContactRetention,
		"PARLEY_BACKUP_RETENTION":     cfg.BackupRetention,
	}
}

// InstanceOf is what a privacy policy says of the server cfg configures.
func InstanceOf(cfg *config.Config) Instance {
	in := Instance{PublicURL: cfg.PublicURL, Periods: Periods(cfg), BackupInterval: cfg.BackupInterval,
		Akismet: cfg.AkismetKey != "", Gravatar: cfg.Gravatar, SMTP: cfg.SMTPURL != ""}
	for _, p := range cfg.Providers {
		in.Logins = append(in.Logins, p.Name)
	}
	return in
}
