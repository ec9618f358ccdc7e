package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/endpoints"

	"github.com/parleyhq/parley/internal/config"
)

// Limits of the requests Parley makes to login providers.
const (
	// ProviderTimeout bounds each request to a provider: discovery, keys,
	// token exchange and profile.
	ProviderTimeout = 10 * time.Second
	// MaxProfileBytes bounds a profile answer (user API, userinfo).
	MaxProfileBytes = 1 << 20
	// MaxProfileField bounds each profile value Parley keeps (name, URLs);
	// longer ones are dropped or cut.
	MaxProfileField = 512
)

// Errors of a provider login. Each has its own code on the popup's page.
var (
	// ErrProviderUnavailable: the provider could not be reached or failed
	// (network, timeout, 5xx, discovery).
	ErrProviderUnavailable = errors.New("auth: login provider unavailable")
	// ErrProviderRefused: the provider's answer was not a valid login: the
	// code was refused, the ID token or its nonce did not verify, or the
	// profile had no subject.
	ErrProviderRefused = errors.New("auth: login provider refused the login")
)

// Profile is what a provider says about the person who logged in.
type Profile struct {
	Subject    string // the provider's stable id of the person; never empty
	Name       string // display name; may be empty
	Email      string // only an address the provider says it verified, else ""
	AvatarURL  string // the provider's picture URL (never sent to browsers as is)
	ProfileURL string // the person's public page at the provider
}

// Provider is one configured login provider. It is safe for concurrent use.
type Provider struct {
	Name  string // as in PARLEY_AUTH_PROVIDERS and site settings
	Label string // what the login button says

	oauth  oauth2.Config
	client *http.Client
	// profile reads the person's profile once the code is exchanged.
	profile func(ctx context.Context, p *Provider, tok *oauth2.Token, nonce string) (Profile, error)
	// issuer is set for OpenID Connect providers, discovered at first use
	// (see oidc.go).
	issuer string
	apiURL string // the user API of OAuth2-only providers (tests point it elsewhere)

	mu   sync.Mutex
	disc *discovered
}

// Providers are the operator's providers by name.
type Providers struct {
	byName    map[string]*Provider
	names     []string
	publicURL string
}

// NewProviders builds the providers of cfgs. Their callback URL is
// publicURL + /api/v1/auth/NAME/callback. client makes every request to
// the providers; nil means one with ProviderTimeout.
func NewProviders(cfgs []config.Provider, publicURL string, client *http.Client) *Providers {
	if client == nil {
		client = &http.Client{Timeout: ProviderTimeout}
	}
	publicURL = strings.TrimRight(publicURL, "/")
	ps := &Providers{byName: map[string]*Provider{}, publicURL: publicURL}
	for _, c := range cfgs {
		p := &Provider{Name: c.Name, Label: label(c.Name), client: client, oauth: oauth2.Config{
			ClientID: c.ClientID, ClientSecret: c.ClientSecret,
			RedirectURL: publicURL + "/api/v1/auth/" + c.Name + "/callback",
		}}
		switch c.Name {
		case "github":
			p.oauth.Endpoint, p.oauth.Scopes, p.apiURL, p.profile = endpoints.GitHub, []string{"read:user", "user:email"}, "https://api.github.com", githubProfile
		case "facebook":
			p.oauth.Endpoint, p.oauth.Scopes, p.apiURL, p.profile = endpoints.Facebook, []string{"public_profile"}, "https://graph.facebook.com/v19.0", facebookProfile
		case "microsoft":
			p.oauth.Endpoint, p.oauth.Scopes, p.apiURL, p.profile = endpoints.AzureAD("common"), []string{"openid", "profile", "email"}, "https://graph.microsoft.com", microsoftProfile
		case "google":
			p.issuer = "https://accounts.google.com"
		default: // gitlab (its base URL is its issuer) and generic OpenID Connect providers
			p.issuer = c.URL
		}
		if p.issuer != "" {
			p.oauth.Scopes, p.profile = []string{"openid", "profile", "email"}, oidcProfile
		}
		ps.byName[c.Name] = p
		ps.names = append(ps.names, c.Name)
	}
	return ps
}

// Get returns the provider named name.
func (ps *Providers) Get(name string) (*Provider, bool) {
	if ps == nil {
		return nil, false
	}
	p, ok := ps.byName[name]
	return p, ok
}

