package api

import (
	"bytes"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"net/http"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The pages of the links in account mails live on Parley's own origin
// (PARLEY_PUBLIC_URL), outside /api/: a person opens them from a mail, not
// through a site. They are plain server-rendered HTML with no script.

//go:embed pages
var pageFiles embed.FS

// pages are the templates of every page on Parley's origin, by file name.
var pages = template.Must(template.ParseFS(pageFiles, "pages/*.html"))

// MaxResetFormBytes bounds the body of the new-password form: a token and
// two passwords of at most auth.MaxPasswordLength characters.
const MaxResetFormBytes = 8 << 10

// pageData is what account.html shows.
type pageData struct {
	Title     string
	Lines     []string
	Form      bool   // the new-password form
	Token     string // the reset token, carried by the form
	Error     string // why the form was refused
	MinLength int
	MaxLength int
	Nonce     string
}

// registerPages mounts the pages of account links on outer, and the
// popups of local sign-in (localpage.go) and of the account (accountpage.go). The form's
// POST is refused from other origins (http.CrossOriginProtection); its
// token, which only the mail's reader has, is the real secret.
func (h *Handler) registerPages(outer *http.ServeMux) {
	outer.Handle("GET /auth/verify", h.withDBDeadline(http.HandlerFunc(h.verifyPage)))
	outer.Handle("GET /auth/reset", h.withDBDeadline(http.HandlerFunc(h.resetPage)))
	outer.Handle("POST /auth/reset", http.NewCrossOriginProtection().Handler(
		h.withDBDeadline(h.limited(h.logins, h.resetSubmit))))
	outer.Handle("GET /auth/email", h.withDBDeadline(http.HandlerFunc(h.emailPage)))
	outer.Handle("GET /auth/local", h.withDBDeadline(http.HandlerFunc(h.localPage)))
	outer.Handle("POST /auth/local", http.NewCrossOriginProtection().Handler(
		h.withDBDeadline(h.limited(h.logins, h.localSubmit))))
	outer.Handle("GET /account", h.withDBDeadline(http.HandlerFunc(h.accountPage)))
	outer.HandleFunc("GET /account/{file}", h.accountScript)
}

// renderPage writes an account page with status. The CSP allows no script,
// no remote anything, and only the page's own style element; the token in
// the address never leaves in a Referer.
func renderPage(w http.ResponseWriter, status int, d pageData) {
	d.Nonce = newNonce()
	d.MinLength, d.MaxLength = auth.MinPasswordLength, auth.MaxPasswordLength
	writePage(w, status, "account.html", d, "default-src 'none'; style-src 'nonce-"+d.Nonce+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// newNonce returns a fresh CSP nonce, of characters that need no escaping
// in HTML.
func newNonce() string { return rand.Text() }

// writePage writes the page template name with data under the
// Content-Security-Policy csp. It is never cached, and its address (which
// may hold a token) never leaves in a Referer.
func writePage(w http.ResponseWriter, status int, name string, data any, csp string) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "page failed", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", cachePrivate)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// linkRefused shows why a link does not work; an unexpected error is logged
// and shown as a failure to try again.
func (h *Handler) linkRefused(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch {
	case errors.Is(err, store.ErrTokenUsed):
		renderPage(w, http.StatusGone, pageData{Title: "This link was used already",
			Lines: []string{"Each link works once, and this one has been followed before. " + what}})
	case errors.Is(err, store.ErrTokenExpired):
		renderPage(w, http.StatusGone, pageData{Title: "This link has expired",
			Lines: []string{"Links in account mails work for a limited time only. " + what}})
	case errors.Is(err, store.ErrNotFound):
		renderPage(w, http.StatusNotFound, pageData{Title: "This link is not valid",
			Lines: []string{"It may be incomplete (copy the whole link from the mail), or too old. " + what}})
	default:
		h.Log.ErrorContext(r.Context(), "account link", "err", err, "path", r.URL.Path)
		renderPage(w, http.StatusInternalServerError, pageData{Title: "Something went wrong",
			Lines: []string{"Nothing was changed. Please try the link again in a moment."}})
	}
}

// linkHash returns the stored hash of the request's token, or
// store.ErrNotFound for something that cannot be a token.
func linkHash(token string) ([]byte, error) {
	hash, ok := auth.LinkTokenHash(token)
	if !ok {
		return nil, store.ErrNotFound
	}
	return hash, nil
}

// verifyPage serves GET /auth/verify?token=: the account's email is
// confirmed, and its comments held until then are published.
func (h *Handler) verifyPage(w http.ResponseWriter, r *http.Request) {
	hash, err := linkHash(r.URL.Query().Get("token"))
	if err == nil {
		_, _, err = h.Store.VerifyEmail(r.Context(), hash, h.Now())
	}
	if err != nil {
		h.linkRefused(w, r, "Sign in and ask for a new confirmation mail.", err)
		return
	}
	h.SiteSettingsChanged(r.Context(), 0) // the verified badge, released comments and sites gone live, on any site
	if r.URL.Query().Get(verifyNextParam) == verifyNextDashboard {
		// An owner's link (signed up on the dashboard): on to signing in there.
		http.Redirect(w, r, "/dashboard/signin?notice=confirmed", http.StatusSeeOther)
		return
	}
	renderPage(w, http.StatusOK, pageData{Title: "Your email address is confirmed",
		Lines: []string{"Thank you. Your comments waiting for this confirmation are published (unless the site reviews comments first). You can close this page."}})
}

// resetPage serves GET /auth/reset?token=: the form to choose a new
// password, if the link can still be used. Showing it spends nothing.
func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	hash, err := linkHash(token)
	if err == nil {
		_, err = h.Store.CheckAccountToken(r.Context(), hash, store.TokenReset, h.Now())
	}
	if err != nil {
		h.linkRefused(w, r, resetAgain, err)
		return
	}
	renderPage(w, http.StatusOK, pageData{Title: "Choose a new password", Form: true, Token: token})
}

const resetAgain = "Ask for a new one with “Forgot password” where you sign in."

// resetSubmit serves POST /auth/reset (form: token, password, confirm): the
// password is replaced, every session of the account ends and the link is
// spent. A refused password shows the form again with the reason.
func (h *Handler) resetSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxResetFormBytes)
	if err := r.ParseForm(); err != nil {
		renderPage(w, http.StatusBadRequest, pageData{Title: "The form could not be read", Lines: []string{"Open the link from the mail again."}})
		return
	}
	token, password := r.PostForm.Get("token"), r.PostForm.Get("password")
	hash, err := linkHash(token)
	var u *model.User
	if err == nil {
		var id int64
		if id, err = h.Store.CheckAccountToken(r.Context(), hash, store.TokenReset, h.Now()); err == nil {
			u, err = h.Store.UserByID(r.Context(), id)
		}
	}
	if err != nil {
		h.linkRefused(w, r, resetAgain, err)
		return
	}
	form := pageData{Title: "Choose a new password", Form: true, Token: token}
	if form.Error = passwordProblem(password, r.PostForm.Get("confirm"), u); form.Error != "" {
		renderPage(w, http.StatusBadRequest, form)
		return
	}
	newHash, err := h.hashPassword(r.Context(), password)
	if err == nil {
		_, _, err = h.Store.ResetPassword(r.Context(), hash, newHash, h.Now())
	}
	if err != nil {
		h.linkRefused(w, r, resetAgain, err)
		return
	}
	h.SiteSettingsChanged(r.Context(), 0) // confirming the address may have published held comments and made sites live
	renderPage(w, http.StatusOK, pageData{Title: "Your password is changed",
		Lines: []string{"You were signed out everywhere. Sign in again with the new password where you comment."}})
}

