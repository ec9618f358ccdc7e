// Package oidctest serves a real OpenID Connect provider to tests: discovery,
// keys, authorization code with PKCE, token and userinfo endpoints
// (github.com/oauth2-proxy/mockoidc) on a random local port, with people who
// have the standard profile claims. It is for tests only and must never be
// imported by the program itself.
package oidctest

import (
	"encoding/json"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// Person is who logs in at the provider. mockoidc's own user has no name or
// picture; a Person has both, in the ID token and from the userinfo endpoint.
type Person struct {
	Subject, Name, Email, Picture string
}

// ID is the person's subject.
func (p Person) ID() string { return p.Subject }

// Userinfo is the userinfo endpoint's answer: the subject, profile and a verified email.
func (p Person) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]any{"sub": p.Subject, "name": p.Name, "email": p.Email, "email_verified": true, "picture": p.Picture})
}

// Claims are the ID token's claims: the registered ones of base, the profile and a verified email.
func (p Person) Claims(_ []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &struct {
		*mockoidc.IDTokenClaims
		Name          string `json:"name,omitempty"`
		Email         string `json:"email,omitempty"`
		EmailVerified bool   `json:"email_verified"`
		Picture       string `json:"picture,omitempty"`
	}{base, p.Name, p.Email, true, p.Picture}, nil
}

// Start runs a provider until the test ends. QueueUser(Person{…}) decides
// who the next authorization logs in.
func Start(t testing.TB) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	return m
}
