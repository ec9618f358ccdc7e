package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func runSite(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stderr, "Usage:\n  parley site add HOST [--origin URL]… [--moderation none|first|all] [--require-email] [--anonymous] [--login METHODS]\n  parley site set HOST --login METHODS\n  parley site list\n  parley site remove HOST\n\nHOST may carry a port (localhost:3000). A site accepts writes from https://HOST, http://HOST and every --origin.\n")
		if len(args) == 0 {
			return ErrUsage
		}
		return nil
	}
	switch args[0] {
	case "add":
		return siteAdd(ctx, e, args[1:])
	case "set":
		return siteSet(ctx, e, args[1:])
	case "list":
		return siteList(ctx, e, args[1:])
	case "remove":
		return siteRemove(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown site command %q (add, set, list, remove)", ErrUsage, args[0])
}

func siteAdd(ctx context.Context, e env, args []string) error {
	var origins multiFlag
	var moderation string
	var requireEmail, anonymous bool
	var logins string
	cfg, pos, err := loadConfig("site add", " HOST [flags]", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&logins, "login", "", loginFlagUsage)
		fs.Var(&origins, "origin", "an extra origin allowed to write, such as https://www.example.com (repeatable)")
		fs.StringVar(&moderation, "moderation", model.ModerationNone, "none, first (hold first comments) or all")
		fs.BoolVar(&requireEmail, "require-email", false, "guests must give an email address")
		fs.BoolVar(&anonymous, "anonymous", false, "allow comments without a name")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: site add takes one HOST, such as example.com or localhost:3000", ErrUsage)
	}
	host, err := validHost(pos[0])
	if err != nil {
		return err
	}
	site := &model.Site{Host: host, Settings: model.DefaultSiteSettings()}
	for _, o := range origins {
		origin, err := validOrigin(o)
		if err != nil {
			return err
		}
		if !site.AllowsOrigin(origin) {
			site.Origins = append(site.Origins, origin)
		}
	}
	switch moderation {
	case model.ModerationNone, model.ModerationFirst, model.ModerationAll:
		site.Settings.Moderation = moderation
	default:
		return fmt.Errorf("%w: --moderation must be none, first or all", ErrUsage)
	}
	site.Settings.RequireEmail, site.Settings.AllowAnonymous = requireEmail, anonymous
	if err := applyLogins(&site.Settings, cfg, logins); err != nil {
		return err
	}
	site.Settings.AllowAnonymous = site.Settings.AllowAnonymous || anonymous
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.store.CreateSite(ctx, site); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("site %s is already registered", host)
		}
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID, Settings: true})
	fmt.Fprintf(e.stdout, "added site %s (origins: %s)\n", site.Host, strings.Join(site.AllowedOrigins(), ", "))
	return nil
}

func siteList(ctx context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("site list", "", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("%w: site list takes no arguments", ErrUsage)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	sites, err := a.store.Sites(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tMODERATION\tLOGIN\tORIGINS\tCREATED")
	for _, s := range sites {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Host, s.Settings.Moderation, strings.Join(loginsOf(s.Settings), ","),
			strings.Join(s.AllowedOrigins(), " "), s.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

func siteRemove(ctx context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("site remove", " HOST", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: site remove takes one HOST", ErrUsage)
	}
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := a.store.SiteByHost(ctx, pos[0])
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no site %s is registered (parley site list shows them)", pos[0])
	}
	if err != nil {
		return err
	}
	if err := a.store.DeleteSite(ctx, site.ID); err != nil {
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID, Settings: true})
	fmt.Fprintf(e.stdout, "removed site %s with all its pages, comments, votes and views\n", site.Host)
	return nil
}

// validHost accepts a host name or IP with an optional port, lower-cased.
func validHost(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	u, err := url.Parse("http://" + h)
	if err != nil || u.Host != h || u.Hostname() == "" || strings.ContainsAny(h, "/?#@ ") {
		return "", fmt.Errorf("%w: %q is not a host such as example.com or localhost:3000", ErrUsage, h)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return "", fmt.Errorf("%w: %q has a bad port", ErrUsage, h)
		}
	}
	return h, nil
}

// validOrigin accepts scheme://host[:port] with http or https.
func validOrigin(o string) (string, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(o), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return "", fmt.Errorf("%w: --origin %q must be an origin such as https://www.example.com", ErrUsage, o)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}
