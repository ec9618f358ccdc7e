package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

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
}

// openApp loads the secret key, opens the database and migrates it.
func openApp(ctx context.Context, cfg *config.Config, e env) (*app, error) {
	log := newLogger(cfg, e.stderr)
	secret, created, err := privacy.LoadSecret(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if created {
		log.Info("generated secret key; back it up, personal data cannot be read without it",
			"file", cfg.DataDir+"/"+privacy.KeyFileName)
	}
	sealer, err := privacy.NewSealer(secret)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir, sealer)
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, name := range applied {
		log.Info("applied migration", "name", name, "database", st.Dialect())
	}
	return &app{cfg: cfg, log: log, sealer: sealer, store: st}, nil
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
