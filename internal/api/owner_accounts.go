package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/cdnpurge"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The account hooks of the dashboard (internal/admin): owners sign up, ask
// for a password reset, confirm and change their address and password
// through the same rules, limits and mails as the API's routes. Each
// returns nil when it did its work (a mail queued, a password changed), a
// *comment.FieldError naming the form field at fault, a
// *auth.RateLimitedError, or the store's failure.

// An owner's confirmation link carries verifyNextParam=verifyNextDashboard:
// once followed it leads to the dashboard's sign-in instead of a page
// about comments. The value is fixed, so the link cannot lead elsewhere.
const (
	verifyNextParam     = "next"
	verifyNextDashboard = "dashboard"
)

// OwnerSignUp is a sign-up made on the dashboard.
type OwnerSignUp struct {
	Email, Name, Password string
	Altcha                string // the proof-of-work solution; needed when CaptchaRequired
	Invitation            string // the invitation's token (PARLEY_SIGNUP=invite); "" for none
}

// ErrInvitationInvalid is a sign-up whose invitation cannot be used: never
// sent, revoked, used, expired, or mistyped.
var ErrInvitationInvalid = errors.New("the invitation cannot be used")

// CaptchaRequired reports whether a sign-up needs a proof-of-work solution
// (PARLEY_CAPTCHA).
func (h *Handler) CaptchaRequired() bool { return h.Captcha != nil }

// SignUpOwner signs up as POST /api/v1/auth/signup does: the per-network
// bucket of sign-ins, the same field rules, the proof of work checked after
// the fields and before the per-address bucket, and the same answer whether
// or not the address has an account. The account's confirmation link leads
// back to the dashboard, and its sign-up address is kept sealed. With an
// invitation, the address must be the invited one, and the invitation is
// spent with the sign-up; one that cannot be used gives ErrInvitationInvalid.
func (h *Handler) SignUpOwner(r *http.Request, f OwnerSignUp) error {
	if err := h.allowNetwork(r); err != nil {
		return err
	}
	email := strings.TrimSpace(f.Email)
	if !comment.ValidEmail(email) {
		return &comment.FieldError{Field: "email", Message: "This is not a valid email address."}
	}
	name, _, err := comment.ValidateProfile(f.Name, "")
	if err != nil {
		return &comment.FieldError{Field: "name", Message: signupProblem(email, f.Name, f.Password)}
	}
	if err := auth.ValidatePassword(f.Password, email, name); err != nil {
		return &comment.FieldError{Field: "password", Message: err.Error()}
	}
	from := store.SignUpOrigin{IP: h.ClientIP(r), Now: h.Now()}
	if f.Invitation != "" {
		if from.Invitation, err = h.invitation(r, f.Invitation, email); err != nil {
			return err
		}
	}
	if code, err := h.captchaProblem(r, f.Altcha, 0); err != nil {
		return err
	} else if code != "" {
		return &comment.FieldError{Field: "altcha", Message: "The check that you are a person did not succeed. Wait for it to finish and send the form again."}
	}
	if ok, wait := h.allowAccount(email); !ok {
		return &auth.RateLimitedError{Wait: wait}
	}
	err = h.createAccount(r.Context(), newAccount{email: email, name: name, password: f.Password, from: from, owner: true})
	if errors.Is(err, store.ErrNotFound) {
		return ErrInvitationInvalid // spent by a sign-up racing this one
	}
	if err == nil {
		h.mailQueued()
	}
	return err
}

// invitation returns the hash of an invitation token that can be used by
// email, or why not.
func (h *Handler) invitation(r *http.Request, token, email string) ([]byte, error) {
	hash, ok := auth.LinkTokenHash(token)
	if !ok {
		return nil, ErrInvitationInvalid
	}
	inv, err := h.Store.InvitationByToken(r.Context(), hash, h.Now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvitationInvalid
	}
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(inv.Email, email) {
		return nil, &comment.FieldError{Field: "email", Message: "This invitation is for another address: sign up with the address it was sent to."}
	}
	return hash, nil
}

