package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func runSite(ctx context.Context, e env, args []string) error {
	if asked, err := groupHelp(e, args, siteUsage); asked {
		return err
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
	case "member":
		return runSiteMember(ctx, e, args[1:])
	case "sso":
		return siteSSO(ctx, e, args[1:])
	case "spam":
		return siteSpam(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown site command %q (add, set, list, remove, member, sso, spam)", ErrUsage, args[0])
}

const siteUsage = `Usage:
  parley site add HOST [--origin URL]… [--moderation none|first|guests|all] [--require-email] [--anonymous] [--owner EMAIL] [--login METHODS]
  parley site set HOST [--login METHODS] [--uploads on|off]
  parley site list
  parley site remove HOST
  parley site member add HOST EMAIL --role moderator|owner
  parley site member remove HOST EMAIL
  parley site member list HOST
  parley site sso HOST [--rotate | --disable]
  parley site spam HOST [--moderation M] [--link-limit N] [--hold-images true|false] [--held-words FILE] [--blocked-words FILE]

HOST may carry a port (localhost:3000). A site accepts writes from https://HOST, http://HOST and every --origin.
--owner and member take the EMAIL of an account (parley user add creates one).
site sso prints the secret the site's server signs SSO tokens with, creating it the first time
(see docs/authentication.md, "Site SSO"); --rotate replaces it, --disable forgets it.
site spam shows the site's spam policy and changes what is given (see docs/moderation.md); word files
have one word or phrase a line, # comments and blank lines skipped.
`

func siteAdd(ctx context.Context, e env, args []string) error {
	var origins multiFlag
	var moderation string
	var requireEmail, anonymous bool
	var owner, logins string
	cfg, pos, err := loadConfig("site add", " HOST [flags]", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&owner, "owner", "", "the EMAIL of the account that owns the site")
		fs.StringVar(&logins, "login", "", loginFlagUsage)
		fs.Var(&origins, "origin", "an extra origin allowed to write, such as https://www.example.com (repeatable)")
		fs.StringVar(&moderation, "moderation", model.ModerationNone, "none, first (hold first comments), guests (hold guests' and anonymous comments) or all")
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
	case model.ModerationNone, model.ModerationFirst, model.ModerationGuests, model.ModerationAll:
		site.Settings.Moderation = moderation
	default:
		return fmt.Errorf("%w: --moderation must be none, first, guests or all", ErrUsage)
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
	if owner != "" {
		u, err := findUser(ctx, a, owner)
		if err != nil {
			return err
		}
		site.OwnerID = u.ID
	}
	if err := a.store.CreateSite(ctx, site); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("site %s is already registered", host)
		}
		var limit *store.PlanLimitError
		if errors.As(err, &limit) {
			return fmt.Errorf("the owner's plan allows %d sites, and they own as many: give them another plan (parley plan set)", limit.Limit)
		}
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID, Settings: true})
	fmt.Fprintf(e.stdout, "added site %s (origins: %s)\n", site.Host, strings.Join(site.AllowedOrigins(), ", "))
	return nil
}

func siteList(ctx context.Context, e env, args []string) error {
	a, _, err := openWithArgs(ctx, e, "site list", args)
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
	a, pos, err := openWithArgs(ctx, e, "site remove", args, "HOST")
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := findSite(ctx, a, pos[0])
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

// validHost is model.ParseHost as a usage error.
func validHost(h string) (string, error) {
	host, err := model.ParseHost(h)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return host, nil
}

// validOrigin is model.ParseOrigin as a usage error about --origin.
func validOrigin(o string) (string, error) {
	origin, err := model.ParseOrigin(o)
	if err != nil {
		return "", fmt.Errorf("%w: --origin %v", ErrUsage, err)
	}
	return origin, nil
}

func runSiteMember(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: site member add, remove or list", ErrUsage)
	}
	switch args[0] {
	case "add":
		return siteMemberAdd(ctx, e, args[1:])
	case "remove":
		return siteMemberRemove(ctx, e, args[1:])
	case "list":
		return siteMemberList(ctx, e, args[1:])
	}
	return fmt.Errorf("%w: unknown site member command %q (add, remove, list)", ErrUsage, args[0])
}

func siteMemberAdd(ctx context.Context, e env, args []string) error {
	var role string
	cfg, pos, err := loadConfig("site member add", " HOST EMAIL --role moderator|owner", e, args, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "moderator or owner")
	})
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: site member add takes a HOST and an EMAIL", ErrUsage)
	}
	if r := model.Role(role); r != model.RoleModerator && r != model.RoleOwner {
		return fmt.Errorf("%w: --role must be moderator or owner", ErrUsage)
	}
	return withSiteAndUser(ctx, cfg, e, pos[0], pos[1], func(a *app, site *model.Site, u *model.User) error {
		if err := a.store.SetSiteMember(ctx, site.ID, u.ID, model.Role(role)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now %s of %s\n", u.Email, role, site.Host)
		return nil
	})
}

func siteMemberRemove(ctx context.Context, e env, args []string) error {
	cfg, pos, err := loadConfig("site member remove", " HOST EMAIL", e, args, nil)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("%w: site member remove takes a HOST and an EMAIL", ErrUsage)
	}
	return withSiteAndUser(ctx, cfg, e, pos[0], pos[1], func(a *app, site *model.Site, u *model.User) error {
		err := a.store.RemoveSiteMember(ctx, site.ID, u.ID)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s has no role on %s", u.Email, site.Host)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s has no role on %s any more\n", u.Email, site.Host)
		return nil
	})
}

// withSiteAndUser opens the app, finds the site of host and the account of
// email, runs fn, and tells the servers that the site's badges changed.
func withSiteAndUser(ctx context.Context, cfg *config.Config, e env, host, email string, fn func(*app, *model.Site, *model.User) error) error {
	a, err := openApp(ctx, cfg, e)
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := findSite(ctx, a, host)
	if err != nil {
		return err
	}
	u, err := findUser(ctx, a, email)
	if err != nil {
		return err
	}
	if err := fn(a, site, u); err != nil {
		return err
	}
	a.store.NotifySiteChanged(ctx, store.SiteChange{SiteID: site.ID})
	return nil
}

func siteMemberList(ctx context.Context, e env, args []string) error {
	a, pos, err := openWithArgs(ctx, e, "site member list", args, "HOST")
	if err != nil {
		return err
	}
	defer a.Close()
	site, err := findSite(ctx, a, pos[0])
	if err != nil {
		return err
	}
	members, err := a.store.SiteMembers(ctx, site.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE")
	if site.OwnerID != 0 {
		if u, err := a.store.UserByID(ctx, site.OwnerID); err == nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Email, u.Name, "owner (site owner)")
		}
	}
	for _, m := range members {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.User.Email, m.User.Name, m.Role)
	}
	return tw.Flush()
}

// findSite returns the site registered with host, or an error that says how to list them.
func findSite(ctx context.Context, a *app, host string) (*model.Site, error) {
	site, err := a.store.SiteByHost(ctx, host)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no site %s is registered (parley site list shows them)", host)
	}
	return site, err
}
