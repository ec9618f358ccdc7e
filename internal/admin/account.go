package admin

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
)

// accountData is what account.html shows: one form per change, each with
// its own errors, and the account's sessions.
type accountData struct {
	frame
	Name, NewEmail string // as typed
	NameForm       form
	EmailForm      form
	PasswordForm   form
	SessionsForm   form
	Sessions       []model.Session
	Current        int64  // the id of this browser's session
	Notice         string // what the last change did
}

// accountNotices are what the account page may say after a change (?done=).
var accountNotices = map[string]string{
	"name":     "Your name is changed.",
	"email":    "We sent a link to the new address. Your address changes when you open it; until then you keep the current one.",
	"password": "Your password is changed. Every other session of your account has ended.",
	"sessions": "Every other session of your account has ended.",
}

// newAccountData loads the sessions of u, the current one marked.
func (h *Handler) newAccountData(r *http.Request, u *model.User) (accountData, error) {
	d := accountData{frame: frame{"Your account", u}, Name: u.Name}
	for _, f := range []*form{&d.NameForm, &d.EmailForm, &d.PasswordForm, &d.SessionsForm} {
		f.Fields = map[string]string{}
	}
	sessions, err := h.Sessions.List(r.Context(), u.ID)
	if err != nil {
		return d, err
	}
	d.Sessions = sessions
	if sess, err := h.session(r); err == nil && sess != nil {
		d.Current = sess.ID
	}
	return d, nil
}

// session returns the request's dashboard session (signedIn found it).
func (h *Handler) session(r *http.Request) (*model.Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, nil
	}
	sess, _, err := h.Sessions.SessionOf(r.Context(), c.Value, model.SessionDashboard)
	return sess, err
}

// accountPage serves GET /dashboard/account.
func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, err := h.newAccountData(r, u)
	if err != nil {
		h.fail(w, r, u, "list sessions", err)
		return
	}
	d.Notice = accountNotices[r.URL.Query().Get("done")]
	h.render(w, r, http.StatusOK, "account", d)
}

// accountForm reads a form of the account page; on failure it has
// answered with the page and the section's error.
func (h *Handler) accountForm(w http.ResponseWriter, r *http.Request, u *model.User, section func(*accountData) *form) (accountData, bool) {
	d, err := h.newAccountData(r, u)
	if err != nil {
		h.fail(w, r, u, "list sessions", err)
		return d, false
	}
	if !parseForm(w, r, section(&d)) {
		h.render(w, r, http.StatusBadRequest, "account", d)
		return d, false
	}
	return d, true
}

// accountRefused answers err of a change: the page with the section's
// error, or a failure.
func (h *Handler) accountRefused(w http.ResponseWriter, r *http.Request, d accountData, f *form, during string, err error) {
	if status := refused(w, f, err); status != 0 {
		h.render(w, r, status, "account", d)
		return
	}
	h.fail(w, r, d.Account, during, err)
}

// changeName serves POST /dashboard/account/name (name).
func (h *Handler) changeName(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.accountForm(w, r, u, func(d *accountData) *form { return &d.NameForm })
	if !ok {
		return
	}
	d.Name = r.PostForm.Get("name")
	name, _, err := comment.ValidateProfile(d.Name, "")
	if err == nil {
		changed := *u
		changed.Name = name
		err = h.Store.UpdateProfile(r.Context(), &changed)
	}
	if err != nil {
		h.accountRefused(w, r, d, &d.NameForm, "change name", err)
		return
	}
	http.Redirect(w, r, "/dashboard/account?done=name", http.StatusSeeOther)
}

// changeEmail serves POST /dashboard/account/email (email, password): the
// API's email change (Accounts.RequestEmailChange).
func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.accountForm(w, r, u, func(d *accountData) *form { return &d.EmailForm })
	if !ok {
		return
	}
	d.NewEmail = strings.TrimSpace(r.PostForm.Get("email"))
	if err := h.Accounts.RequestEmailChange(r, u, d.NewEmail, r.PostForm.Get("password")); err != nil {
		h.accountRefused(w, r, d, &d.EmailForm, "change email", err)
		return
	}
	http.Redirect(w, r, "/dashboard/account?done=email", http.StatusSeeOther)
}

// changePassword serves POST /dashboard/account/password (current, new,
// confirm). Every session of the account ends; this browser gets a new one.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, u *model.User) {
	d, ok := h.accountForm(w, r, u, func(d *accountData) *form { return &d.PasswordForm })
	if !ok {
		return
	}
	next, remember := r.PostForm.Get("new"), h.remembered(r)
	var err error
	if next != r.PostForm.Get("confirm") {
		err = &comment.FieldError{Field: "confirm", Message: "The two new passwords differ; type the same one twice."}
	} else {
		err = h.Accounts.ChangePassword(r, u, r.PostForm.Get("current"), next)
	}
	if err != nil {
		h.accountRefused(w, r, d, &d.PasswordForm, "change password", err)
		return
	}
	h.newSession(w, r, u, remember, "/dashboard/account?done=password")
}

// endOtherSessions serves POST /dashboard/account/sessions: every session
// of the account ends, widget ones too; this browser gets a new one.
func (h *Handler) endOtherSessions(w http.ResponseWriter, r *http.Request, u *model.User) {
	var f form
	if !parseForm(w, r, &f) {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Your account", u}, f.Error})
		return
	}
	remember := h.remembered(r)
	if err := h.Sessions.RevokeAll(r.Context(), u.ID); err != nil {
		h.fail(w, r, u, "end sessions", err)
		return
	}
	h.newSession(w, r, u, remember, "/dashboard/account?done=sessions")
}

// remembered reports whether the request's session was made with "Remember
// me", so that the session replacing it after every one ended is too.
func (h *Handler) remembered(r *http.Request) bool {
	sess, err := h.session(r)
	return err == nil && sess != nil && sess.Remember
}
