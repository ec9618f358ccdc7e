package api

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The provider login runs in a popup on the Parley origin, so that it needs
// no third-party cookie: the widget opens .../start, which redirects to the
// provider; the provider redirects to .../callback, whose page hands the
// session token to the widget with postMessage, addressed to exactly the
// origin checked at start, and closes. See docs/authentication-providers.md.

// loginMessage is what the popup posts to the page that opened it.
type loginMessage struct {
	Type      string     `json:"type"` // always "parley:login"
	Token     string     `json:"token,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	User      *loginUser `json:"user,omitempty"`
	Error     string     `json:"error,omitempty"` // an error code; the widget explains it
}

// loginUser is the public part of the account: never its email (P3), and
// no third-party picture URL (P2).
type loginUser struct {
	Name string `json:"name"`
}

// loginStart serves GET /api/v1/auth/{provider}/start?site=HOST&origin=ORIGIN&remember=0|1.
func (h *Handler) loginStart(w http.ResponseWriter, r *http.Request) {
	site, origin, remember, ok := h.loginTarget(w, r, r.URL.Query())
	if !ok {
		return
	}
	if h.Logins == nil {
		h.loginFailed(w, r, "", auth.ErrUnknownProvider)
		return
	}
	to, err := h.Logins.Start(r.Context(), r.PathValue("provider"), site, origin, remember)
	if err != nil {
		if errors.Is(err, auth.ErrOriginNotAllowed) {
			origin = "" // never post anything to an origin the site does not have
		}
		h.loginFailed(w, r, origin, err)
		return
	}
	w.Header().Set("Cache-Control", cachePrivate)
	w.Header().Set("Referrer-Policy", "no-referrer") // the provider needs not learn the site or the page
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// loginTarget reads the site, origin and "remember me" of a login popup
// (the query of its address, or its form): site=HOST&origin=ORIGIN&
// remember=0|1. It does not check the origin against the site's; on
// failure it has written the popup's error page.
func (h *Handler) loginTarget(w http.ResponseWriter, r *http.Request, q url.Values) (*model.Site, string, bool, bool) {
	site, err := (*model.Site)(nil), store.ErrNotFound
	if q.Get("site") != "" {
		site, err = h.sites.byHost(r.Context(), q.Get("site"))
	}
	if errors.Is(err, store.ErrNotFound) {
		h.loginPage(w, r, http.StatusNotFound, "", loginMessage{Error: "site_not_found"})
		return nil, "", false, false
	}
	if err != nil {
		h.loginFailed(w, r, "", err)
		return nil, "", false, false
	}
	remember := q.Get("remember")
	if remember != "" && remember != "0" && remember != "1" {
		h.loginPage(w, r, http.StatusBadRequest, "", loginMessage{Error: "invalid_field"})
		return nil, "", false, false
	}
	return site, q.Get("origin"), remember == "1", true
}

// loginCallback serves GET /api/v1/auth/{provider}/callback: the provider's
// redirect after the person logged in (or refused).
func (h *Handler) loginCallback(w http.ResponseWriter, r *http.Request) {
	if h.Logins == nil {
		h.loginFailed(w, r, "", auth.ErrBadState)
		return
	}
	q := r.URL.Query()
	origin, sess, err := h.Logins.Finish(r.Context(), auth.Callback{
		Provider: r.PathValue("provider"), State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
	})
	if err != nil {
		h.loginFailed(w, r, origin, err)
		return
	}
	exp := sess.ExpiresAt.UTC()
	h.loginPage(w, r, http.StatusOK, origin, loginMessage{Token: sess.Token, ExpiresAt: &exp, User: &loginUser{Name: sess.User.Name}})
}

// loginErrors maps the login's errors to a status and the code the popup
// posts; anything else is the server's fault.
var loginErrors = []struct {
	err    error
	status int
	code   string
}{
	{auth.ErrUnknownProvider, http.StatusNotFound, "unknown_provider"},
	{auth.ErrOriginNotAllowed, http.StatusForbidden, "origin_not_allowed"},
	{auth.ErrBadState, http.StatusBadRequest, "bad_state"},
	{auth.ErrDenied, http.StatusForbidden, "access_denied"},
	{auth.ErrTooManyLogins, http.StatusServiceUnavailable, "too_many_logins"},
	{auth.ErrProviderUnavailable, http.StatusBadGateway, "provider_unavailable"},
	{auth.ErrProviderRefused, http.StatusBadGateway, "provider_refused"},
}

// loginFailed answers a failed login with the error page; the provider's
// failures and the server's are logged (without the person's data).
func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, origin string, err error) {
	for _, e := range loginErrors {
		if errors.Is(err, e.err) {
			if e.status == http.StatusBadGateway {
				h.Log.WarnContext(r.Context(), "provider login failed", "provider", r.PathValue("provider"), "err", err)
			}
			h.loginPage(w, r, e.status, origin, loginMessage{Error: e.code})
			return
		}
	}
	code, status := "internal", http.StatusInternalServerError
	if store.Unavailable(err) {
		code, status = "unavailable", http.StatusServiceUnavailable
		setRetryAfter(w, RetryAfter)
	}
	h.Log.ErrorContext(r.Context(), "provider login", "err", err, "path", r.URL.Path)
	h.loginPage(w, r, status, origin, loginMessage{Error: code})
}

// loginTexts are the popup's words for each outcome (the widget shows its
// own, translated, from the code).
var loginTexts = map[string][2]string{
	"":                     {"Logged in", "You are logged in. This window closes by itself; if it does not, close it and go back to the page."},
	"site_not_found":       {"Login failed", "No site is registered for this page."},
	"invalid_field":        {"Login failed", "The login link is not valid."},
	"unknown_provider":     {"Login failed", "This login method is not available on this site."},
	"origin_not_allowed":   {"Login failed", "This login was not started from one of the site's pages."},
	"bad_state":            {"Login failed", "This login link was already used or has expired. Close this window and log in again."},
	"access_denied":        {"Login cancelled", "You did not allow the login. Close this window to go back to the page."},
	"too_many_logins":      {"Login failed", "Too many logins are in progress. Please try again in a few minutes."},
	"provider_unavailable": {"Login failed", "The login provider could not be reached. Please try again later."},
	"provider_refused":     {"Login failed", "The login provider's answer could not be verified. Please try again."},
	"unavailable":          {"Login failed", "The service is busy. Please try again shortly."},
	"internal":             {"Login failed", "Something went wrong on our side."},
}

// loginPage writes the popup's page. With an origin (one of the site's,
// checked at start) its script posts m to the opener, addressed to exactly
// that origin, and on success closes the window; without one it only
// explains. Its strict CSP allows nothing but its own script and style.
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request, status int, origin string, m loginMessage) {
	m.Type = "parley:login"
	text := loginTexts[m.Error]
	if text[0] == "" {
		text = loginTexts["internal"]
	}
	nonce := newNonce()
	writePage(w, status, "login.html", struct {
		Title, Text, Nonce, Origin string
		Message                    loginMessage
	}{text[0], text[1], nonce, origin, m}, "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+"'; "+
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
}

// loginProviders are the login buttons the widget shows for a site: local
// accounts first when the site enables them (a popup like the providers',
// localpage.go), then the providers the site enables that the operator
// configured, in the operator's order.
func (h *Handler) loginProviders(site *model.Site) []wireProvider {
	out := []wireProvider{}
	if site.Settings.AllowsLogin(model.LoginLocal) {
		out = append(out, wireProvider{Name: model.LoginLocal, Label: "Email"})
	}
	if h.Logins == nil {
		return out
	}
	for _, name := range h.Logins.Providers.Names() {
		if p, _ := h.Logins.Providers.Get(name); site.Settings.AllowsLogin(name) {
			out = append(out, wireProvider{Name: p.Name, Label: p.Label})
		}
	}
	return out
}

// wireProvider is a login button of the widget.
type wireProvider struct {
	Name  string `json:"name"`
	Label string `json:"label"`
}
