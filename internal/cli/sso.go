package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/parleyhq/parley/internal/auth"
)

// siteSSO runs parley site sso HOST [--rotate | --disable]: it prints the
// site's SSO secret, creating one the first time, or a new one with
// --rotate; --disable forgets it, which turns site SSO off.
func siteSSO(ctx context.Context, e env, args []string) error {
	var rotate, disable bool
	cfg, pos, err := loadConfig("site sso", " HOST [--rotate | --disable]", e, args, func(fs *flag.FlagSet) {
		fs.BoolVar(&rotate, "rotate", false, "replace the secret: tokens signed with the old one stop working")
		fs.BoolVar(&disable, "disable", false, "forget the secret: the site's SSO tokens are refused")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 || (rotate && disable) {
		return fmt.Errorf("%w: site sso takes one HOST, and --rotate or --disable", ErrUsage)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := findSite(ctx, a, pos[0])
	if err != nil {
		return err
	}
	if disable {
		if err := a.store.DeleteSSOSecret(ctx, site.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "site SSO is off for %s: its tokens are refused\n", site.Host)
		return nil
	}
	secret, err := auth.SiteSSOSecret(ctx, a.store, site.ID, rotate)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}
