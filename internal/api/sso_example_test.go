package api_test

// This file holds the Go example of docs/authentication.md ("Site SSO")
// verbatim, between the markers; TestSSODocsExamples checks that the two
// stay equal and signs in with it.

// docs:sso-go-example
import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// SSOUser is what your site tells Parley about the signed-in user.
type SSOUser struct {
	ID      string `json:"id"`                // your user id: stable, never reused
	Name    string `json:"name"`              // public, on their comments
	Email   string `json:"email,omitempty"`   // private: never shown
	Avatar  string `json:"avatar,omitempty"`  // https URL of their picture
	Profile string `json:"profile,omitempty"` // https URL of their profile page
	Exp     int64  `json:"exp"`               // Unix seconds, at most 10 minutes ahead
}

// SSOToken returns a token that signs user in to Parley once, within 5 minutes.
func SSOToken(secret string, user SSOUser) string {
	user.Exp = time.Now().Add(5 * time.Minute).Unix()
	payload, _ := json.Marshal(user)
	enc := base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(enc))
	return enc + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// docs:end
