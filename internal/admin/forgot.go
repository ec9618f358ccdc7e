package admin

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/model"
)

// forgotData is what forgot.html shows.
type forgotData struct {
	frame
	form
	Email string
	Sent  bool
}

// forgotPage serves GET /dashboard/forgot: the form asking for a password
// reset mail.
func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "forgot", forgotData{frame: frame{Title: "Forgot your password?"}})
}

// forgotSubmit serves POST /dashboard/forgot: the API's reset mail
// (Accounts.RequestReset). The answer is the same whether or not the
// address has an account.
func (h *Handler) forgotSubmit(w http.ResponseWriter, r *http.Request) {
	d := forgotData{frame: frame{Title: "Forgot your password?"}}
	if !parseForm(w, r, &d.form) {
		h.render(w, r, http.StatusBadRequest, "forgot", d)
		return
	}
	d.Email = strings.TrimSpace(r.PostForm.Get("email"))
	err := h.Accounts.RequestReset(r, d.Email)
	if status := refused(w, &d.form, err); status != 0 {
		h.render(w, r, status, "forgot", d)
		return
	}
	if err != nil {
		h.fail(w, r, nil, "request reset", err)
		return
	}
	http.Redirect(w, r, "/dashboard/forgot/sent", http.StatusSeeOther)
}

// forgotSent serves GET /dashboard/forgot/sent, where a request leads.
func (h *Handler) forgotSent(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "message", messageData{frame{"Check your mailbox", nil},
		h.mailbox("If this address has an account, we sent it a link to choose a new password. Then sign in with the new password.")})
}

// resendVerification serves POST /dashboard/verify: a new link confirming
// the account's address (Accounts.ResendOwnerVerification).
func (h *Handler) resendVerification(w http.ResponseWriter, r *http.Request, u *model.User) {
	var f form
	if !parseForm(w, r, &f) {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Confirm your address", u}, f.Error})
		return
	}
	err := h.Accounts.ResendOwnerVerification(r, u)
	if status := refused(w, &f, err); status != 0 {
		h.render(w, r, status, "message", messageData{frame{"Confirm your address", u}, f.Error})
		return
	}
	if err != nil {
		h.fail(w, r, u, "resend verification", err)
		return
	}
	http.Redirect(w, r, "/dashboard/verify/sent", http.StatusSeeOther)
}

// verifySent serves GET /dashboard/verify/sent, where a new link leads.
func (h *Handler) verifySent(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.render(w, r, http.StatusOK, "message", messageData{frame{"Check your mailbox", u},
		h.mailbox("We sent a new confirmation link to " + u.Email + ". Open it to confirm your address.")})
}
