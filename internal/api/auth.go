package api

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Sign-in limits. A network (clientip.NetworkKey) may try LoginsPerMinute
// sign-ins a minute after a burst of LoginBurst; one email address, from
// wherever, AccountLoginsPerMinute after AccountLoginBurst, so that many
// networks together cannot guess one account's password quickly. Every
// address is limited alike, registered or not, so a 429 tells nothing
// about whether an account exists.
const (
	LoginsPerMinute        = 10
	LoginBurst             = 10
	AccountLoginsPerMinute = 5
	AccountLoginBurst      = 10
)

// MaxConcurrentPasswordChecks bounds the argon2id hashes computed at once
// (19 MiB each): a flood of sign-ins from many networks waits for a turn
// instead of exhausting memory.
const MaxConcurrentPasswordChecks = 4

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Remember bool   `json:"remember"`
}

type loginResponse struct {
	Token   string      `json:"token"`
	Expires time.Time   `json:"expires"`
	User    wireAccount `json:"user"`
}

// login serves POST /api/v1/auth/login: email and password for a session
// token. A wrong password and an unknown email give the same answer, after
// the same work.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if !h.accountOrigin(w, r) {
		return
	}
	var req loginRequest
	if !decode(w, r, &req) {
		return
	}
	switch {
	case strings.TrimSpace(req.Email) == "":
		writeError(w, http.StatusBadRequest, "invalid_field", "email is required", "email")
		return
	case req.Password == "":
		writeError(w, http.StatusBadRequest, "invalid_field", "password is required", "password")
		return
	}
	if ok, wait := h.allowAccount(req.Email); !ok {
		writeRateLimited(w, wait)
		return
	}
	u, err := h.checkCredentials(r.Context(), req.Email, req.Password)
	if errors.Is(err, auth.ErrBadCredentials) {
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "the email address or the password is wrong", "")
		return
	}
	if err != nil {
		h.internal(w, r, "sign in", err)
		return
	}
	h.startSession(w, r, u, req.Remember)
}

// startSession answers a successful sign-in, whatever its method: a new
// session of u, with its token, its end and the account.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u *model.User, remember bool) {
	token, expires, err := h.sessions.Create(r.Context(), u.ID, remember)
	if errors.Is(err, store.ErrSuspended) {
		writeError(w, http.StatusForbidden, "account_suspended", "this account is suspended: it cannot sign in", "")
		return
	}
	if err != nil {
		h.internal(w, r, "create session", err)
		return
	}
	writePrivateJSON(w, http.StatusOK, loginResponse{Token: token, Expires: expires, User: account(u)})
}

// passwordSignIn is the JSON login's sequence for the sign-in popup
// (localpage.go): it opens a session for the account of email when password
// is its password. Past the per-address limit it returns an
// *auth.RateLimitedError, for a wrong email or password auth.ErrBadCredentials:
// the same for an unknown address as for a wrong password.
func (h *Handler) passwordSignIn(ctx context.Context, email, password string, remember bool) (string, time.Time, *model.User, error) {
	if ok, wait := h.allowAccount(email); !ok {
		return "", time.Time{}, nil, &auth.RateLimitedError{Wait: wait}
	}
	u, err := h.checkCredentials(ctx, email, password)
	if err != nil {
		return "", time.Time{}, nil, err
	}
	token, expires, err := h.sessions.Create(ctx, u.ID, remember)
	if err != nil {
		return "", time.Time{}, nil, fmt.Errorf("create session: %w", err)
	}
	return token, expires, u, nil
}

// allowAccount applies the per-address limit of sign-ins and account mails
// (AccountLoginsPerMinute) to email, registered or not; a refusal is
// counted and comes with the wait.
func (h *Handler) allowAccount(email string) (bool, time.Duration) {
	ok, wait := h.accountLogins.allow(hex.EncodeToString(h.Sealer.EmailIndex(email)))
	if !ok {
		h.m.rateLimited.Inc()
	}
	return ok, wait
}

