package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/oauth2"

	"github.com/parleyhq/parley/internal/config"
)

// TestFacebookAndMicrosoftProfiles: both read a profile API with the
// exchanged token, and neither takes an email, since neither provider says
// it verified the address.
func TestFacebookAndMicrosoftProfiles(t *testing.T) {
	for _, tc := range []struct {
		name, path, answer string
		want               Profile
	}{
		{"facebook", "/me", `{"id": "1017", "name": "Fay Book", "email": "fay@example.com", "link": "https://facebook.example/fay",
			"picture": {"data": {"url": "https://pics.example/fay.jpg"}}}`,
			Profile{Subject: "1017", Name: "Fay Book", AvatarURL: "https://pics.example/fay.jpg", ProfileURL: "https://facebook.example/fay"}},
		{"microsoft", "/oidc/userinfo", `{"sub": "AAAA-ms", "name": "", "preferred_username": "mo@example.com", "email": "mo@example.com"}`,
			Profile{Subject: "AAAA-ms", Name: "mo@example.com"}},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			switch {
			case r.URL.Path == "/token":
				fmt.Fprint(w, `{"access_token": "at", "token_type": "Bearer"}`)
			case r.URL.Path == tc.path && r.Header.Get("Authorization") == "Bearer at":
				fmt.Fprint(w, tc.answer)
			default:
				http.Error(w, "{}", http.StatusUnauthorized)
			}
		}))
		p, _ := NewProviders([]config.Provider{{Name: tc.name, ClientID: "id", ClientSecret: "secret"}}, "https://c.example", nil).Get(tc.name)
		p.oauth.Endpoint = oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}
		p.apiURL = srv.URL
		got, err := p.Finish(context.Background(), "code", oauth2.GenerateVerifier(), "")
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
		srv.Close()
	}
}
