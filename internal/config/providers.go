package config

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Provider is one OAuth2 or OpenID Connect login provider the operator
// configured in PARLEY_AUTH_PROVIDERS.
type Provider struct {
	// Name is a built-in provider's name (BuiltinProviders) or the
	// operator's name for a generic OpenID Connect provider. Sites enable
	// providers by this name, and it is part of the callback URL.
	Name         string
	ClientID     string
	ClientSecret string
	// URL is GitLab's base URL (default DefaultGitLabURL) or, for a
	// generic OpenID Connect provider, its issuer URL (required), whose
	// /.well-known/openid-configuration describes it.
	URL string
}

// Generic reports whether p is a generic OpenID Connect provider, found by
// discovery from its issuer URL.
func (p Provider) Generic() bool { return !slices.Contains(BuiltinProviders, p.Name) }

// BuiltinProviders are the providers Parley knows by name.
var BuiltinProviders = []string{"github", "gitlab", "google", "microsoft", "facebook"}

// ReservedLoginNames are the login methods that are not providers; no
// provider may take their names.
var ReservedLoginNames = []string{"anonymous", "guest", "local"}

// DefaultGitLabURL is GitLab's URL when PARLEY_AUTH_PROVIDERS gives none.
const DefaultGitLabURL = "https://gitlab.com"

// MaxProviders bounds the number of providers in PARLEY_AUTH_PROVIDERS:
// every one is a button in the widget and a discovery request at first use.
const MaxProviders = 32

// providerName is what a provider's name may look like: it appears in URLs
// and site settings.
var providerName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// parseProviders reads PARLEY_AUTH_PROVIDERS: comma-separated entries
// NAME=CLIENT_ID:CLIENT_SECRET[@URL]. The client id ends at the first
// colon; the URL starts at the last "@http". Client id and secret are
// percent-decoded, so a secret holding a comma is written with %2C.
func parseProviders(c *Config, v string) error {
	c.Providers = nil
	for i, entry := range strings.Split(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		p, err := parseProvider(entry)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i+1, err)
		}
		if slices.ContainsFunc(c.Providers, func(q Provider) bool { return q.Name == p.Name }) {
			return fmt.Errorf("provider %q is configured twice", p.Name)
		}
		c.Providers = append(c.Providers, p)
	}
	if len(c.Providers) > MaxProviders {
		return fmt.Errorf("%d providers: at most %d", len(c.Providers), MaxProviders)
	}
	return nil
}

func parseProvider(entry string) (Provider, error) {
	name, rest, ok := strings.Cut(entry, "=")
	name = strings.ToLower(strings.TrimSpace(name))
	if !ok || !providerName.MatchString(name) {
		return Provider{}, errors.New("want NAME=CLIENT_ID:CLIENT_SECRET[@URL], NAME of a-z, 0-9 and - (at most 32)")
	}
	if slices.Contains(ReservedLoginNames, name) {
		return Provider{}, fmt.Errorf("provider name %q is a login method of its own; choose another", name)
	}
	p := Provider{Name: name}
	if i := strings.LastIndex(rest, "@http"); i >= 0 {
		rest, p.URL = rest[:i], strings.TrimRight(rest[i+1:], "/")
	}
	id, secret, ok := strings.Cut(rest, ":")
	var err1, err2 error
	p.ClientID, err1 = url.PathUnescape(strings.TrimSpace(id))
	p.ClientSecret, err2 = url.PathUnescape(strings.TrimSpace(secret))
	if !ok || p.ClientID == "" || p.ClientSecret == "" || err1 != nil || err2 != nil {
		return Provider{}, fmt.Errorf("provider %s: want %s=CLIENT_ID:CLIENT_SECRET (percent-encoded where they hold , : @ or %%)", name, name)
	}
	if err := p.checkURL(); err != nil {
		return Provider{}, fmt.Errorf("provider %s: %w", name, err)
	}
	return p, nil
}

// checkURL requires an issuer URL of a generic provider, allows one for
// GitLab (self-hosted) and refuses one elsewhere.
func (p *Provider) checkURL() error {
	switch {
	case p.Name == "gitlab" && p.URL == "":
		p.URL = DefaultGitLabURL
	case p.Generic() && p.URL == "":
		return errors.New("an OpenID Connect provider needs its issuer URL: NAME=CLIENT_ID:CLIENT_SECRET@https://issuer.example.com")
	case !p.Generic() && p.Name != "gitlab" && p.URL != "":
		return errors.New("only gitlab and OpenID Connect providers take a URL")
	case p.URL == "":
		return nil
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an http(s) URL", p.URL)
	}
	return nil
}

// formatProviders writes providers back in PARLEY_AUTH_PROVIDERS form, with
// the client secrets masked when mask is set.
func formatProviders(ps []Provider, mask bool) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		secret := url.PathEscape(p.ClientSecret)
		if mask {
			secret = "********"
		}
		parts[i] = p.Name + "=" + url.PathEscape(p.ClientID) + ":" + secret
		if p.URL != "" && !(p.Name == "gitlab" && p.URL == DefaultGitLabURL) {
			parts[i] += "@" + p.URL
		}
	}
	return strings.Join(parts, ",")
}

// maskProviders masks the client secrets of a PARLEY_AUTH_PROVIDERS value;
// a value that does not parse is masked whole.
func maskProviders(v string) string {
	var c Config
	if parseProviders(&c, v) != nil {
		return "********"
	}
	return formatProviders(c.Providers, true)
}
