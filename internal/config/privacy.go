package config

import (
	"fmt"
	"time"
)

// MaxBackupRetention is the longest PARLEY_BACKUP_RETENTION allowed: data
// erased from the database must be gone from every backup within 14 days
// (issue 12, the seed's promise).
const MaxBackupRetention = 14 * 24 * time.Hour

// MaxMailRetention is the longest PARLEY_MAIL_RETENTION allowed: a dead
// letter still holds its sealed recipient and body, kept 30 days at most
// for the operator to see why it failed (issue 12).
const MaxMailRetention = 30 * 24 * time.Hour

// MinBackupInterval is the shortest PARLEY_BACKUP_INTERVAL but 0 (off).
const MinBackupInterval = time.Hour

// Privacy is the settings of backups and of the retention of data the
// purge job deletes.
type Privacy struct {
	// BackupDir is where scheduled and on-demand backups go; "" means
	// DATA_DIR/backups.
	BackupDir string
	// BackupInterval is the time between scheduled backups; 0 turns them
	// off.
	BackupInterval time.Duration
	// BackupRetention is how long a backup is kept, at most
	// MaxBackupRetention.
	BackupRetention time.Duration
	// UnverifiedRetention is how long an account whose email was never
	// confirmed is kept.
	UnverifiedRetention time.Duration
	// MailRetention is how long a sent mail, or one that could not be
	// delivered (a dead letter), stays in the outbox; at most
	// MaxMailRetention.
	MailRetention time.Duration
}

func privacySettings() []setting {
	return []setting{
		{"backup-dir", "PARLEY_BACKUP_DIR", "", "directory of the backups; default: DATA_DIR/backups", false,
			func(c *Config, v string) error { c.BackupDir = v; return nil },
			func(c *Config) string { return c.BackupDir }},
		{"backup-interval", "PARLEY_BACKUP_INTERVAL", "24h", "time between the backups serve takes (0: none; at least 1h)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.BackupInterval }),
			func(c *Config) string { return c.BackupInterval.String() }},
		{"backup-retention", "PARLEY_BACKUP_RETENTION", "336h", "backups older than this are deleted (at most 336h, 14 days)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.BackupRetention }),
			func(c *Config) string { return c.BackupRetention.String() }},
		{"unverified-retention", "PARLEY_UNVERIFIED_RETENTION", "168h", "accounts whose email was never confirmed are deleted after this (at least 1h)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.UnverifiedRetention }),
			func(c *Config) string { return c.UnverifiedRetention.String() }},
		{"mail-retention", "PARLEY_MAIL_RETENTION", "168h", "sent mails and mails that could not be delivered (dead letters) are deleted from the outbox after this (1h to 720h)", false,
			parseDuration(func(c *Config) *time.Duration { return &c.MailRetention }),
			func(c *Config) string { return c.MailRetention.String() }},
	}
}

func (c *Config) validatePrivacy() error {
	if c.BackupInterval != 0 && c.BackupInterval < MinBackupInterval {
		return fmt.Errorf("config: PARLEY_BACKUP_INTERVAL (--backup-interval) %s: want 0 (no scheduled backups) or at least %s", c.BackupInterval, MinBackupInterval)
	}
	if c.BackupRetention < time.Hour || c.BackupRetention > MaxBackupRetention {
		return fmt.Errorf("config: PARLEY_BACKUP_RETENTION (--backup-retention) %s: want from 1h to %s (14 days: erased data must leave the backups by then)", c.BackupRetention, MaxBackupRetention)
	}
	if c.UnverifiedRetention < time.Hour {
		return fmt.Errorf("config: PARLEY_UNVERIFIED_RETENTION (--unverified-retention) %s: want at least 1h", c.UnverifiedRetention)
	}
	if c.MailRetention < time.Hour || c.MailRetention > MaxMailRetention {
		return fmt.Errorf("config: PARLEY_MAIL_RETENTION (--mail-retention) %s: want from 1h to %s", c.MailRetention, MaxMailRetention)
	}
	return nil
}
