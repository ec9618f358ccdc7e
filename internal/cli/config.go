package cli

import (
	"context"
	"fmt"
)

func runConfig(_ context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("config", "", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: config takes no arguments", ErrUsage)
	}
	cfg.Dump(e.stdout)
	return nil
}

func runMigrate(ctx context.Context, e env, args []string) error {
	a, _, err := openWithArgs(ctx, e, "migrate", args)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "database (%s) is up to date\n", a.store.Dialect())
	return nil
}
