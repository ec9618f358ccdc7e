package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// DiscoveryRetry is how long a failed discovery of an OpenID Connect
// provider is remembered: logins in that time fail at once with
// ErrProviderUnavailable instead of each waiting for the provider.
const DiscoveryRetry = 30 * time.Second

// discovered is an OpenID Connect provider's metadata and its ID token
// verifier, or the time its discovery last failed.
type discovered struct {
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	failedAt time.Time
	err      error
}

// discover reads the provider's /.well-known/openid-configuration once; a
// success is kept for the life of the process, a failure for
// DiscoveryRetry. Concurrent first logins wait for one discovery.
func (p *Provider) discover(ctx context.Context) (*discovered, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.disc; d != nil && (d.provider != nil || time.Since(d.failedAt) < DiscoveryRetry) {
		return d, d.err
	}
	// The keys are fetched later, with a background context: give it
	// the provider's client (and so its timeout).
	prov, err := oidc.NewProvider(oidc.ClientContext(ctx, p.client), p.issuer)
	if err != nil {
		err = fmt.Errorf("%w: discovery of %s: %v", ErrProviderUnavailable, p.issuer, err)
		p.disc = &discovered{failedAt: time.Now(), err: err}
		return p.disc, err
	}
	p.disc = &discovered{provider: prov, verifier: prov.Verifier(&oidc.Config{ClientID: p.oauth.ClientID})}
	return p.disc, nil
}

// oidcClaims are the standard claims Parley reads from an ID token or the
// userinfo endpoint.
type oidcClaims struct {
	Subject           string   `json:"sub"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
	Nickname          string   `json:"nickname"`
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	Picture           string   `json:"picture"`
	Profile           string   `json:"profile"`
	Website           string   `json:"website"`
}

// flexBool reads true and "true": some providers send email_verified as a string.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*b = flexBool(v == true || v == "true")
	return nil
}

// oidcProfile verifies the ID token of tok (signature, issuer, audience,
// expiry) and its nonce, then reads the profile from its claims, completed
// from the userinfo endpoint when the token has no name or email (the
// userinfo's subject must be the token's).
func oidcProfile(ctx context.Context, p *Provider, tok *oauth2.Token, nonce string) (Profile, error) {
	d, err := p.discover(ctx)
	if err != nil {
		return Profile{}, err
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Profile{}, fmt.Errorf("%w: no ID token", ErrProviderRefused)
	}
	idt, err := d.verifier.Verify(oidc.ClientContext(ctx, p.client), raw)
	if err != nil {
		return Profile{}, fmt.Errorf("%w: ID token: %v", ErrProviderRefused, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return Profile{}, fmt.Errorf("%w: the ID token's nonce is not the login's", ErrProviderRefused)
	}
	var c oidcClaims
	if err := idt.Claims(&c); err != nil {
		return Profile{}, fmt.Errorf("%w: ID token claims: %v", ErrProviderRefused, err)
	}
	if (c.Name == "" || c.Email == "") && d.provider.UserInfoEndpoint() != "" {
		if err := userinfo(ctx, p, d, tok, &c); err != nil {
			return Profile{}, err
		}
	}
	return c.profile(), nil
}

// userinfo completes c from the userinfo endpoint.
func userinfo(ctx context.Context, p *Provider, d *discovered, tok *oauth2.Token, c *oidcClaims) error {
	var u oidcClaims
	if err := p.getJSON(ctx, tok, d.provider.UserInfoEndpoint(), &u); err != nil {
		return err
	}
	if u.Subject != c.Subject {
		return fmt.Errorf("%w: the userinfo's subject is not the ID token's", ErrProviderRefused)
	}
	if c.Name == "" {
		c.Name, c.PreferredUsername, c.Nickname = u.Name, u.PreferredUsername, u.Nickname
	}
	if c.Email == "" {
		c.Email, c.EmailVerified = u.Email, u.EmailVerified
	}
	if c.Picture == "" {
		c.Picture = u.Picture
	}
	if c.Profile == "" {
		c.Profile = u.Profile
	}
	return nil
}

func (c *oidcClaims) profile() Profile {
	pr := Profile{Subject: c.Subject, Name: c.Name, AvatarURL: c.Picture, ProfileURL: c.Profile}
	for _, alt := range []string{c.PreferredUsername, c.Nickname} {
		if pr.Name == "" {
			pr.Name = alt
		}
	}
	if c.EmailVerified {
		pr.Email = c.Email
	}
	return pr
}
