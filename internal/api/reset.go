package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

type resetRequest struct {
	Email string `json:"email"`
	Site  string `json:"site"` // optional, as in sign-up
}

// requestReset serves POST /api/v1/auth/reset: when the address has an
// account, a mail with a link to choose a new password is queued. The
// answer is 202 mail_sent either way: it never tells whether an address has
// an account. An unknown address goes through the same steps for user id 0,
// whose transaction inserts nothing, so the time taken tells little either.
func (h *Handler) requestReset(w http.ResponseWriter, r *http.Request) {
	if !h.accountOrigin(w, r) {
		return
	}
	var req resetRequest
	if !decode(w, r, &req) {
		return
	}
	email := strings.TrimSpace(req.Email)
	if !comment.ValidEmail(email) {
		writeError(w, http.StatusBadRequest, "invalid_field", "this is not a valid email address", "email")
		return
	}
	site, ok := h.optionalSite(w, r, req.Site)
	if !ok || !h.allowAccountMail(w, email) {
		return
	}
	if err := h.queueReset(r.Context(), email, site); err != nil {
		h.internal(w, r, "request reset", err)
		return
	}
	h.mailQueued()
	writePrivateJSON(w, http.StatusAccepted, accountMailResponse{Status: "mail_sent"})
}

// queueReset queues the password reset mail of email's account; for an
// address without one it does the same steps for user id 0, whose
// transaction inserts nothing, and returns nil. The caller wakes the mail
// worker.
func (h *Handler) queueReset(ctx context.Context, email string, site *model.Site) error {
	u, err := h.Store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		u, err = &model.User{Email: email}, nil
	}
	if err == nil {
		link, tok := h.newLink(store.TokenReset, u.ID)
		m, merr := notify.PasswordResetMail(u.Email, siteID(site), h.mailSender(site), link)
		if err = merr; err == nil {
			err = h.Store.CreateAccountToken(ctx, tok.AccountToken, tok.hash, m)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

type emailChangeRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Site     string `json:"site"` // optional, as in sign-up
}

// changeEmail serves POST /api/v1/me/email: the signed-in account asks to
// use another address, proving it knows the password. A confirmation link
// goes to the new address and a notice to the current one; the email
// changes only when the link is followed. The answer does not tell whether
// the new address has an account (the link then says so).
func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request) {
	_, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	var req emailChangeRequest
	if !decode(w, r, &req) {
		return
	}
	email := strings.TrimSpace(req.Email)
	switch {
	case !comment.ValidEmail(email):
		writeError(w, http.StatusBadRequest, "invalid_field", "this is not a valid email address", "email")
		return
	case strings.EqualFold(email, u.Email):
		writeError(w, http.StatusBadRequest, "invalid_field", "this is already the account's email address", "email")
		return
	}
	site, ok := h.optionalSite(w, r, req.Site)
	if !ok || !h.allowAccountMail(w, u.Email) || !h.allowAccountMail(w, email) {
		return
	}
	if _, err := h.checkCredentials(r.Context(), u.Email, req.Password); errors.Is(err, auth.ErrBadCredentials) {
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "the password is wrong", "password")
		return
	} else if err != nil {
		h.internal(w, r, "check password", err)
		return
	}
	err := h.queueEmailChange(r.Context(), u, email, site)
	if errors.Is(err, store.ErrNotFound) {
		writeNotSignedIn(w) // deleted since the token was checked
		return
	} else if err != nil {
		h.internal(w, r, "change email", err)
		return
	}
	h.mailQueued()
	writePrivateJSON(w, http.StatusAccepted, accountMailResponse{Status: "mail_sent"})
}

// queueEmailChange stores the link that moves u to email and queues its
// confirmation to email and the notice to u's current address, together.
func (h *Handler) queueEmailChange(ctx context.Context, u *model.User, email string, site *model.Site) error {
	link, tok := h.newLink(store.TokenEmailChange, u.ID)
	tok.NewEmail = email
	from := h.mailSender(site)
	confirm, err := notify.EmailChangeMail(email, siteID(site), from, link)
	if err != nil {
		return err
	}
	notice, err := notify.EmailChangeNoticeMail(u.Email, siteID(site), from, link)
	if err != nil {
		return err
	}
	return h.Store.CreateAccountToken(ctx, tok.AccountToken, tok.hash, confirm, notice)
}

// resendVerification serves POST /api/v1/me/verify: a new link to confirm
// the signed-in account's address. 409 already_verified when it is.
func (h *Handler) resendVerification(w http.ResponseWriter, r *http.Request) {
	_, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	if u.Verified() {
		writeError(w, http.StatusConflict, "already_verified", "this account's email address is confirmed already", "")
		return
	}
	if !h.allowAccountMail(w, u.Email) {
		return
	}
	m, tok, err := h.verifyMail(u.Email, u.ID, nil, false)
	if err == nil {
		err = h.Store.CreateAccountToken(r.Context(), tok.AccountToken, tok.hash, m)
	}
	if err != nil {
		h.internal(w, r, "resend verification", err)
		return
	}
	h.mailQueued()
	writePrivateJSON(w, http.StatusAccepted, accountMailResponse{Status: "mail_sent"})
}
