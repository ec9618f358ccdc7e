package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// app is the wiring shared by commands that use the database.
type app struct {
	cfg    *config.Config
	log    *slog.Logger
	sealer *privacy.Sealer
	store  *store.Store
	key    *privacy.Key
}

// openApp loads the secret key, opens the database, migrates it and checks
// the key against the data: it refuses a key that does not open what is
// stored, and generates a key only for a database that holds nothing sealed.
//
// The database waits of every command are bounded by PARLEY_DB_TIMEOUT;
// statements are not (an export streams a whole site in one): the server
// opens with openServingApp.
func openApp(ctx context.Context, cfg *config.Config, e env) (*app, error) {
	return openAppLimits(ctx, cfg, e, store.Limits{Wait: cfg.DBTimeout})
}

// minStatementTimeout is the least statement_timeout serve sets on
// PostgreSQL. A request's statements are cancelled at its deadline
// (PARLEY_DB_TIMEOUT) by the client already; the server-side limit is the
// backstop for statements whose client is gone (a partition), and must not
// cut off the server's background work (view flushes, IP purges).
const minStatementTimeout = 30 * time.Second

// openServingApp is openApp for serve: every statement is bounded too.
func openServingApp(ctx context.Context, cfg *config.Config, e env) (*app, error) {
	return openAppLimits(ctx, cfg, e, store.Limits{Wait: cfg.DBTimeout, Statement: max(cfg.DBTimeout, minStatementTimeout)})
}

func openAppLimits(ctx context.Context, cfg *config.Config, e env, limits store.Limits) (*app, error) {
	log := newLogger(cfg, e.stderr)
	key, err := privacy.LoadKeyFrom(cfg.SecretKey, cfg.SecretKeyFile, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if key.ReadableByOthers() {
		log.Warn("secret key file is readable by other users; run chmod 600 on it",
			"file", key.File, "mode", fmt.Sprintf("%#o", key.Mode))
	}
	sealer, err := privacy.NewKeyringSealer(key.Ring, key.Reload)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir, sealer, limits)
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err == nil {
		for _, name := range applied {
			log.Info("applied migration", "name", name, "database", st.Dialect())
		}
		err = checkKey(ctx, st, key, log)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return &app{cfg: cfg, log: log, sealer: sealer, store: st, key: key}, nil
}

// checkKey saves a new key only when the database holds nothing made with
// another one, then checks the key against the database.
func checkKey(ctx context.Context, st *store.Store, key *privacy.Key, log *slog.Logger) error {
	if key.New {
		keyed, err := st.HasKeyedData(ctx)
		if err != nil {
			return err
		}
		if keyed {
			return fmt.Errorf("the secret key file %s is missing, but the database already holds data sealed with a key; "+
				"Parley does not generate a new key, which could never read that data. Restore %s from your backup "+
				"(or set %s to that key) and start again", key.File, privacy.KeyFileName, privacy.ConfiguredKeySource)
		}
		if err := key.Save(); err != nil {
			return err
		}
		log.Info("generated secret key; back it up, personal data cannot be read without it", "file", key.File)
	}
	var mismatch *store.KeyMismatchError
	if err := st.CheckKey(ctx); errors.As(err, &mismatch) {
		stored := mismatch.StoredKeyID
		if stored == "" {
			stored = "unknown"
		}
		return fmt.Errorf("the secret key in %s, key id %s, does not open the data in the database, sealed with key id %s; "+
			"Parley refuses to start rather than leave that data unreadable. Restore the key the database was "+
			"created with: the original %s or %s", key.Source, mismatch.KeyID, stored, privacy.KeyFileName, privacy.ConfiguredKeySource)
	} else if err != nil {
		return err
	}
	return nil
}

func (a *app) Close() error { return a.store.Close() }

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadConfig parses a command's flags (interleaved with positional
// arguments) and loads the configuration.
func loadConfig(name, synopsis string, e env, args []string, extra func(fs *flag.FlagSet)) (*config.Config, []string, error) {
	fs := newFlagSet(name, synopsis, e)
	flags := config.AddFlags(fs)
	if extra != nil {
		extra(fs)
	}
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := flags.Load(e.getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("%w\n(run parley %s -h for the flags)", err, name)
	}
	return cfg, positional, nil
}
