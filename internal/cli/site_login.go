package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// loginFlagUsage describes --login of site add and site set.
const loginFlagUsage = "comma-separated login methods: anonymous, guest, local and configured provider names (default guest)"

// applyLogins sets the site's login methods from a --login value: guest,
// local and the names of providers in cfg (PARLEY_AUTH_PROVIDERS) go into
// LoginMethods, anonymous sets AllowAnonymous. An empty value changes nothing.
func applyLogins(s *model.SiteSettings, cfg *config.Config, value string) error {
	if value == "" {
		return nil
	}
	methods, anonymous, err := model.ParseLogins(strings.Split(value, ","), providerList(cfg))
	if errors.Is(err, model.ErrLoginsEmpty) {
		return fmt.Errorf("%w: --login: %v", ErrUsage, err)
	}
	if err != nil {
		return fmt.Errorf("%w: --login %v (PARLEY_AUTH_PROVIDERS: %s)", ErrUsage, err, providerNames(cfg))
	}
	s.LoginMethods, s.AllowAnonymous = methods, anonymous
	return nil
}

// providerList is the names of the configured providers.
func providerList(cfg *config.Config) []string {
	names := make([]string, len(cfg.Providers))
	for i, p := range cfg.Providers {
		names[i] = p.Name
	}
	return names
}

func providerNames(cfg *config.Config) string {
	if len(cfg.Providers) == 0 {
		return "none configured"
	}
	return strings.Join(providerList(cfg), ", ")
}

// siteSet changes settings of a registered site: its login methods
// (--login) and whether comments take images (--uploads on|off).
func siteSet(ctx context.Context, e env, args []string) error {
	var logins, uploads string
	cfg, pos, err := loadConfig("site set", " HOST [--login METHODS] [--uploads on|off]", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&logins, "login", "", loginFlagUsage)
		fs.StringVar(&uploads, "uploads", "", "on: commenters may add images (docs/uploads.md); off: they may not")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 || (logins == "" && uploads == "") {
		return fmt.Errorf("%w: site set takes one HOST and --login or --uploads", ErrUsage)
	}
	if uploads != "" && uploads != "on" && uploads != "off" {
		return fmt.Errorf("%w: --uploads is on or off", ErrUsage)
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
	if err := applyLogins(&site.Settings, cfg, logins); err != nil {
		return err
	}
	if uploads != "" {
		site.Settings.Uploads = uploads == "on"
	}
	if err := a.store.UpdateSite(ctx, site); err != nil {
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID, Settings: true})
	fmt.Fprintf(e.stdout, "site %s: login methods %s; uploads %s\n", site.Host, strings.Join(loginsOf(site.Settings), ", "), onOff(site.Settings.Uploads))
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// loginsOf lists a site's login methods, anonymous included.
func loginsOf(s model.SiteSettings) []string {
	out := []string{}
	if s.AllowAnonymous {
		out = append(out, model.LoginAnonymous)
	}
	return append(out, s.Logins()...)
}
