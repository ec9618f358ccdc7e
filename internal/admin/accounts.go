package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Accounts is the account logic the dashboard shares with the API
// (*api.Handler, see internal/api/owner_accounts.go). Each method returns
// nil on success, a *comment.FieldError naming the form field at fault, a
// *auth.RateLimitedError, or a failure that is not the user's.
type Accounts interface {
	CaptchaRequired() bool
	SignUpOwner(r *http.Request, f api.OwnerSignUp) error
	RequestReset(r *http.Request, email string) error
	ResendOwnerVerification(r *http.Request, u *model.User) error
	RequestEmailChange(r *http.Request, u *model.User, email, password string) error
	ChangePassword(r *http.Request, u *model.User, current, next string) error
	CheckPassword(r *http.Request, u *model.User, password, field string) error
	SitesRemoved(ctx context.Context)
}

// SignupCSP is the Content-Security-Policy of the sign-up page, the only
// dashboard page with a script: the proof-of-work solver and its challenge,
// both from Parley's origin, and nothing else.
const SignupCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func init() {
	funcs["invalid"] = invalidAttrs
	funcs["fieldError"] = fieldError
}

// form is what every form page shows besides its values: an error about
// the whole form and one per field, by the field's name.
type form struct {
	Error  string
	Fields map[string]string
}

// invalidAttrs marks an input whose field has an error: aria-invalid and
// aria-describedby pointing at fieldError's element.
func invalidAttrs(fields map[string]string, name string) template.HTMLAttr {
	if fields[name] == "" {
		return ""
	}
	return template.HTMLAttr(fmt.Sprintf(`aria-invalid="true" aria-describedby="%s-error"`, template.HTMLEscapeString(name)))
}

// fieldError is the element that says what is wrong with a field, or nothing.
func fieldError(fields map[string]string, name string) template.HTML {
	msg := fields[name]
	if msg == "" {
		return ""
	}
	return template.HTML(fmt.Sprintf(`<span class="field-error" id="%s-error">%s</span>`,
		template.HTMLEscapeString(name), template.HTMLEscapeString(msg)))
}

// parseForm reads a form body of at most MaxFormBytes; false when it could
// not be read (f.Error is then set).
func parseForm(w http.ResponseWriter, r *http.Request, f *form) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	if f.Fields == nil {
		f.Fields = map[string]string{}
	}
	if err := r.ParseForm(); err != nil {
		f.Error = "The form could not be read; try again."
		return false
	}
	return true
}

// refused sorts an Accounts error into the form: a field's error, or the
// wait of a rate limit (with Retry-After). It returns the status to answer,
// or 0 when err is none of those (the caller fails with it).
func refused(w http.ResponseWriter, f *form, err error) int {
	var field *comment.FieldError
	var limited *auth.RateLimitedError
	switch {
	case errors.As(err, &field):
		f.Fields[field.Field] = field.Message
		return http.StatusBadRequest
	case errors.As(err, &limited):
		wait := strconv.Itoa(int(math.Ceil(limited.Wait.Seconds())))
		w.Header().Set("Retry-After", wait)
		f.Error = "Too many attempts. Try again in " + wait + " seconds."
		return http.StatusTooManyRequests
	}
	return 0
}

// signupData is what signup.html shows.
type signupData struct {
	frame
	form
	Email, Name  string
	Invitation   string // the invitation's token, sent back with the form
	Invited      bool   // the address is the invitation's and cannot change
	Captcha      string // the solver's URL when the CAPTCHA is on
	MinPassword  int
	MaxPassword  int
	MaxName      int
	SignupClosed bool
}

// signupOpen reports whether anyone may sign up without an invitation.
func (h *Handler) signupOpen() bool { return h.Signup == "" || h.Signup == config.SignupOpen }

