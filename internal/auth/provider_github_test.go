package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/parleyhq/parley/internal/config"
)

// fakeGitHub answers like GitHub's token endpoint and user API, as far as a
// login uses them. user and emails are the API's answers; status, when not
// 200, is the user API's.
type fakeGitHub struct {
	user, emails string
	status       int
	challenge    string // the PKCE challenge of the authorization URL
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/login/oauth/access_token":
		r.ParseForm()
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		if r.Form.Get("code") != "good-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != f.challenge {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"error": "bad_verification_code"}`) // GitHub answers errors with 200
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token": "gho_x", "token_type": "bearer"}`)
	case "/user":
		if r.Header.Get("Authorization") != "Bearer gho_x" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if f.status != 0 {
			w.WriteHeader(f.status)
		}
		fmt.Fprint(w, f.user)
	case "/user/emails":
		fmt.Fprint(w, f.emails)
	default:
		http.NotFound(w, r)
	}
}

func githubAt(t *testing.T, f *fakeGitHub) *Provider {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	p, _ := NewProviders([]config.Provider{{Name: "github", ClientID: "id", ClientSecret: "secret"}}, "https://c.example", nil).Get("github")
	p.oauth.Endpoint = oauth2.Endpoint{AuthURL: srv.URL + "/login/oauth/authorize", TokenURL: srv.URL + "/login/oauth/access_token"}
	p.apiURL = srv.URL
	return p
}

// login runs a GitHub login with code against f.
func login(t *testing.T, f *fakeGitHub, code string) (Profile, error) {
	p := githubAt(t, f)
	verifier := oauth2.GenerateVerifier()
	to, err := p.AuthCodeURL(context.Background(), "state", "nonce", verifier)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	if u.Query().Get("redirect_uri") != "https://c.example/api/v1/auth/github/callback" || u.Query().Get("nonce") != "" {
		t.Errorf("authorization URL %s: wrong callback, or a nonce GitHub has no use for", to)
	}
	f.challenge = u.Query().Get("code_challenge")
	return p.Finish(context.Background(), code, verifier, "nonce")
}

func TestGitHubProfile(t *testing.T) {
	f := &fakeGitHub{
		user: `{"id": 583231, "login": "octocat", "name": "", "avatar_url": "https://avatars.example/u/583231", "html_url": "https://github.com/octocat"}`,
		emails: `[{"email": "old@example.com", "primary": false, "verified": true},
			{"email": "octo@example.com", "primary": true, "verified": true}]`,
	}
	pr, err := login(t, f, "good-code")
	want := Profile{Subject: "583231", Name: "octocat", Email: "octo@example.com", AvatarURL: "https://avatars.example/u/583231", ProfileURL: "https://github.com/octocat"}
	if err != nil || pr != want {
		t.Errorf("profile %+v, %v; want %+v (the id as subject, the login as name, the primary verified email)", pr, err, want)
	}
	f.emails = `[{"email": "octo@example.com", "primary": true, "verified": false}]`
	if pr, err := login(t, f, "good-code"); err != nil || pr.Email != "" {
		t.Errorf("unverified primary email: %+v, %v; want no email", pr, err)
	}
	f.user = `{"id": 1, "login": "x", "name": "` + strings.Repeat("é", MaxProfileField+10) + `", "html_url": "javascript:alert(1)"}`
	if pr, err := login(t, f, "good-code"); err != nil || len([]rune(pr.Name)) != MaxProfileField || pr.ProfileURL != "" {
		t.Errorf("long name, script URL: %d runes, URL %q, %v", len([]rune(pr.Name)), pr.ProfileURL, err)
	}
}

func TestGitHubFailures(t *testing.T) {
	ok := `{"id": 1, "login": "x"}`
	for _, tc := range []struct {
		name   string
		f      fakeGitHub
		code   string
		reason error
	}{
		{"code refused", fakeGitHub{user: ok}, "bad-code", ErrProviderRefused},
		{"API down", fakeGitHub{user: ok, status: http.StatusBadGateway}, "good-code", ErrProviderUnavailable},
		{"API refuses", fakeGitHub{user: ok, status: http.StatusForbidden}, "good-code", ErrProviderRefused},
		{"no id", fakeGitHub{user: `{"login": "x"}`}, "good-code", ErrProviderRefused},
		{"answer too large", fakeGitHub{user: `{"id": 1, "login": "` + strings.Repeat("x", MaxProfileBytes) + `"}`}, "good-code", ErrProviderRefused},
	} {
		if _, err := login(t, &tc.f, tc.code); !errors.Is(err, tc.reason) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.reason)
		}
	}
}
