package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The sign-in popup of local accounts. The widget opens it like a provider
// login (/api/v1/auth/local/start redirects here), on Parley's origin, so
// that it needs no third-party cookie: GET /auth/local shows the forms to
// sign in, create an account or ask for a password reset; they post to
// POST /auth/local. A successful sign-in answers with the provider popup's
// page (loginPage), which posts the token to exactly the origin checked
// here. See docs/authentication.md.

// MaxLocalFormBytes bounds the body of the popup's forms: an email, a name
// and a password at their limits, and the site and origin.
const MaxLocalFormBytes = 8 << 10

// The forms of the popup (its "mode").
const (
	localSignIn = "signin"
	localSignUp = "signup"
	localReset  = "reset"
)

var localTitles = map[string][2]string{ // mode: title, button
	localSignIn: {"Sign in", "Sign in"},
	localSignUp: {"Create an account", "Create the account"},
	localReset:  {"Forgot your password?", "Send me a link"},
}

// localData is what local.html shows.
type localData struct {
	Nonce                string
	Mode                 string
	Site, Origin         string
	Remember             bool
	Email, Name          string // as typed, shown again with an error; never the password
	Error                string // why the form was refused
	Done                 string // the mail was queued: what to do next
	MinLength, MaxLength int
	MaxName              int
	Captcha              string // the solver's URL when sign-up needs a proof of work
	site                 *model.Site
}

func (d localData) Title() string  { return localTitles[d.Mode][0] }
func (d localData) Action() string { return localTitles[d.Mode][1] }

// Link is the address of the popup's form mode for the same site and origin.
func (d localData) Link(mode string) string {
	remember := "0"
	if d.Remember {
		remember = "1"
	}
	return "/auth/local?" + url.Values{"site": {d.Site}, "origin": {d.Origin}, "remember": {remember}, "mode": {mode}}.Encode()
}

// localStart serves GET /api/v1/auth/local/start: the widget opens every
// login at .../{provider}/start, and the local one is this page.
func (h *Handler) localStart(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/auth/local?"+r.URL.RawQuery, http.StatusSeeOther)
}

// localTarget is loginTarget for the local popup, which also requires the
// site to enable local accounts and origin to be one of the site's. On
// failure it has written the popup's error page (which posts nothing).
func (h *Handler) localTarget(w http.ResponseWriter, r *http.Request, q url.Values) (localData, bool) {
	site, origin, remember, ok := h.loginTarget(w, r, q)
	if !ok {
		return localData{}, false
	}
	switch {
	case !site.Settings.AllowsLogin(model.LoginLocal):
		h.loginFailed(w, r, "", auth.ErrUnknownProvider)
		return localData{}, false
	case !site.AllowsOrigin(origin):
		h.loginFailed(w, r, "", auth.ErrOriginNotAllowed)
		return localData{}, false
	}
	mode := q.Get("mode")
	if mode == "" {
		mode = localSignIn
	}
	if _, ok := localTitles[mode]; !ok {
		h.loginPage(w, r, http.StatusBadRequest, "", loginMessage{Error: "invalid_field"})
		return localData{}, false
	}
	return localData{Mode: mode, Site: site.Host, Origin: origin, Remember: remember, site: site}, true
}

// localPage serves GET /auth/local?site=HOST&origin=ORIGIN&remember=0|1&mode=signin|signup|reset.
func (h *Handler) localPage(w http.ResponseWriter, r *http.Request) {
	d, ok := h.localTarget(w, r, r.URL.Query())
	if ok {
		h.writeLocal(w, http.StatusOK, d)
	}
}

// writeLocal writes local.html. Its CSP allows no script at all, only its
// style element, and forms posting to Parley's origin.
func (h *Handler) writeLocal(w http.ResponseWriter, status int, d localData) {
	d.Nonce = newNonce()
	d.MinLength, d.MaxLength, d.MaxName = auth.MinPasswordLength, auth.MaxPasswordLength, comment.MaxNameLength
	csp := "default-src 'none'; style-src 'nonce-" + d.Nonce + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	if d.Mode == localSignUp && h.Captcha != nil {
		// The proof-of-work solver (captcha.js) and its challenge, both
		// from this origin.
		d.Captcha = captcha.ScriptURL()
		csp += "; script-src 'self'; connect-src 'self'"
	}
	writePage(w, status, "local.html", d, csp)
}