// newSignupData is the sign-up form for the request's invitation, if any.
// With PARLEY_SIGNUP=closed, or =invite without a usable invitation, it
// has written the page that says so and returns false.
func (h *Handler) newSignupData(w http.ResponseWriter, r *http.Request, invitation string) (signupData, bool) {
	d := signupData{frame: frame{Title: "Create an account"}, form: form{Fields: map[string]string{}},
		MinPassword: auth.MinPasswordLength, MaxPassword: auth.MaxPasswordLength, MaxName: comment.MaxNameLength}
	switch {
	case h.Signup == config.SignupClosed:
		h.render(w, r, http.StatusNotFound, "message", messageData{frame{"Sign-up is closed", nil},
			"This instance does not take new accounts. Ask its operator for one."})
		return d, false
	case h.Signup == config.SignupInvite && invitation == "":
		h.render(w, r, http.StatusForbidden, "message", messageData{frame{"Sign-up is by invitation", nil},
			"This instance takes new accounts by invitation only: open the link of your invitation mail."})
		return d, false
	case h.Signup == config.SignupInvite:
		inv, ok := h.invitation(w, r, invitation)
		if !ok {
			return d, false
		}
		d.Invitation, d.Invited, d.Email = invitation, true, inv
	}
	if h.Accounts.CaptchaRequired() {
		d.Captcha = captcha.ScriptURL()
	}
	return d, true
}

// invitation returns the address of a usable invitation token; otherwise
// it has written the page that says the link cannot be used.
func (h *Handler) invitation(w http.ResponseWriter, r *http.Request, token string) (string, bool) {
	hash, ok := auth.LinkTokenHash(token)
	if ok {
		inv, err := h.Store.InvitationByToken(r.Context(), hash, h.Now())
		if err == nil {
			return inv.Email, true
		}
		if !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, nil, "load invitation", err)
			return "", false
		}
	}
	h.invitationRefused(w, r)
	return "", false
}

func (h *Handler) invitationRefused(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusNotFound, "message", messageData{frame{"This invitation cannot be used", nil},
		"It was used already, revoked, or is older than 7 days. Ask the operator for a new one."})
}

// renderSignup writes signup.html under SignupCSP when it loads the solver.
func (h *Handler) renderSignup(w http.ResponseWriter, r *http.Request, status int, d signupData) {
	if d.Captcha != "" {
		w.Header().Set("Content-Security-Policy", SignupCSP)
	}
	h.render(w, r, status, "signup", d)
}

// signupPage serves GET /dashboard/signup[?invitation=TOKEN].
func (h *Handler) signupPage(w http.ResponseWriter, r *http.Request) {
	if d, ok := h.newSignupData(w, r, r.URL.Query().Get("invitation")); ok {
		h.renderSignup(w, r, http.StatusOK, d)
	}
}

// signupSubmit serves POST /dashboard/signup: the API's sign-up
// (Accounts.SignUpOwner), then a page saying to check the mailbox, the
// same whether or not the address had an account.
func (h *Handler) signupSubmit(w http.ResponseWriter, r *http.Request) {
	var f form
	if !parseForm(w, r, &f) {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Create an account", nil}, f.Error})
		return
	}
	d, ok := h.newSignupData(w, r, r.PostForm.Get("invitation"))
	if !ok {
		return
	}
	if !d.Invited {
		d.Email = strings.TrimSpace(r.PostForm.Get("email"))
	}
	d.Name = r.PostForm.Get("name")
	err := h.Accounts.SignUpOwner(r, api.OwnerSignUp{Email: d.Email, Name: d.Name, Password: r.PostForm.Get("password"),
		Altcha: r.PostForm.Get("altcha"), Invitation: d.Invitation})
	if errors.Is(err, api.ErrInvitationInvalid) {
		h.invitationRefused(w, r)
		return
	}
	if status := refused(w, &d.form, err); status != 0 {
		h.renderSignup(w, r, status, d)
		return
	}
	if err != nil {
		h.fail(w, r, nil, "sign up", err)
		return
	}
	http.Redirect(w, r, "/dashboard/signup/sent", http.StatusSeeOther)
}

// signupSent serves GET /dashboard/signup/sent, where a sign-up leads.
func (h *Handler) signupSent(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "message", messageData{frame{"Check your mailbox", nil},
		h.mailbox("We sent a message to the address you gave. Open its link to confirm the address, then sign in. No message? Look in the spam folder, or sign up again in a few minutes.")})
}