// Names lists the providers in the order the operator configured them.
func (ps *Providers) Names() []string {
	if ps == nil {
		return nil
	}
	return ps.names
}

var labels = map[string]string{"github": "GitHub", "gitlab": "GitLab", "google": "Google", "microsoft": "Microsoft", "facebook": "Facebook"}

// label is a built-in provider's brand name, or a generic provider's name
// with a capital.
func label(name string) string {
	if l, ok := labels[name]; ok {
		return l
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// AuthCodeURL returns where to send the person to log in: the provider's
// authorization endpoint with state, the PKCE challenge of verifier and,
// for OpenID Connect, nonce. An OpenID Connect provider is discovered
// first; ErrProviderUnavailable when that fails.
func (p *Provider) AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	conf, err := p.config(ctx)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if p.issuer != "" {
		opts = append(opts, oauth2.SetAuthURLParam("nonce", nonce))
	}
	return conf.AuthCodeURL(state, opts...), nil
}

// Finish exchanges code, with the PKCE verifier, for a token and reads the
// person's profile; for OpenID Connect the ID token must verify and carry
// nonce. Errors wrap ErrProviderUnavailable or ErrProviderRefused.
func (p *Provider) Finish(ctx context.Context, code, verifier, nonce string) (Profile, error) {
	conf, err := p.config(ctx)
	if err != nil {
		return Profile{}, err
	}
	tok, err := conf.Exchange(p.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Profile{}, classify("exchange code", err)
	}
	prof, err := p.profile(ctx, p, tok, nonce)
	if err != nil {
		return Profile{}, err
	}
	if prof.Subject == "" {
		return Profile{}, fmt.Errorf("%w: the profile has no subject", ErrProviderRefused)
	}
	return prof.clean(), nil
}

// config returns the OAuth2 configuration, with the discovered endpoints
// for an OpenID Connect provider.
func (p *Provider) config(ctx context.Context) (*oauth2.Config, error) {
	if p.issuer == "" {
		return &p.oauth, nil
	}
	d, err := p.discover(ctx)
	if err != nil {
		return nil, err
	}
	conf := p.oauth
	conf.Endpoint = d.provider.Endpoint()
	return &conf, nil
}

// ctx gives the oauth2 and go-oidc libraries the provider's HTTP client.
func (p *Provider) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, p.client)
}

// classify wraps an error of a request to the provider: a refusal (an
// OAuth2 error answer with a 4xx status) or unavailability (anything else).
func classify(during string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
		return fmt.Errorf("%w: %s: %s", ErrProviderRefused, during, re.ErrorCode)
	}
	return fmt.Errorf("%w: %s: %v", ErrProviderUnavailable, during, err)
}

// getJSON reads a profile API answer of at most MaxProfileBytes into v,
// with tok as the bearer.
func (p *Provider) getJSON(ctx context.Context, tok *oauth2.Token, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrProviderRefused, err)
	}
	tok.SetAuthHeader(req)
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: profile: %v", ErrProviderUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("%w: profile: status %d", ErrProviderUnavailable, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: profile: status %d", ErrProviderRefused, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxProfileBytes+1))
	if err != nil {
		return fmt.Errorf("%w: profile: %v", ErrProviderUnavailable, err)
	}
	if len(body) > MaxProfileBytes {
		return fmt.Errorf("%w: profile larger than %d bytes", ErrProviderRefused, MaxProfileBytes)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: profile: %v", ErrProviderRefused, err)
	}
	return nil
}

// clean keeps what Parley may show: a name cut to MaxProfileField
// characters, and only http(s) URLs of at most MaxProfileField bytes.
func (pr Profile) clean() Profile {
	pr.Name = strings.TrimSpace(pr.Name)
	if r := []rune(pr.Name); len(r) > MaxProfileField {
		pr.Name = string(r[:MaxProfileField])
	}
	pr.AvatarURL, pr.ProfileURL = webURL(pr.AvatarURL), webURL(pr.ProfileURL)
	if len(pr.Email) > MaxProfileField {
		pr.Email = ""
	}
	return pr
}

func webURL(u string) string {
	if len(u) > MaxProfileField || !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) {
		return ""
	}
	return u
}
