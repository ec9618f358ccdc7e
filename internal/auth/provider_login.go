package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"

	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// Bounds of the provider logins in progress (between start and callback).
const (
	// LoginStateTTL is how long a person has to log in at the provider.
	LoginStateTTL = 10 * time.Minute
	// MaxLoginsInProgress bounds the login states kept at once; past it a
	// start answers ErrTooManyLogins until some finish or expire.
	MaxLoginsInProgress = 10000
)

// Errors of a provider login besides the providers' own.
var (
	ErrUnknownProvider  = errors.New("auth: no such login provider on this site")
	ErrOriginNotAllowed = errors.New("auth: the origin is not one of the site's")
	ErrBadState         = errors.New("auth: unknown, used or expired login state")
	ErrDenied           = errors.New("auth: the person did not allow the login")
	ErrTooManyLogins    = errors.New("auth: too many logins in progress")
)

// sessionCreator starts a session for a user: Sessions.
type sessionCreator interface {
	Create(ctx context.Context, userID int64, remember bool) (token string, expires time.Time, err error)
}

// Logins runs provider logins: Start sends the person to the provider,
// Finish takes the provider's answer and signs the person in. All state
// between the two is in the database, keyed by the random state, so no
// cookie is needed. It is safe for concurrent use.
type Logins struct {
	Providers *Providers
	Store     *store.Store
	Sessions  sessionCreator
	// Avatars imports the providers' pictures (nil: none is taken).
	Avatars *media.Avatars
	Now     func() time.Time
}

// Start begins a login with provider on site for a page of origin, which
// must be one of the site's origins, and returns the provider's URL to
// redirect to. The provider must be configured and enabled on the site.
func (l *Logins) Start(ctx context.Context, provider string, site *model.Site, origin string, remember bool) (string, error) {
	p, ok := l.Providers.Get(provider)
	if !ok || !site.Settings.AllowsLogin(provider) {
		return "", ErrUnknownProvider
	}
	if !site.AllowsOrigin(origin) {
		return "", ErrOriginNotAllowed
	}
	state, nonce, verifier := privacy.NewToken(), privacy.NewToken(), oauth2.GenerateVerifier()
	to, err := p.AuthCodeURL(ctx, state, nonce, verifier)
	if err != nil {
		return "", err
	}
	err = l.Store.CreateLoginState(ctx, privacy.HashToken(state), &store.LoginState{
		Provider: provider, SiteID: site.ID, Origin: origin, Remember: remember,
		Nonce: nonce, Verifier: verifier, ExpiresAt: l.Now().Add(LoginStateTTL),
	}, MaxLoginsInProgress)
	if errors.Is(err, store.ErrTooManyLogins) {
		return "", ErrTooManyLogins
	}
	return to, err
}

// Callback is what the provider sent back to the callback URL.
type Callback struct {
	Provider string // from the callback's path
	State    string
	Code     string
	Error    string // the provider's error code, such as access_denied
}

// Session is a finished login: the new session's token, for the page of
// Origin only.
type Session struct {
	Token     string
	ExpiresAt time.Time
	User      *model.User
}

// Finish completes a login. The state is taken (used once) first; origin is
// the page it was started for, "" when the state is unknown, used, expired
// or another provider's (ErrBadState). After that, errors are ErrDenied,
// ErrProviderUnavailable, ErrProviderRefused or the database's, and origin
// is still returned so that the page can be told.
func (l *Logins) Finish(ctx context.Context, cb Callback) (origin string, _ *Session, _ error) {
	ls, err := l.Store.TakeLoginState(ctx, privacy.HashToken(cb.State))
	if errors.Is(err, store.ErrNotFound) || (err == nil && ls.Provider != cb.Provider) {
		return "", nil, ErrBadState
	}
	if err != nil {
		return "", nil, err
	}
	p, ok := l.Providers.Get(cb.Provider)
	switch {
	case !ok:
		return ls.Origin, nil, ErrUnknownProvider
	case cb.Error != "":
		return ls.Origin, nil, ErrDenied
	case cb.Code == "":
		return ls.Origin, nil, fmt.Errorf("%w: no code", ErrProviderRefused)
	}
	prof, err := p.Finish(ctx, cb.Code, ls.Verifier, ls.Nonce)
	if err != nil {
		return ls.Origin, nil, err
	}
	u, err := l.Store.LoginIdentity(ctx, cb.Provider, prof.Subject, store.IdentityProfile{
		Name: prof.Name, Email: prof.Email, ProfileURL: prof.ProfileURL,
	})
	if err != nil {
		return ls.Origin, nil, err
	}
	if err := l.keepAvatar(ctx, u, prof.AvatarURL); err != nil {
		return ls.Origin, nil, err
	}
	token, expires, err := l.Sessions.Create(ctx, u.ID, ls.Remember)
	if err != nil {
		return ls.Origin, nil, err
	}
	return ls.Origin, &Session{Token: token, ExpiresAt: expires, User: u}, nil
}

// keepAvatar fetches the provider's picture server-side (media.Avatars:
// public HTTPS addresses, size, type and pixel bounds) and makes Parley's
// copy the user's avatar, at its Parley path (/avatars/SHA256.png):
// readers' browsers never contact the provider (promise P2). A picture that
// cannot be taken leaves the previous one; only a database failure is an
// error.
func (l *Logins) keepAvatar(ctx context.Context, u *model.User, pictureURL string) error {
	if l.Avatars == nil || pictureURL == "" {
		return nil
	}
	path, err := l.Avatars.Import(ctx, pictureURL)
	if err != nil {
		return nil
	}
	if err := l.Store.SetAvatarURL(ctx, u.ID, path); err != nil {
		return err
	}
	u.AvatarURL = path
	return nil
}
