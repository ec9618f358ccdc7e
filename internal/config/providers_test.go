package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProviders(t *testing.T) {
	c, err := load(t, map[string]string{"PARLEY_AUTH_PROVIDERS": "github=gh-id:gh%2Csecret, gitlab=gl:s@https://git.example.com/ ," +
		"google=g.apps:GOCSPX-x,Keycloak=kc:kc-secret@https://sso.example.com/realms/main"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Provider{
		{Name: "github", ClientID: "gh-id", ClientSecret: "gh,secret"},
		{Name: "gitlab", ClientID: "gl", ClientSecret: "s", URL: "https://git.example.com"},
		{Name: "google", ClientID: "g.apps", ClientSecret: "GOCSPX-x"},
		{Name: "keycloak", ClientID: "kc", ClientSecret: "kc-secret", URL: "https://sso.example.com/realms/main"},
	}
	if diff := cmp.Diff(want, c.Providers); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
	if !c.Providers[3].Generic() || c.Providers[1].Generic() {
		t.Error("only keycloak is a generic OpenID Connect provider")
	}
	var b strings.Builder
	c.Dump(&b)
	line := "PARLEY_AUTH_PROVIDERS=github=gh-id:********,gitlab=gl:********@https://git.example.com,google=g.apps:********," +
		"keycloak=kc:********@https://sso.example.com/realms/main\n"
	if !strings.Contains(b.String(), line) || strings.Contains(b.String(), "secret") || strings.Contains(b.String(), "GOCSPX") {
		t.Errorf("dump shows secrets or loses the rest:\n%s", b.String())
	}
	if c, _ := load(t, map[string]string{"PARLEY_AUTH_PROVIDERS": "gitlab=a:b"}); c.Providers[0].URL != DefaultGitLabURL {
		t.Errorf("gitlab without URL: %+v", c.Providers)
	}
}

func TestProvidersRefused(t *testing.T) {
	many := make([]string, MaxProviders+1)
	for i := range many {
		many[i] = fmt.Sprintf("p%d=id:secret@https://p%d.example.com", i, i)
	}
	for value, want := range map[string]string{
		"github":                           "NAME=CLIENT_ID",
		"github=only-an-id":                "github=CLIENT_ID:CLIENT_SECRET",
		"github=id:":                       "github=CLIENT_ID:CLIENT_SECRET",
		"keycloak=id:secret":               "issuer URL",
		"github=id:secret@https://x.org":   "only gitlab",
		"guest=id:secret@https://x.org":    "login method of its own",
		"kc=id:secret@ftp://x.org":         "issuer URL",
		"github=a:b,github=c:d":            "configured twice",
		"Bad_Name=a:b@https://x.org":       "NAME of a-z",
		strings.Join(many, ","):            fmt.Sprintf("at most %d", MaxProviders),
		"gitlab=a:b@https://u:p@git.x.org": "not an http(s) URL",
	} {
		_, err := load(t, map[string]string{"PARLEY_AUTH_PROVIDERS": value})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "PARLEY_AUTH_PROVIDERS") {
			t.Errorf("%.40s: %v, want an error naming PARLEY_AUTH_PROVIDERS and %q", value, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") && !strings.Contains(want, "secret") {
			t.Errorf("%.40s: the error echoes the secret: %v", value, err)
		}
	}
}

func TestAvatarAllowPrivate(t *testing.T) {
	if c, err := load(t, nil); err != nil || c.AvatarPrivate {
		t.Errorf("default: %v %v, want private addresses refused", c.AvatarPrivate, err)
	}
	if c, err := load(t, map[string]string{"PARLEY_AVATAR_ALLOW_PRIVATE": "true"}); err != nil || !c.AvatarPrivate {
		t.Errorf("true: %v %v", c.AvatarPrivate, err)
	}
	if _, err := load(t, map[string]string{"PARLEY_AVATAR_ALLOW_PRIVATE": "sometimes"}); err == nil || !strings.Contains(err.Error(), "PARLEY_AVATAR_ALLOW_PRIVATE") {
		t.Errorf("bad value: %v", err)
	}
}
