package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/oidctest"
)

// loginEnv is an API whose site enables guests and the provider "kc".
func loginEnv(t *testing.T, dialect string, m *mockoidc.MockOIDC) *env {
	cfg := m.Config()
	return newEnv(t, dialect, options{
		settings: func(s *model.SiteSettings) { s.LoginMethods = []string{model.LoginGuest, "kc"} },
		providers: []config.Provider{
			{Name: "kc", ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, URL: m.Issuer()},
			{Name: "github", ClientID: "gh", ClientSecret: "not enabled on the site"},
		},
	})
}

// noRedirects is a client of the provider that stops at its redirect back
// to Parley, as a browser would be sent there.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// startLogin opens the start URL and returns the provider's authorization URL.
func (e *env) startLogin(query string) *url.URL {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/auth/kc/start?" + query, origin: "-"})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("start: %d %s", r.status, r.raw)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// ada is the person who logs in at the test's provider.
var ada = oidctest.Person{Subject: "u-1", Name: "Ada Lovelace", Email: "ada@example.com", Picture: "https://pics.example/ada.png"}

// authorize sends person through the provider m and returns the callback
// path (with its query) the provider redirects to.
func (e *env) authorize(m *mockoidc.MockOIDC, person oidctest.Person, u *url.URL) string {
	e.t.Helper()
	m.QueueUser(person)
	resp, err := noRedirects.Get(u.String())
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(back.String(), "https://comments.example/api/v1/auth/kc/callback?") {
		e.t.Fatalf("provider answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back.RequestURI()
}

var postMessageRe = regexp.MustCompile(`window\.opener\.postMessage\((\{.*?\}), "([^"]*)"\)`)

// popup is what the popup page hands to the opener: the message and its
// target origin ("" when the page posts nothing).
type popup struct {
	status int
	msg    map[string]any
	target string
}

func (e *env) callback(path string) popup {
	e.t.Helper()
	return e.popupPage(e.do(req{method: "GET", path: path, origin: "-"}))
}

// popupPage checks a login popup's page (headers, CSP) and returns what it
// hands to the opener.
func (e *env) popupPage(r *resp) popup {
	e.t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		e.t.Fatalf("callback: Content-Type %q: %s", ct, r.raw)
	}
	csp := r.header.Get("Content-Security-Policy")
	nonce := regexp.MustCompile(`script-src 'nonce-([^']+)'`).FindStringSubmatch(csp)
	scripts := strings.Count(string(r.raw), "<script")
	if nonce == nil || !strings.Contains(csp, "default-src 'none'") || scripts != strings.Count(string(r.raw), `<script nonce="`+nonce[1]+`">`) {
		e.t.Errorf("callback page: CSP %q does not allow exactly its script:\n%s", csp, r.raw)
	}
	if r.header.Get("Cache-Control") != "private, no-store" {
		e.t.Errorf("callback page: Cache-Control %q", r.header.Get("Cache-Control"))
	}
	p := popup{status: r.status}
	if m := postMessageRe.FindSubmatch(r.raw); m != nil {
		// html/template escapes the JSON for the script context (\u0026 etc.).
		if err := json.Unmarshal(m[1], &p.msg); err != nil {
			e.t.Fatalf("posted message %s: %v", m[1], err)
		}
		p.target = string(m[2])
	} else if strings.Contains(string(r.raw), "postMessage") {
		e.t.Fatalf("callback page posts in an unexpected way:\n%s", r.raw)
	}
	return p
}

func TestProviderLoginFlow(t *testing.T) {
	m := oidctest.Start(t)
	pic := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		img := image.NewNRGBA(image.Rect(0, 0, 200, 200))
		w.Header().Set("Content-Type", "image/png")
		png.Encode(w, img)
	}))
	t.Cleanup(pic.Close)
	eachLoginDB(t, m, func(t *testing.T, e *env) {
		ctx := context.Background()
		th := e.thread("path=/a")
		if got := string(mustJSON(t, th.get("settings.providers"))); got != `[{"label":"Kc","name":"kc"}]` {
			t.Errorf("thread offers providers %s, want only the enabled and configured kc", got)
		}
		if got := string(mustJSON(t, th.get("settings.loginMethods"))); got != `["guest"]` {
			t.Errorf("thread login methods %s", got)
		}

		authURL := e.startLogin("site=blog.example&origin=" + url.QueryEscape(origin) + "&remember=1")
		q := authURL.Query()
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || len(q.Get("state")) < 43 {
			t.Fatalf("authorization URL lacks PKCE, nonce or a random state: %s", authURL)
		}
		withPicture := ada
		withPicture.Picture = pic.URL + "/ada.png"
		back := e.authorize(m, withPicture, authURL)
		p := e.callback(back)
		if p.status != http.StatusOK || p.target != origin || p.msg["type"] != "parley:login" || p.msg["error"] != nil {
			t.Fatalf("callback: %d, posted %v to %q", p.status, p.msg, p.target)
		}
		if exp, _ := time.Parse(time.RFC3339, fmt.Sprint(p.msg["expiresAt"])); !exp.Equal(e.now.Add(auth.RememberedSessionLifetime)) {
			t.Errorf("session with remember=1 expires %v, want %v", p.msg["expiresAt"], e.now.Add(auth.RememberedSessionLifetime))
		}
		if user, _ := p.msg["user"].(map[string]any); user["name"] != "Ada Lovelace" || len(user) != 1 {
			t.Errorf("posted user %v, want only the name", p.msg["user"])
		}
		// Ada comments; the public thread names her, and has neither her
		// email nor her provider's picture URL (the browser would fetch it).
		token := p.msg["token"].(string)
		c := e.do(req{method: "POST", path: "/api/v1/comments", headers: map[string]string{"Authorization": "Bearer " + token},
			body: map[string]any{"site": "blog.example", "path": "/a", "text": "Hello from Ada"}})
		if c.status != http.StatusCreated {
			t.Fatalf("comment as Ada: %d %s", c.status, c.raw)
		}
		th = e.thread("path=/a")
		if th.str("comments.0.author.name") != "Ada Lovelace" || strings.Contains(string(th.raw), "ada@example.com") || strings.Contains(string(th.raw), pic.URL) {
			t.Errorf("thread after Ada's comment: %s", th.raw)
		}
		// Her picture comes from Parley, as a small PNG of its own.
		av := th.str("comments.0.author.avatarUrl")
		if !strings.HasPrefix(av, "/avatars/") {
			t.Errorf("thread avatar %q, want a path on Parley's origin", av)
		}
		img := e.do(req{method: "GET", path: av, origin: "-"})
		if cfg, err := png.DecodeConfig(bytes.NewReader(img.raw)); img.status != http.StatusOK || err != nil || cfg.Width != media.AvatarSize ||
			img.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(img.header.Get("Cache-Control"), "public") {
			t.Errorf("avatar: %d %v %v %v", img.status, img.header, cfg, err)
		}
		u, err := auth.NewSessions(e.store, func() time.Time { return e.now }).Authenticate(ctx, p.msg["token"].(string))
		if err != nil || u.Name != "Ada Lovelace" || u.Email != "ada@example.com" || !u.Verified() || u.AvatarURL != av {
			t.Fatalf("the posted token signs in %+v (%v)", u, err)
		}

		// The state is used once: the same callback again is refused, and
		// tells no origin anything.
		if again := e.callback(back); again.status != http.StatusBadRequest || again.target != "" {
			t.Errorf("replayed callback: %d, posted to %q", again.status, again.target)
		}

		// A second login of the same person finds the same account.
		p2 := e.callback(e.authorize(m, ada, e.startLogin("site=blog.example&origin="+url.QueryEscape(origin))))
		if exp, _ := time.Parse(time.RFC3339, fmt.Sprint(p2.msg["expiresAt"])); !exp.Equal(e.now.Add(auth.SessionLifetime)) {
			t.Errorf("session without remember expires %v, want %v", p2.msg["expiresAt"], e.now.Add(auth.SessionLifetime))
		}
		u2, err := auth.NewSessions(e.store, func() time.Time { return e.now }).Authenticate(ctx, p2.msg["token"].(string))
		if err != nil || u2.ID != u.ID {
			t.Errorf("second login: user %+v (%v), want user %d", u2, err, u.ID)
		}
	})
}

