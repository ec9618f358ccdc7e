package auth

import (
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// Lifetimes of the links of account mails. A reset link is short-lived: it
// signs its holder in to the account, in effect. Past its lifetime a link
// shows "expired", and the hourly retention job deletes it.
const (
	VerifyLinkLifetime      = 24 * time.Hour
	ResetLinkLifetime       = time.Hour
	EmailChangeLinkLifetime = 24 * time.Hour
)

// LinkLifetime returns how long a link of purpose stays valid.
func LinkLifetime(purpose store.TokenPurpose) time.Duration {
	switch purpose {
	case store.TokenReset:
		return ResetLinkLifetime
	case store.TokenEmailChange:
		return EmailChangeLinkLifetime
	}
	return VerifyLinkLifetime
}

// NewLinkToken returns a new random token for a mailed link and the hash
// the store keeps instead of it. It has the entropy of a session token.
func NewLinkToken() (token string, hash []byte) {
	token = newToken()
	return token, hashToken(token)
}

// LinkTokenHash returns the hash under which a link's token is stored, and
// false for a string that cannot be a token (no database query needed).
func LinkTokenHash(token string) ([]byte, bool) {
	if !wellFormed(token) {
		return nil, false
	}
	return hashToken(token), true
}
