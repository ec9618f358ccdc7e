package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/auth"
)

func TestSSOTokenRoundTrip(t *testing.T) {
	secret := auth.NewSSOSecret()
	if len(secret) != 43 || secret == auth.NewSSOSecret() {
		t.Fatalf("secret %q: want 43 random base64url characters", secret)
	}
	now := time.Unix(1_800_000_000, 0)
	p := auth.SSOPayload{ID: "42", Name: "Ada", Email: "ada@example.com", Exp: now.Add(time.Minute).Unix()}
	token := auth.SignSSOToken(secret, p)
	got, err := auth.ParseSSOToken(secret, token, now)
	if err != nil || *got != p {
		t.Fatalf("parse: %+v %v", got, err)
	}
	// Changing one character of the payload breaks the signature.
	tampered := "X" + token[1:]
	if _, err := auth.ParseSSOToken(secret, tampered, now); !errors.Is(err, auth.ErrSSOSignature) {
		t.Fatalf("tampered: %v", err)
	}
	if _, err := auth.ParseSSOToken(secret, token, now.Add(time.Minute)); !errors.Is(err, auth.ErrSSOExpired) {
		t.Fatalf("at exp: %v", err)
	}
	long := auth.SignSSOToken(secret, auth.SSOPayload{ID: strings.Repeat("x", auth.MaxSSOExternalID+1), Exp: p.Exp})
	if _, err := auth.ParseSSOToken(secret, long, now); !errors.Is(err, auth.ErrSSOMalformed) {
		t.Fatalf("id over the bound: %v", err)
	}
}

func FuzzParseSSOToken(f *testing.F) {
	const secret = "fuzz-secret"
	now := time.Unix(1_800_000_000, 0)
	f.Add(auth.SignSSOToken(secret, auth.SSOPayload{ID: "1", Exp: now.Unix() + 60}))
	f.Add("a.b")
	f.Add(".")
	f.Fuzz(func(t *testing.T, token string) {
		p, err := auth.ParseSSOToken(secret, token, now)
		if err != nil {
			return
		}
		if p.ID == "" || p.Exp <= now.Unix() || p.Exp > now.Add(auth.MaxSSOTokenLifetime).Unix() {
			t.Fatalf("accepted a bad payload: %+v", p)
		}
	})
}
