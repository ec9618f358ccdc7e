package api

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// SSOAvatarWait bounds the fetch of an SSO user's picture within a
// sign-in: a picture that takes longer is skipped (the user gets an
// identicon) and tried again at the next sign-in.
const SSOAvatarWait = 2 * time.Second

type ssoRequest struct {
	Site     string `json:"site"`
	Token    string `json:"token"`
	Remember bool   `json:"remember"`
}

// sso serves POST /api/v1/auth/sso: a token signed by a site's server
// (auth.ParseSSOToken) for a session of the site's user, whose account is
// created at the first sign-in. Each token is accepted once.
func (h *Handler) sso(w http.ResponseWriter, r *http.Request) {
	var req ssoRequest
	if !decode(w, r, &req) {
		return
	}
	site, secret, ok := h.ssoSite(w, r, req.Site)
	if !ok {
		return
	}
	p, err := auth.ParseSSOToken(secret, req.Token, h.Now())
	if err != nil {
		writeSSOError(w, err)
		return
	}
	name, profile, email, ok := ssoProfile(w, p)
	if !ok {
		return
	}
	if err := h.Store.UseSSOToken(r.Context(), auth.SSOTokenHash(req.Token), time.Unix(p.Exp, 0)); errors.Is(err, store.ErrExists) {
		writeError(w, http.StatusConflict, "sso_replayed", "this SSO token was used already: make a new one for each sign-in", "token")
		return
	} else if err != nil {
		h.internal(w, r, "use sso token", err)
		return
	}
	u := &model.User{Name: name, Email: email, ProfileURL: profile}
	if err := h.ssoAccount(r.Context(), site, p, u); err != nil {
		h.internal(w, r, "sso account", err)
		return
	}
	h.startSession(w, r, u, req.Remember)
}

// ssoSite resolves the site of an SSO sign-in, checks the request's origin
// (a browser page of that site, or no Origin: the site's own server) and
// returns the site's secret; on refusal it has written the answer.
func (h *Handler) ssoSite(w http.ResponseWriter, r *http.Request, host string) (*model.Site, string, bool) {
	site, ok := h.site(w, r, host)
	if !ok {
		return nil, "", false
	}
	w.Header().Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" && !site.AllowsOrigin(origin) {
		writeOriginNotAllowed(w)
		return nil, "", false
	}
	allowCORS(w, r, site)
	secret, err := h.Store.SSOSecret(r.Context(), site.ID)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusForbidden, "sso_disabled", "this site does not sign its users in by SSO (parley site sso HOST enables it)", "site")
		return nil, "", false
	}
	if err != nil {
		h.internal(w, r, "sso secret", err)
		return nil, "", false
	}
	return site, secret, true
}

func writeSSOError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, auth.ErrSSOSignature):
		writeError(w, http.StatusUnauthorized, "sso_bad_signature", "the SSO token is not signed with this site's SSO secret", "token")
	case errors.Is(err, auth.ErrSSOExpired):
		writeError(w, http.StatusUnauthorized, "sso_expired", "the SSO token has expired: make a new one for each sign-in", "token")
	case errors.Is(err, auth.ErrSSOTooLongLived):
		writeError(w, http.StatusBadRequest, "sso_exp_too_far",
			"the SSO token's exp is more than "+strconv.Itoa(int(auth.MaxSSOTokenLifetime/time.Minute))+" minutes ahead", "token")
	default:
		writeError(w, http.StatusBadRequest, "sso_malformed", "the token must be base64url(JSON payload with id and exp).base64url(HMAC-SHA256)", "token")
	}
}

// ssoProfile validates the public profile and the email a site sent, as a
// guest's are checked; on refusal it has written the answer.
func ssoProfile(w http.ResponseWriter, p *auth.SSOPayload) (name, profile, email string, ok bool) {
	name, profile, err := comment.ValidateProfile(p.Name, p.ProfileURL)
	var fe *comment.FieldError
	if errors.As(err, &fe) {
		field := fe.Field
		if field == "website" {
			field = "profile"
		}
		writeError(w, http.StatusBadRequest, "invalid_field", "token payload: "+fe.Message, field)
		return "", "", "", false
	}
	email = strings.TrimSpace(p.Email)
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > comment.MaxEmailLength {
			writeError(w, http.StatusBadRequest, "invalid_field", "token payload: email is not an email address", "email")
			return "", "", "", false
		}
	}
	return name, profile, email, err == nil
}

// ssoAccount finds or creates the account of the site's user p.ID, saves
// what the site says about it into u (u.ID, u.AvatarURL and u.CreatedAt
// filled in) and imports its picture when the picture URL changed.
func (h *Handler) ssoAccount(ctx context.Context, site *model.Site, p *auth.SSOPayload, u *model.User) error {
	old, source, err := h.Store.SSOUser(ctx, site.ID, p.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if old != nil && source == p.AvatarURL && old.AvatarURL != "" {
		u.AvatarURL = old.AvatarURL
	} else {
		fetchCtx, cancel := context.WithTimeout(ctx, SSOAvatarWait)
		seed := h.Sealer.IdenticonSeed("sso\x00" + strconv.FormatInt(site.ID, 10) + "\x00" + p.ID)
		u.AvatarURL, err = h.Avatars.For(fetchCtx, p.AvatarURL, u.Email, seed)
		cancel()
		if err != nil {
			return err
		}
		if strings.HasPrefix(u.AvatarURL, media.IdenticonPrefix) {
			source = "" // not fetched: try again next time
		} else {
			source = p.AvatarURL
		}
	}
	if old == nil {
		err = h.Store.CreateSSOUser(ctx, site.ID, p.ID, source, u)
		if err == nil || !errors.Is(err, store.ErrExists) {
			return err
		}
		if old, _, err = h.Store.SSOUser(ctx, site.ID, p.ID); err != nil {
			return err // a concurrent first sign-in created it
		}
	}
	u.ID, u.Role, u.CreatedAt = old.ID, old.Role, old.CreatedAt
	return h.Store.UpdateSSOUser(ctx, u, source)
}
