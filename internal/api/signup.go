package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/store"
)

type signupRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Site     string `json:"site"`   // optional: the site the sign-up started from, named in the mail
	Altcha   string `json:"altcha"` // the proof-of-work solution (captcha.js), required when the CAPTCHA is on
}

// accountMailResponse is the answer of every route that mails a link. It is
// the same whether or not the address has an account.
type accountMailResponse struct {
	Status string `json:"status"` // "mail_sent"
}

// signup serves POST /api/v1/auth/signup: a new local account, unverified,
// and a mail with a link to confirm the address. An address that has an
// account already gets the same answer, after the same work, and its owner
// a mail saying so with a link to choose a new password: the answer never
// tells whether an address has an account. Signing up does not sign in.
// When the CAPTCHA is on, a valid request also needs a proof-of-work
// solution (altcha), spent before the per-address limit is counted, so
// that bots without one cannot use up an address's mails.
func (h *Handler) signup(w http.ResponseWriter, r *http.Request) {
	if !h.accountOrigin(w, r) {
		return
	}
	var req signupRequest
	if !decode(w, r, &req) {
		return
	}
	email, name, ok := h.validSignup(w, r, req)
	if !ok {
		return
	}
	site, ok := h.optionalSite(w, r, req.Site)
	if !ok || !h.checkCaptcha(w, r, req.Altcha) || !h.allowAccountMail(w, email) {
		return
	}
	a := newAccount{email: email, name: name, password: req.Password, site: site, from: store.SignUpOrigin{IP: h.ClientIP(r)}}
	if err := h.createAccount(r.Context(), a); err != nil {
		h.internal(w, r, "sign up", err)
		return
	}
	h.mailQueued()
	writePrivateJSON(w, http.StatusAccepted, accountMailResponse{Status: "mail_sent"})
}

// newAccount is a sign-up to create: its checked fields, the site it
// started from (nil: none), where it came from, and whether it was made on
// the dashboard (its confirmation link then leads back there).
type newAccount struct {
	email, name, password string
	site                  *model.Site
	from                  store.SignUpOrigin
	owner                 bool
}

// createAccount queues the sign-up of a new, unverified local account with
// its confirmation mail, or, when the email has an account already, the
// notice to its owner: the caller cannot tell which (nor can the person
// signing up). An invitation that cannot be used gives store.ErrNotFound.
// The caller validated the fields and wakes the mail worker.
func (h *Handler) createAccount(ctx context.Context, a newAccount) error {
	hash, err := h.hashPassword(ctx, a.password)
	if err != nil {
		return err
	}
	u := &model.User{Email: a.email, Name: a.name, Role: model.RoleCommenter, PasswordHash: hash}
	m, tok, err := h.verifyMail(a.email, 0, a.site, a.owner)
	if err == nil {
		err = h.Store.SignUpFrom(ctx, u, a.from, tok.AccountToken, tok.hash, m)
	}
	if errors.Is(err, store.ErrExists) {
		err = h.mailExistingAccount(ctx, a.email, a.site)
	}
	return err
}

// verifyMail is the mail with a new link confirming email for userID (0:
// set by the sign-up). An owner's link leads to the dashboard's sign-in
// once followed, and its mail speaks of sites rather than comments.
func (h *Handler) verifyMail(email string, userID int64, site *model.Site, owner bool) (model.Mail, linkToken, error) {
	link, tok := h.newLink(store.TokenVerify, userID)
	if !owner {
		m, err := notify.VerifyEmailMail(email, siteID(site), h.mailSender(site), link)
		return m, tok, err
	}
	link.Link += "&" + verifyNextParam + "=" + verifyNextDashboard
	m, err := notify.VerifyOwnerMail(email, h.mailSender(nil), link)
	return m, tok, err
}

// validSignup checks a sign-up's fields and returns the normalised email
// and name; on failure it has written the 400 naming the field.
func (h *Handler) validSignup(w http.ResponseWriter, r *http.Request, req signupRequest) (email, name string, ok bool) {
	email = strings.TrimSpace(req.Email)
	if !comment.ValidEmail(email) {
		writeError(w, http.StatusBadRequest, "invalid_field", "this is not a valid email address", "email")
		return "", "", false
	}
	name, _, err := comment.ValidateProfile(req.Name, "")
	if err != nil {
		h.writeServiceError(w, r, err)
		return "", "", false
	}
	if err := auth.ValidatePassword(req.Password, email, name); err != nil {
		writeError(w, http.StatusBadRequest, "weak_password", err.Error(), "password")
		return "", "", false
	}
	return email, name, true
}

