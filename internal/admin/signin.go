package admin

import (
	"cmp"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// signInData is what signin.html shows.
type signInData struct {
	frame
	Email    string
	Remember bool
	Next     string            // where to go after signing in (safeNext), "" for home
	Error    string            // about the whole form
	Fields   map[string]string // per field name, shown next to it
	Notice   string            // what just happened: an address confirmed, an account deleted
	Signup   bool              // "Create an account" is offered (PARLEY_SIGNUP=open)
}

// signInPage serves GET /dashboard/signin; a signed-in account goes home.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if u, err := h.account(r); err == nil && u != nil {
		http.Redirect(w, r, cmp.Or(next, "/dashboard"), http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "signin", signInData{frame: frame{Title: "Sign in"}, Signup: h.signupOpen(), Next: next,
		Notice: signInNotices[r.URL.Query().Get("notice")]})
}

// signInNotices are what the sign-in page may say on arrival (?notice=).
var signInNotices = map[string]string{
	"confirmed": "Your email address is confirmed. Sign in to continue.",
	"deleted":   "Your account and its sites are deleted.",
	"password":  "Your password is changed.",
}

// signInSubmit serves POST /dashboard/signin: the API's password check and
// limits (Deps.SignIn), then a dashboard session in the cookie, of
// auth.SessionLifetime or, with "Remember me", auth.RememberedSessionLifetime.
func (h *Handler) signInSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	d := signInData{frame: frame{Title: "Sign in"}, Fields: map[string]string{}, Signup: h.signupOpen()}
	if err := r.ParseForm(); err != nil {
		d.Error = "The form could not be read; try again."
		h.render(w, r, http.StatusBadRequest, "signin", d)
		return
	}
	d.Email, d.Remember = strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("remember") != ""
	d.Next = safeNext(r.PostForm.Get("next"))
	password := r.PostForm.Get("password")
	if d.Email == "" {
		d.Fields["email"] = "Enter your email address."
	}
	if password == "" {
		d.Fields["password"] = "Enter your password."
	}
	if len(d.Fields) > 0 {
		h.render(w, r, http.StatusBadRequest, "signin", d)
		return
	}
	u, err := h.SignIn(r, d.Email, password)
	var limited *auth.RateLimitedError
	switch {
	case errors.As(err, &limited):
		wait := strconv.Itoa(int(math.Ceil(limited.Wait.Seconds())))
		w.Header().Set("Retry-After", wait)
		d.Error = "Too many sign-in attempts. Try again in " + wait + " seconds."
		h.render(w, r, http.StatusTooManyRequests, "signin", d)
	case errors.Is(err, auth.ErrBadCredentials):
		d.Error = "The email address or the password is wrong."
		h.render(w, r, http.StatusUnauthorized, "signin", d)
	case err != nil:
		h.fail(w, r, nil, "sign in", err)
	default:
		h.newSession(w, r, u, d.Remember, cmp.Or(d.Next, "/dashboard"))
	}
}

// newSession sets the cookie of a new dashboard session and goes to next.
func (h *Handler) newSession(w http.ResponseWriter, r *http.Request, u *model.User, remember bool, next string) {
	token, expires, err := h.Sessions.CreateKind(r.Context(), u.ID, model.SessionDashboard, remember)
	if errors.Is(err, store.ErrSuspended) {
		h.render(w, r, http.StatusForbidden, "signin", signInData{frame: frame{Title: "Sign in"}, Error: "This account is suspended."})
		return
	}
	if err != nil {
		h.fail(w, r, nil, "create session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/dashboard", Expires: expires,
		HttpOnly: true, Secure: h.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut serves POST /dashboard/signout: the session ends, the cookie goes.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, u *model.User) {
	c, _ := r.Cookie(CookieName) // present: signedIn found it
	if err := h.Sessions.Revoke(r.Context(), c.Value); err != nil {
		h.fail(w, r, u, "revoke session", err)
		return
	}
	h.dropCookie(w)
	http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
}

// dropCookie removes the session's cookie from the browser.
func (h *Handler) dropCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/dashboard", MaxAge: -1,
		HttpOnly: true, Secure: h.secure(), SameSite: http.SameSiteLaxMode})
}

// safeNext returns next when it is a path of the dashboard (such as an
// invitation's /dashboard/join?token=…) to go to after signing in, and ""
// for anything else, so that the sign-in form sends nobody off the
// dashboard.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/dashboard/") ||
		strings.ContainsAny(next, "\\\r\n") || strings.HasPrefix(next, "//") || strings.Contains(u.Path, "..") {
		return ""
	}
	return next
}