// passwordProblem says what is wrong with a new password for u, or "".
func passwordProblem(password, confirm string, u *model.User) string {
	if err := auth.ValidatePassword(password, u.Email, u.Name); err != nil {
		return err.Error()
	}
	if password != confirm {
		return "The two passwords differ; type the same one twice."
	}
	return ""
}

// emailPage serves GET /auth/email?token=: the account's email becomes the
// confirmed new address, unless another account has it by now.
func (h *Handler) emailPage(w http.ResponseWriter, r *http.Request) {
	hash, err := linkHash(r.URL.Query().Get("token"))
	if err == nil {
		_, _, err = h.Store.ChangeEmail(r.Context(), hash, h.Now())
	}
	if errors.Is(err, store.ErrExists) {
		renderPage(w, http.StatusConflict, pageData{Title: "This address has an account already",
			Lines: []string{"Another account uses this email address now, so yours keeps its current one. Sign in to that account instead, or choose another address."}})
		return
	}
	if err != nil {
		h.linkRefused(w, r, "Your account keeps its current address; ask for the change again.", err)
		return
	}
	h.SiteSettingsChanged(r.Context(), 0) // the confirmed address may make sites live
	renderPage(w, http.StatusOK, pageData{Title: "Your email address is changed",
		Lines: []string{"Your account now uses this address, confirmed. You can close this page."}})
}
