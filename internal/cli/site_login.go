package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
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
	var methods []string
	anonymous := false
	for _, m := range strings.Split(value, ",") {
		m = strings.ToLower(strings.TrimSpace(m))
		switch {
		case m == "":
		case m == model.LoginAnonymous:
			anonymous = true
		case m == model.LoginGuest || m == model.LoginLocal || slices.ContainsFunc(cfg.Providers, func(p config.Provider) bool { return p.Name == m }):
			if !slices.Contains(methods, m) {
				methods = append(methods, m)
			}
		default:
			return fmt.Errorf("%w: --login %q: not anonymous, guest, local or a provider of PARLEY_AUTH_PROVIDERS (%s)",
				ErrUsage, m, providerNames(cfg))
		}
	}
	if len(methods) == 0 || (anonymous && !slices.Contains(methods, model.LoginGuest)) {
		return fmt.Errorf("%w: --login must name guest, local or a provider, and anonymous only with guest (an anonymous comment is a guest's without a name)", ErrUsage)
	}
	s.LoginMethods, s.AllowAnonymous = methods, anonymous
	return nil
}

func providerNames(cfg *config.Config) string {
	if len(cfg.Providers) == 0 {
		return "none configured"
	}
	names := make([]string, len(cfg.Providers))
	for i, p := range cfg.Providers {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// siteSet changes settings of a registered site: for now its login methods.
func siteSet(ctx context.Context, e env, args []string) error {
	var logins string
	cfg, pos, err := loadConfig("site set", " HOST --login METHODS", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&logins, "login", "", loginFlagUsage)
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 || logins == "" {
		return fmt.Errorf("%w: site set takes one HOST and --login", ErrUsage)
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
	if err := a.store.UpdateSite(ctx, site); err != nil {
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID, Settings: true})
	fmt.Fprintf(e.stdout, "site %s: login methods %s\n", site.Host, strings.Join(loginsOf(site.Settings), ", "))
	return nil
}

// loginsOf lists a site's login methods, anonymous included.
func loginsOf(s model.SiteSettings) []string {
	out := []string{}
	if s.AllowAnonymous {
		out = append(out, model.LoginAnonymous)
	}
	return append(out, s.Logins()...)
}