func TestProviderLoginRefusals(t *testing.T) {
	m := oidctest.Start(t)
	eachLoginDB(t, m, func(t *testing.T, e *env) {
		start := "site=blog.example&origin=" + url.QueryEscape(origin)
		for _, tc := range []struct {
			name   string
			path   string
			status int
			code   string
		}{
			{"origin not registered", "/api/v1/auth/kc/start?site=blog.example&origin=" + url.QueryEscape("https://evil.example"), http.StatusForbidden, ""},
			{"provider not enabled on the site", "/api/v1/auth/github/start?" + start, http.StatusNotFound, "unknown_provider"},
			{"provider not configured", "/api/v1/auth/nope/start?" + start, http.StatusNotFound, "unknown_provider"},
			{"unknown site", "/api/v1/auth/kc/start?site=nope.example&origin=" + url.QueryEscape(origin), http.StatusNotFound, ""},
			{"no site", "/api/v1/auth/kc/start?origin=" + url.QueryEscape(origin), http.StatusNotFound, ""},
			{"bad remember", "/api/v1/auth/kc/start?" + start + "&remember=yes", http.StatusBadRequest, ""},
			{"wrong state", "/api/v1/auth/kc/callback?state=made-up&code=x", http.StatusBadRequest, ""},
			{"no state", "/api/v1/auth/kc/callback?code=x", http.StatusBadRequest, ""},
		} {
			p := e.callback(tc.path)
			if p.status != tc.status || (tc.code == "" && p.target != "") || (tc.code != "" && (p.msg["error"] != tc.code || p.target != origin)) {
				t.Errorf("%s: %d, posted %v to %q; want %d and %q posted to the site only when given", tc.name, p.status, p.msg, p.target, tc.status, tc.code)
			}
		}

		// The provider's answer must match what start asked for: a changed
		// nonce fails the ID token check, a changed PKCE challenge the
		// code exchange, and a state of one provider is not another's.
		for name, tamper := range map[string]func(url.Values){
			"nonce":     func(q url.Values) { q.Set("nonce", "attacker-nonce") },
			"challenge": func(q url.Values) { q.Set("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") },
		} {
			u := e.startLogin(start)
			q := u.Query()
			tamper(q)
			u.RawQuery = q.Encode()
			p := e.callback(e.authorize(m, ada, u))
			if p.status != http.StatusBadGateway || p.msg["error"] != "provider_refused" || p.target != origin || p.msg["token"] != nil {
				t.Errorf("tampered %s: %d, posted %v to %q; want provider_refused and no token", name, p.status, p.msg, p.target)

			}
		}
		other := strings.Replace(e.authorize(m, ada, e.startLogin(start)), "/auth/kc/", "/auth/github/", 1)
		if p := e.callback(other); p.status != http.StatusBadRequest || p.target != "" {
			t.Errorf("kc's state at github's callback: %d, posted to %q", p.status, p.target)
		}

		// The person refuses at the provider: the page says so to the site.
		state := e.startLogin(start).Query().Get("state")
		p := e.callback("/api/v1/auth/kc/callback?error=access_denied&state=" + url.QueryEscape(state))
		if p.status != http.StatusForbidden || p.msg["error"] != "access_denied" || p.target != origin {
			t.Errorf("denied: %d, posted %v to %q", p.status, p.msg, p.target)
		}
	})
}

func TestProviderUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/oidc"
	ln.Close() // nothing answers there
	e := newEnv(t, "sqlite", options{
		settings:  func(s *model.SiteSettings) { s.LoginMethods = []string{"kc"} },
		providers: []config.Provider{{Name: "kc", ClientID: "id", ClientSecret: "secret", URL: down}},
	})
	p := e.callback("/api/v1/auth/kc/start?site=blog.example&origin=" + url.QueryEscape(origin))
	if p.status != http.StatusBadGateway || p.msg["error"] != "provider_unavailable" || p.target != origin {
		t.Errorf("provider down: %d, posted %v to %q", p.status, p.msg, p.target)
	}
	if th := e.thread("path=/a"); th.str("settings.loginMethods.0") != "" {
		t.Errorf("a site with only kc offers guest comments: %s", th.raw)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eachLoginDB runs a scenario on loginEnv over SQLite and over PostgreSQL.
func eachLoginDB(t *testing.T, m *mockoidc.MockOIDC, fn func(t *testing.T, e *env)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { fn(t, loginEnv(t, d, m)) })
	}
}

// TestAccountsOnlySite: a site whose login methods leave out guest takes
// comments only from logged-in people.
func TestAccountsOnlySite(t *testing.T) {
	eachDB(t, options{settings: func(s *model.SiteSettings) { s.LoginMethods = []string{"kc"} }}, func(t *testing.T, e *env) {
		body := map[string]any{"site": "blog.example", "path": "/a", "text": "Hi", "author": map[string]any{"name": "Guest"}}
		r := e.do(req{method: "POST", path: "/api/v1/comments", body: body})
		if r.status != http.StatusForbidden || r.str("error.code") != "login_required" {
			t.Errorf("guest comment: %d %s, want 403 login_required", r.status, r.raw)
		}
		u := &model.User{Name: "Ada", Email: "ada@example.com", Role: model.RoleCommenter}
		if err := e.store.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		token, _, err := auth.NewSessions(e.store, func() time.Time { return e.now }).Create(context.Background(), u.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		r = e.do(req{method: "POST", path: "/api/v1/comments", body: body, headers: map[string]string{"Authorization": "Bearer " + token}})
		if r.status != http.StatusCreated || r.str("comment.author.name") != "Ada" {
			t.Errorf("account comment: %d %s", r.status, r.raw)
		}
	})
}

// TestLoginRateLimited: starts and callbacks each write to the database, so
// they count against the client's write rate like comments do.
func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t, "sqlite", options{writeRate: 1, burst: 2,
		settings:  func(s *model.SiteSettings) { s.LoginMethods = []string{"kc"} },
		providers: []config.Provider{{Name: "kc", ClientID: "id", ClientSecret: "secret", URL: "http://127.0.0.1:1/oidc"}},
	})
	for i, path := range []string{
		"/api/v1/auth/kc/start?site=blog.example&origin=" + url.QueryEscape(origin),
		"/api/v1/auth/kc/callback?state=x&code=y",
		"/api/v1/auth/kc/callback?state=x&code=y",
	} {
		r := e.do(req{method: "GET", path: path, origin: "-"})
		if limited := r.status == http.StatusTooManyRequests; limited != (i == 2) {
			t.Errorf("request %d (%s): %d, want 429 only for the third", i+1, path, r.status)
		}
	}
}