// RequestReset asks for a password reset mail as POST /api/v1/auth/reset
// does: nil whether or not the address has an account.
func (h *Handler) RequestReset(r *http.Request, email string) error {
	if err := h.allowNetwork(r); err != nil {
		return err
	}
	email = strings.TrimSpace(email)
	if !comment.ValidEmail(email) {
		return &comment.FieldError{Field: "email", Message: "This is not a valid email address."}
	}
	if ok, wait := h.allowAccount(email); !ok {
		return &auth.RateLimitedError{Wait: wait}
	}
	if err := h.queueReset(r.Context(), email, nil); err != nil {
		return err
	}
	h.mailQueued()
	return nil
}

// ResendOwnerVerification mails u a new link confirming its address, one
// that leads back to the dashboard, under the per-address bucket. It does
// nothing for a confirmed address.
func (h *Handler) ResendOwnerVerification(r *http.Request, u *model.User) error {
	if u.Verified() {
		return nil
	}
	if ok, wait := h.allowAccount(u.Email); !ok {
		return &auth.RateLimitedError{Wait: wait}
	}
	m, tok, err := h.verifyMail(u.Email, u.ID, nil, true)
	if err == nil {
		err = h.Store.CreateAccountToken(r.Context(), tok.AccountToken, tok.hash, m)
	}
	if err == nil {
		h.mailQueued()
	}
	return err
}

// RequestEmailChange asks to move u to email as POST /api/v1/me/email
// does: the password proves it is u, a link goes to the new address and a
// notice to the current one, and the email changes only when the link is
// followed.
func (h *Handler) RequestEmailChange(r *http.Request, u *model.User, email, password string) error {
	email = strings.TrimSpace(email)
	switch {
	case !comment.ValidEmail(email):
		return &comment.FieldError{Field: "email", Message: "This is not a valid email address."}
	case strings.EqualFold(email, u.Email):
		return &comment.FieldError{Field: "email", Message: "This is already your email address."}
	}
	if err := h.CheckPassword(r, u, password, "password"); err != nil {
		return err
	}
	if ok, wait := h.allowAccount(email); !ok {
		return &auth.RateLimitedError{Wait: wait}
	}
	if err := h.queueEmailChange(r.Context(), u, email, nil); err != nil {
		return err
	}
	h.mailQueued()
	return nil
}

// ChangePassword replaces u's password after checking the current one,
// under the sign-in limits. Every session of u ends (store.SetPassword);
// the caller starts a new one for the browser that asked.
func (h *Handler) ChangePassword(r *http.Request, u *model.User, current, next string) error {
	if err := auth.ValidatePassword(next, u.Email, u.Name); err != nil {
		return &comment.FieldError{Field: "new", Message: err.Error()}
	}
	if err := h.CheckPassword(r, u, current, "current"); err != nil {
		return err
	}
	hash, err := h.hashPassword(r.Context(), next)
	if err != nil {
		return err
	}
	return h.Store.SetPassword(r.Context(), u.ID, hash)
}

// CheckPassword checks u's password under the per-network and per-address
// buckets of sign-ins; a wrong one is a FieldError on field.
func (h *Handler) CheckPassword(r *http.Request, u *model.User, password, field string) error {
	if err := h.allowNetwork(r); err != nil {
		return err
	}
	if ok, wait := h.allowAccount(u.Email); !ok {
		return &auth.RateLimitedError{Wait: wait}
	}
	_, err := h.checkCredentials(r.Context(), u.Email, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		return &comment.FieldError{Field: field, Message: "The password is wrong."}
	}
	return err
}

// allowNetwork applies the per-network bucket of sign-ins (LoginsPerMinute)
// to the request's client.
func (h *Handler) allowNetwork(r *http.Request) error {
	if ok, wait := h.logins.allow(clientip.NetworkKey(h.ClientIP(r))); !ok {
		h.m.rateLimited.Inc()
		return &auth.RateLimitedError{Wait: wait}
	}
	return nil
}

// SitesRemoved records that sites were deleted elsewhere (an account
// deletion on the dashboard): this process forgets every cached site and
// thread at once, and other servers on the same PostgreSQL hear of it.
func (h *Handler) SitesRemoved(ctx context.Context) {
	ch := store.SiteChange{Settings: true}
	h.SiteChanged(ch)
	h.purgeCDN(cdnpurge.Change{})
	if err := h.Store.NotifySiteChanged(ctx, ch); err != nil {
		h.Log.WarnContext(ctx, "notify site changed", "err", err)
	}
}
