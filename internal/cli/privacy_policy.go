package cli

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/inventory"
)

// runPrivacyPolicy prints a privacy policy template in Markdown, made from
// the data inventory with this server's settings filled in (package
// inventory). It opens no database.
func runPrivacyPolicy(_ context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("privacy-policy", "", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: privacy-policy takes no arguments", ErrUsage)
	}
	inventory.WritePolicy(e.stdout, inventory.InstanceOf(cfg))
	return nil
}