// localSubmit serves POST /auth/local, the popup's forms (mode, site,
// origin, remember, email, password, name). It is wrapped in
// http.CrossOriginProtection and the per-network limit of sign-ins.
func (h *Handler) localSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxLocalFormBytes)
	if err := r.ParseForm(); err != nil {
		h.loginPage(w, r, http.StatusBadRequest, "", loginMessage{Error: "invalid_field"})
		return
	}
	d, ok := h.localTarget(w, r, r.PostForm)
	if !ok {
		return
	}
	f := r.PostForm
	d.Email, d.Name = strings.TrimSpace(f.Get("email")), f.Get("name")
	switch {
	case d.Email == "":
		d.Error = "Please enter your email address."
	case d.Mode != localReset && f.Get("password") == "":
		d.Error = "Please enter a password."
	case d.Mode == localSignIn:
		h.localSignIn(w, r, d, f.Get("password"))
		return
	default:
		h.localMail(w, r, d, f.Get("password"))
		return
	}
	h.writeLocal(w, http.StatusBadRequest, d)
}

// localSignIn signs in with passwordSignIn and hands the token over; a
// wrong email and a wrong password get the same words.
func (h *Handler) localSignIn(w http.ResponseWriter, r *http.Request, d localData, password string) {
	token, expires, u, err := h.passwordSignIn(r.Context(), d.Email, password, d.Remember)
	if err == nil {
		exp := expires.UTC()
		h.loginPage(w, r, http.StatusOK, d.Origin, loginMessage{Token: token, ExpiresAt: &exp, User: &loginUser{Name: u.Name}})
		return
	}
	if h.localRefused(w, r, d, err) {
		return
	}
	d.Error = "The email address or the password is wrong."
	h.writeLocal(w, http.StatusUnauthorized, d)
}

// localRefused answers the errors common to the popup's forms: the
// per-address limit and the server's failures. It reports whether it
// answered.
func (h *Handler) localRefused(w http.ResponseWriter, r *http.Request, d localData, err error) bool {
	var limited *auth.RateLimitedError
	switch {
	case errors.As(err, &limited):
		secs := setRetryAfter(w, limited.Wait)
		d.Error = fmt.Sprintf("Too many attempts for this address. Please wait %d seconds and try again.", secs)
		h.writeLocal(w, http.StatusTooManyRequests, d)
	case errors.Is(err, auth.ErrBadCredentials):
		return false
	case errors.Is(err, store.ErrSuspended):
		d.Error = "This account is suspended: it cannot sign in."
		h.writeLocal(w, http.StatusForbidden, d)
	default:
		h.loginFailed(w, r, "", err)
	}
	return true
}

// localMail creates an account (mode signup) or asks for a reset link
// (mode reset). The answer is the same whether or not the address has an
// account: "check your mail".
func (h *Handler) localMail(w http.ResponseWriter, r *http.Request, d localData, password string) {
	if !comment.ValidEmail(d.Email) {
		d.Error = "This is not a valid email address."
		h.writeLocal(w, http.StatusBadRequest, d)
		return
	}
	var err error
	if d.Mode == localSignUp {
		if d.Error = signupProblem(d.Email, d.Name, password); d.Error != "" {
			h.writeLocal(w, http.StatusBadRequest, d)
			return
		}
		d.Name, _, _ = comment.ValidateProfile(d.Name, "")
	}
	if d.Mode == localSignUp {
		// Checked after the fields (a typo does not spend a solution) and
		// before the address's mail budget (bots without one cannot use it up).
		code, err := h.captchaProblem(r, r.PostForm.Get("altcha"), 0)
		if err != nil {
			h.loginFailed(w, r, "", err)
			return
		}
		if code != "" {
			d.Error = "The check that you are a person did not succeed. Please wait for it to finish and try again."
			h.writeLocal(w, http.StatusBadRequest, d)
			return
		}
	}
	if ok, wait := h.allowAccount(d.Email); !ok {
		err = &auth.RateLimitedError{Wait: wait}
	} else if d.Mode == localSignUp {
		err = h.createAccount(r.Context(), newAccount{email: d.Email, name: d.Name, password: password, site: d.site,
			from: store.SignUpOrigin{IP: h.ClientIP(r)}})
	} else {
		err = h.queueReset(r.Context(), d.Email, d.site)
	}
	if err != nil {
		h.localRefused(w, r, d, err)
		return
	}
	h.mailQueued()
	d.Done = "We sent a message to this address. Follow its link, then sign in here. You can close this window."
	h.writeLocal(w, http.StatusAccepted, d)
}

// signupProblem says what is wrong with a sign-up's name or password, or "".
func signupProblem(email, name, password string) string {
	name, _, err := comment.ValidateProfile(name, "")
	if err != nil {
		return "Please enter a name of at most " + fmt.Sprint(comment.MaxNameLength) + " characters."
	}
	if err := auth.ValidatePassword(password, email, name); err != nil {
		return err.Error()
	}
	return ""
}
