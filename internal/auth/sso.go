package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// Site SSO: a site signs its own users in with a token it makes on its
// server,
//
//	base64url(payload) "." base64url(HMAC-SHA256(secret, base64url(payload)))
//
// where payload is the JSON of SSOPayload, base64url is unpadded (RFC 4648
// section 5) and secret is the site's SSO secret as text (NewSSOSecret).
// docs/authentication.md has the protocol and examples.

// Site SSO limits. A token must expire at most MaxSSOTokenLifetime after
// it is checked (a leaked token is short-lived, and the replay guard keeps
// it only that long); MaxSSOTokenBytes bounds the whole token,
// MaxSSOExternalID the site's user id.
const (
	MaxSSOTokenLifetime = 10 * time.Minute
	MaxSSOTokenBytes    = 4096
	MaxSSOExternalID    = 255
)

// The refusals of ParseSSOToken.
var (
	ErrSSOMalformed    = errors.New("auth: sso token is not payload.signature in base64url")
	ErrSSOSignature    = errors.New("auth: sso token signature does not match the site's secret")
	ErrSSOExpired      = errors.New("auth: sso token has expired")
	ErrSSOTooLongLived = errors.New("auth: sso token expires too far ahead")
)

// SSOPayload is what a site says about its user. ID and Exp are required;
// the rest is optional. Email is kept sealed and never shown; Name,
// ProfileURL and the picture at AvatarURL (fetched by Parley, then served
// from its own origin) are public on the user's comments.
type SSOPayload struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	AvatarURL  string `json:"avatar"`
	ProfileURL string `json:"profile"`
	Exp        int64  `json:"exp"` // Unix seconds
}

// NewSSOSecret returns a new site SSO secret: 32 random bytes, base64url.
func NewSSOSecret() string {
	raw := make([]byte, 32)
	rand.Read(raw) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// SignSSOToken makes the token of p with secret, as a site's server does.
func SignSSOToken(secret string, p SSOPayload) string {
	body, _ := json.Marshal(p) // cannot fail: strings and a number
	enc := base64.RawURLEncoding.EncodeToString(body)
	return enc + "." + base64.RawURLEncoding.EncodeToString(ssoMAC(secret, enc))
}

func ssoMAC(secret, encodedPayload string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(encodedPayload))
	return m.Sum(nil)
}

// ParseSSOToken checks a token against a site's secret at now and returns
// its payload. It refuses, in this order: a malformed token
// (ErrSSOMalformed), a wrong signature, compared in constant time
// (ErrSSOSignature), a payload without id or exp (ErrSSOMalformed), an
// expired token (ErrSSOExpired) and one that expires more than
// MaxSSOTokenLifetime after now (ErrSSOTooLongLived). Whether the token was
// used before is the caller's to check.
func ParseSSOToken(secret, token string, now time.Time) (*SSOPayload, error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > MaxSSOTokenBytes {
		return nil, ErrSSOMalformed
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return nil, ErrSSOMalformed
	}
	if !hmac.Equal(mac, ssoMAC(secret, enc)) {
		return nil, ErrSSOSignature
	}
	body, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, ErrSSOMalformed
	}
	var p SSOPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrSSOMalformed, err)
	}
	if p.ID == "" || len(p.ID) > MaxSSOExternalID || p.Exp == 0 {
		return nil, fmt.Errorf("%w: payload needs an id of 1 to %d bytes and an exp", ErrSSOMalformed, MaxSSOExternalID)
	}
	exp := time.Unix(p.Exp, 0)
	switch {
	case !now.Before(exp):
		return nil, ErrSSOExpired
	case exp.Sub(now) > MaxSSOTokenLifetime:
		return nil, ErrSSOTooLongLived
	}
	return &p, nil
}

// SSOTokenHash is what the replay guard remembers of a used token.
func SSOTokenHash(token string) []byte { return hashToken(token) }

// SiteSSOSecret returns a site's SSO secret, creating one the first time
// and a new one with rotate (tokens signed with the old one stop working):
// what `parley site sso` prints and the dashboard shows.
func SiteSSOSecret(ctx context.Context, st *store.Store, siteID int64, rotate bool) (string, error) {
	secret, err := st.SSOSecret(ctx, siteID)
	if rotate || errors.Is(err, store.ErrNotFound) {
		secret = NewSSOSecret()
		err = st.SetSSOSecret(ctx, siteID, secret)
	}
	return secret, err
}