// checkCredentials returns the account of email when password is its
// password, else auth.ErrBadCredentials. It hashes once whether or not the
// account exists or has a password, so the time taken does not tell.
func (h *Handler) checkCredentials(ctx context.Context, email, password string) (*model.User, error) {
	u, err := h.Store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	select {
	case h.hashing <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ok := auth.CheckPassword(hash, password)
	<-h.hashing
	if !ok || u == nil {
		return nil, auth.ErrBadCredentials
	}
	return u, nil
}

// logout serves POST /api/v1/auth/logout: the session of the request's
// token ends.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := h.signedIn(w, r); !ok {
		return
	}
	if err := h.sessions.Revoke(r.Context(), bearerToken(r)); err != nil {
		h.internal(w, r, "revoke session", err)
		return
	}
	w.Header().Set("Cache-Control", cachePrivate)
	w.WriteHeader(http.StatusNoContent)
}

// logoutAll serves POST /api/v1/auth/logout-all: every session of the
// signed-in account ends, this one included ("log out everywhere").
func (h *Handler) logoutAll(w http.ResponseWriter, r *http.Request) {
	_, u, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	if err := h.sessions.RevokeAll(r.Context(), u.ID); err != nil {
		h.internal(w, r, "revoke sessions", err)
		return
	}
	w.Header().Set("Cache-Control", cachePrivate)
	w.WriteHeader(http.StatusNoContent)
}

// bearerToken returns the token of an "Authorization: Bearer" header, or "".
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// signedIn returns the session and account of the request's Bearer token,
// after accountOrigin. On failure it has written the answer: 401
// not_signed_in for a missing, malformed, expired or revoked token alike.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request) (*model.Session, *model.User, bool) {
	if !h.accountOrigin(w, r) {
		return nil, nil, false
	}
	sess, u, err := h.sessions.Session(r.Context(), bearerToken(r))
	if errors.Is(err, auth.ErrNoSession) {
		writeNotSignedIn(w)
		return nil, nil, false
	}
	if err != nil {
		h.internal(w, r, "authenticate", err)
		return nil, nil, false
	}
	return sess, u, true
}

// optionalUser returns the account of the request's Bearer token, or nil
// when the request has none: the caller is a guest. A token that signs in
// no one gets 401 not_signed_in (written here, with the CORS headers of a
// site origin), so that a widget whose session ended learns it instead of
// writing as a guest.
func (h *Handler) optionalUser(w http.ResponseWriter, r *http.Request) (*model.User, bool) {
	if r.Header.Get("Authorization") == "" {
		return nil, true
	}
	u, err := h.sessions.Authenticate(r.Context(), bearerToken(r))
	if err == nil {
		return u, true
	}
	if site := h.sites.byOrigin(r.Context(), r.Header.Get("Origin")); site != nil {
		allowCORS(w, r, site)
	}
	if errors.Is(err, auth.ErrNoSession) {
		writeNotSignedIn(w)
	} else {
		h.internal(w, r, "authenticate", err)
	}
	return nil, false
}

func writeNotSignedIn(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	writeError(w, http.StatusUnauthorized, "not_signed_in", "sign in first: the session token is missing, expired or revoked", "")
}

// accountOrigin applies the origin rules of the account routes. A browser
// page may call them only from an origin of a registered site, which gets
// the CORS headers, or from Parley's own (the account page, same-origin);
// requests without Origin (servers, apps) pass, since a Bearer token is
// never sent by a browser on its own. On refusal it has written the 403.
func (h *Handler) accountOrigin(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" || h.ownOrigin(origin) {
		return true
	}
	site := h.sites.byOrigin(r.Context(), origin)
	if site == nil {
		writeOriginNotAllowed(w)
		return false
	}
	allowCORS(w, r, site)
	return true
}
