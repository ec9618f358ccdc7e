// Package backup takes, prunes and restores backups of the Parley database
// while the server runs: SQLite through an online snapshot (VACUUM INTO),
// PostgreSQL through a logical export of every table in one REPEATABLE
// READ transaction, both gzip-compressed into one file of a directory.
//
// Backups hold personal data sealed as the database stores it, never the
// key: reading them needs the instance's key (see docs/operations.md). The
// package must never keep a backup past its retention (at most 14 days,
// config.MaxBackupRetention), write one anywhere but its directory, or
// restore into a database that holds data.
package backup
