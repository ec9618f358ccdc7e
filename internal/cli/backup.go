package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// backupDir is PARLEY_BACKUP_DIR, by default DATA_DIR/backups.
func backupDir(cfg *config.Config) string {
	if cfg.BackupDir != "" {
		return cfg.BackupDir
	}
	return filepath.Join(cfg.DataDir, "backups")
}

// runBackup takes a backup now, while a server may be running, then prunes
// the backups past PARLEY_BACKUP_RETENTION.
func runBackup(ctx context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("backup", "", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: backup takes no arguments (the directory is PARLEY_BACKUP_DIR)", ErrUsage)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	path, err := backup.Take(ctx, a.store, backupDir(cfg), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s (sealed data needs the secret key, which is not in it)\n", path)
	if n, err := backup.Prune(backupDir(cfg), cfg.BackupRetention, time.Now()); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(e.stdout, "deleted %d backups older than %s\n", n, cfg.BackupRetention)
	}
	return nil
}

// runRestore restores a backup into the configured database, which must be
// empty, then migrates it and checks the key against it.
func runRestore(ctx context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("restore", " FILE", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: restore takes one FILE", ErrUsage)
	}
	file := pos[0]
	kind, err := backup.Dialect(file)
	if err != nil {
		return err
	}
	if want := map[bool]string{true: "postgres", false: "sqlite"}[cfg.DatabaseURL != ""]; kind != want {
		return fmt.Errorf("%w: %s is a %s backup and the configured database is %s", backup.ErrWrongDatabase, file, kind, want)
	}
	key, err := privacy.LoadKeyFrom(cfg.SecretKey, cfg.SecretKeyFile, cfg.DataDir)
	if err != nil {
		return err
	}
	if key.New {
		return fmt.Errorf("no secret key: the backup's personal data is sealed with the key it was taken with, which is "+
			"not in the backup; put that key in %s (or set PARLEY_SECRET_KEY or PARLEY_SECRET_KEY_FILE) and restore again", key.File)
	}
	if err := restoreInto(ctx, cfg, key, file); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e) // migrates to this version and checks the key
	if err != nil {
		return fmt.Errorf("restored %s, but: %w", file, err)
	}
	a.Close()
	fmt.Fprintf(e.stdout, "restored %s\n", file)
	return nil
}

func restoreInto(ctx context.Context, cfg *config.Config, key *privacy.Key, file string) error {
	sealer, err := privacy.NewKeyringSealer(key.Ring, nil)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir, sealer, store.Limits{Wait: cfg.DBTimeout})
	if err != nil {
		return err
	}
	if err := st.CheckEmpty(ctx); err != nil {
		st.Close()
		if errors.Is(err, store.ErrNotEmpty) {
			return fmt.Errorf("refusing to restore into a database that holds data (%w); restore into a new, empty one", err)
		}
		return err
	}
	if kind := st.Dialect(); kind == "postgres" {
		defer st.Close()
		return backup.RestorePostgres(ctx, st, file)
	}
	st.Close()
	db := filepath.Join(cfg.DataDir, store.SQLiteFile)
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return backup.RestoreSQLite(file, db)
}
