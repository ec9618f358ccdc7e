package admin

import (
	"errors"
	"math"
	"net/http"
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
	Error    string            // about the whole form
	Fields   map[string]string // per field name, shown next to it
}

// signInPage serves GET /dashboard/signin; a signed-in account goes home.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if u, err := h.account(r); err == nil && u != nil {
		http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "signin", signInData{frame: frame{Title: "Sign in"}})
}

// signInSubmit serves POST /dashboard/signin: the API's password check and
// limits (Deps.SignIn), then a dashboard session in the cookie, of
// auth.SessionLifetime or, with "Remember me", auth.RememberedSessionLifetime.
func (h *Handler) signInSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	d := signInData{frame: frame{Title: "Sign in"}, Fields: map[string]string{}}
	if err := r.ParseForm(); err != nil {
		d.Error = "The form could not be read; try again."
		h.render(w, r, http.StatusBadRequest, "signin", d)
		return
	}
	d.Email, d.Remember = strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("remember") != ""
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
		h.startSession(w, r, u, d.Remember)
	}
}

// startSession sets the cookie of a new dashboard session and goes home.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u *model.User, remember bool) {
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
	http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
}

// signOut serves POST /dashboard/signout: the session ends, the cookie goes.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, u *model.User) {
	c, _ := r.Cookie(CookieName) // present: signedIn found it
	if err := h.Sessions.Revoke(r.Context(), c.Value); err != nil {
		h.fail(w, r, u, "revoke session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/dashboard", MaxAge: -1,
		HttpOnly: true, Secure: h.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
}