// mailExistingAccount queues, for the owner of an address someone tried to
// sign up with, the notice with a password reset link.
func (h *Handler) mailExistingAccount(ctx context.Context, email string, site *model.Site) error {
	u, err := h.Store.UserByEmail(ctx, email)
	if err != nil {
		return err // the account existed a moment ago; a deletion since is rare enough for a 500
	}
	link, tok := h.newLink(store.TokenReset, u.ID)
	m, err := notify.SignUpExistsMail(u.Email, siteID(site), h.mailSender(site), link)
	if err != nil {
		return err
	}
	return h.Store.CreateAccountToken(ctx, tok.AccountToken, tok.hash, m)
}

// allowAccountMail applies the per-address limit of sign-ins to routes that
// mail an address, registered or not: nobody can flood a mailbox through
// Parley. On refusal it has written the 429.
func (h *Handler) allowAccountMail(w http.ResponseWriter, email string) bool {
	ok, wait := h.allowAccount(email)
	if !ok {
		writeRateLimited(w, wait)
	}
	return ok
}

// hashPassword hashes a new password, waiting for a hashing slot
// (MaxConcurrentPasswordChecks) like a sign-in does.
func (h *Handler) hashPassword(ctx context.Context, password string) (string, error) {
	select {
	case h.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-h.hashing }()
	return auth.HashPassword(password), nil
}

// optionalSite resolves the site a request names, if any, as site does.
func (h *Handler) optionalSite(w http.ResponseWriter, r *http.Request, host string) (*model.Site, bool) {
	if host == "" {
		return nil, true
	}
	return h.site(w, r, host)
}

func siteID(site *model.Site) int64 {
	if site == nil {
		return 0
	}
	return site.ID
}

// mailSender is who an account mail is from: the site the action started
// from, or the instance. Either way its only address is Parley's own
// (PublicURL): an account mail links nowhere else.
func (h *Handler) mailSender(site *model.Site) notify.Sender {
	if site != nil {
		return notify.Sender{Name: site.Host, URL: h.PublicURL}
	}
	name := h.PublicURL
	if u, err := url.Parse(h.PublicURL); err == nil && u.Host != "" {
		name = u.Host
	}
	return notify.Sender{Name: name, URL: h.PublicURL}
}

// linkToken is a new account token with its stored hash.
type linkToken struct {
	store.AccountToken
	hash []byte
}

// linkPaths are the pages that take each kind of link.
var linkPaths = map[store.TokenPurpose]string{
	store.TokenVerify:      "/auth/verify",
	store.TokenReset:       "/auth/reset",
	store.TokenEmailChange: "/auth/email",
}

// newLink makes a token of purpose for a user (0: set by the store on
// sign-up) and returns the mail data for it.
func (h *Handler) newLink(purpose store.TokenPurpose, userID int64) (notify.LinkData, linkToken) {
	token, hash := auth.NewLinkToken()
	now := h.Now().UTC().Truncate(time.Millisecond)
	lifetime := auth.LinkLifetime(purpose)
	tok := linkToken{AccountToken: store.AccountToken{UserID: userID, Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(lifetime)}, hash: hash}
	link := h.PublicURL + linkPaths[purpose] + "?token=" + token
	return notify.LinkData{Link: link, Valid: validFor(lifetime)}, tok
}

// validFor says a link lifetime in words: "24 hours", "1 hour".
func validFor(d time.Duration) string {
	if n := int(d / time.Hour); n == 1 {
		return "1 hour"
	} else if n > 1 {
		return fmt.Sprintf("%d hours", n)
	}
	return fmt.Sprintf("%d minutes", int(d/time.Minute))
}

// mailQueued wakes the mail worker, if any, after a commit queued mail.
func (h *Handler) mailQueued() {
	if h.WakeMail != nil {
		h.WakeMail()
	}
}
