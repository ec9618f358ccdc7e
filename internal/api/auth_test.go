package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
)

const testPassword = "correct horse battery"

// account creates an account with testPassword.
func (e *env) account(email, name string) *model.User {
	e.t.Helper()
	u := &model.User{Name: name, Email: email, Role: model.RoleCommenter, PasswordHash: auth.HashPassword(testPassword)}
	if err := e.store.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// login signs in and returns the session token.
func (e *env) login(email string, remember bool) string {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": email, "password": testPassword, "remember": remember}})
	if r.status != http.StatusOK || r.str("token") == "" {
		e.t.Fatalf("login %s: %d %s", email, r.status, r.raw)
	}
	return r.str("token")
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func TestLogin(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		login := func(email, password string, ip string) *resp {
			return e.do(req{method: "POST", path: "/api/v1/auth/login", ip: ip, body: map[string]any{"email": email, "password": password}})
		}
		r := login("ADA@example.com ", testPassword, "")
		if r.status != 200 || len(r.str("token")) != 43 || r.str("user.email") != "ada@example.com" || r.str("user.name") != "Ada" {
			t.Fatalf("right password: %d %s", r.status, r.raw)
		}
		if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("login Cache-Control %q", cc)
		}
		if r.header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("login from the site's origin has no CORS header: %v", r.header)
		}
		if strings.Contains(string(r.raw), "argon2") {
			t.Errorf("login answer carries the password hash: %s", r.raw)
		}

		// Unknown email, wrong password and an account without a password
		// answer byte for byte alike.
		nopass := &model.User{Name: "Np", Email: "nopass@example.com", Role: model.RoleCommenter}
		e.store.CreateUser(context.Background(), nopass)
		wrong := login("ada@example.com", "wrong horse battery", "192.0.2.2")
		if wrong.status != 401 || wrong.str("error.code") != "invalid_credentials" {
			t.Fatalf("wrong password: %d %s", wrong.status, wrong.raw)
		}
		for name, other := range map[string]*resp{
			"unknown email":     login("nobody@example.com", "wrong horse battery", "192.0.2.3"),
			"no password":       login("nopass@example.com", "wrong horse battery", "192.0.2.4"),
			"no password, none": login("nopass@example.com", "x", "192.0.2.5"),
		} {
			if diff := sameAnswer(wrong, other); diff != "" {
				t.Errorf("%s answers unlike a wrong password: %s", name, diff)
			}
		}

		for _, c := range []struct {
			name   string
			req    req
			status int
			field  string
		}{
			{"no email", req{body: map[string]any{"password": "x"}}, 400, "email"},
			{"no password", req{body: map[string]any{"email": "ada@example.com"}}, 400, "password"},
			{"unknown field", req{body: map[string]any{"email": "ada@example.com", "password": "x", "otp": 1}}, 400, "otp"},
			{"foreign origin", req{origin: "https://evil.example", body: map[string]any{"email": "ada@example.com", "password": testPassword}}, 403, ""},
		} {
			c.req.method, c.req.path = "POST", "/api/v1/auth/login"
			if r := e.do(c.req); r.status != c.status || r.str("error.field") != c.field || r.str("token") != "" {
				t.Errorf("%s: %d %s", c.name, r.status, r.raw)
			}
		}
		// A client that is not a browser page sends no Origin.
		if r := e.do(req{method: "POST", path: "/api/v1/auth/login", origin: "-", body: map[string]any{"email": "ada@example.com", "password": testPassword}}); r.status != 200 {
			t.Errorf("login without Origin: %d %s", r.status, r.raw)
		}
	})
}

func TestSessionLifetimeThroughTheAPI(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		start := e.now
		for _, c := range []struct {
			remember bool
			lifetime time.Duration
		}{{false, 2 * 24 * time.Hour}, {true, 14 * 24 * time.Hour}} {
			e.now = start
			r := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "ada@example.com", "password": testPassword, "remember": c.remember}})
			token := r.str("token")
			if want := start.Add(c.lifetime).Format(time.RFC3339); r.str("expires") != want {
				t.Errorf("remember=%v: expires %s, want %s", c.remember, r.str("expires"), want)
			}
			e.now = start.Add(c.lifetime - time.Minute)
			if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(token)}); r.status != 200 || r.str("user.email") != "ada@example.com" {
				t.Errorf("remember=%v, before expiry: %d %s", c.remember, r.status, r.raw)
			}
			e.now = start.Add(c.lifetime)
			r = e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(token)})
			if r.status != 401 || r.str("error.code") != "not_signed_in" || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("remember=%v, at expiry: %d %v %s", c.remember, r.status, r.header, r.raw)
			}
		}
	})
}

func TestLogoutRevokesTheToken(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		e.account("bob@example.com", "Bob")
		one, two, bobs := e.login("ada@example.com", false), e.login("ada@example.com", true), e.login("bob@example.com", false)

		list := e.do(req{method: "GET", path: "/api/v1/me/sessions", headers: bearer(two)})
		if list.status != 200 || len(list.get("sessions").([]any)) != 2 || list.get("sessions.0.current") != true || list.get("sessions.1.current") != false {
			t.Fatalf("sessions: %d %s", list.status, list.raw)
		}
		if strings.Contains(string(list.raw), one) || strings.Contains(string(list.raw), two) || list.header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("sessions list carries a token or may be stored: %v %s", list.header, list.raw)
		}
		if list.get("sessions.0.remember") != true || list.str("sessions.0.kind") != "widget" || list.str("sessions.0.lastUsedAt") == "" {
			t.Errorf("sessions list fields: %s", list.raw)
		}

		if r := e.do(req{method: "POST", path: "/api/v1/auth/logout", headers: bearer(one)}); r.status != 204 {
			t.Fatalf("logout: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(one)}); r.status != 401 {
			t.Errorf("token after logout: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "POST", path: "/api/v1/auth/logout", headers: bearer(one)}); r.status != 401 {
			t.Errorf("logout twice: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(two)}); r.status != 200 {
			t.Errorf("other session after logout: %d %s", r.status, r.raw)
		}

		if r := e.do(req{method: "POST", path: "/api/v1/auth/logout-all", headers: bearer(two)}); r.status != 204 {
			t.Fatalf("logout-all: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me/sessions", headers: bearer(two)}); r.status != 401 {
			t.Errorf("token after logout-all: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(bobs)}); r.status != 200 {
			t.Errorf("another account after logout-all: %d %s", r.status, r.raw)
		}
		for _, h := range []map[string]string{nil, {"Authorization": "Basic YWRhOng="}, bearer("not-a-token"), bearer(strings.Repeat("A", 43))} {
			if r := e.do(req{method: "GET", path: "/api/v1/me", headers: h}); r.status != 401 || r.str("error.code") != "not_signed_in" {
				t.Errorf("me with %v: %d %s", h, r.status, r.raw)
			}
		}
	})
}

func TestPatchMe(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		token := e.login("ada@example.com", false)
		patch := func(body any) *resp {
			return e.do(req{method: "PATCH", path: "/api/v1/me", body: body, headers: bearer(token)})
		}
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"name": ""}, "name"},
			{map[string]any{"name": "\u200b\u200b"}, "name"},
			{map[string]any{"name": strings.Repeat("n", 101)}, "name"},
			{map[string]any{"website": "javascript:alert(1)"}, "website"},
			{map[string]any{"website": "https://a.example/" + strings.Repeat("x", 2048)}, "website"},
			{map[string]any{"email": "new@example.com"}, "email"},
			{map[string]any{"name": 7}, "name"},
		} {
			if r := patch(c.body); r.status != 400 || r.str("error.code") != "invalid_field" || r.str("error.field") != c.field {
				t.Errorf("PATCH %v: %d %s", c.body, r.status, r.raw)
			}
		}
		r := patch(map[string]any{"name": "  Ada   Lovelace ", "website": "https://ada.example"})
		if r.status != 200 || r.str("user.name") != "Ada Lovelace" || r.str("user.website") != "https://ada.example" || r.str("user.email") != "ada@example.com" {
			t.Fatalf("PATCH: %d %s", r.status, r.raw)
		}
		if r := patch(map[string]any{"website": ""}); r.status != 200 || r.str("user.name") != "Ada Lovelace" || r.str("user.website") != "" {
			t.Errorf("PATCH website only: %d %s", r.status, r.raw)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(token)}); r.str("user.name") != "Ada Lovelace" {
			t.Errorf("me after PATCH: %s", r.raw)
		}
		if r := e.do(req{method: "PATCH", path: "/api/v1/me", body: map[string]any{"name": "Eve"}}); r.status != 401 {
			t.Errorf("PATCH without a session: %d %s", r.status, r.raw)
		}
	})
}

func TestLoginRateLimits(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		try := func(email, ip string) *resp {
			return e.do(req{method: "POST", path: "/api/v1/auth/login", ip: ip, body: map[string]any{"email": email, "password": "guess guess"}})
		}
		// One network: LoginBurst tries, then 429, whatever the address.
		for i := range api.LoginBurst {
			if r := try(fmt.Sprintf("u%d@example.com", i), "198.51.100.1"); r.status != 401 {
				t.Fatalf("try %d: %d %s", i, r.status, r.raw)
			}
		}
		if r := try("other@example.com", "198.51.100.1"); r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Errorf("past the network's burst: %d %s", r.status, r.raw)
		}
		// One address: AccountLoginBurst tries from many networks, then 429,
		// for an account and for an address with no account alike.
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			for i := range api.AccountLoginBurst {
				if r := try(email, fmt.Sprintf("203.0.113.%d", i+1)); r.status != 401 {
					t.Fatalf("%s try %d: %d %s", email, i, r.status, r.raw)
				}
			}
			r := try(email, "203.0.113.200")
			if r.status != 429 || r.header.Get("Retry-After") == "" || r.header.Get("Access-Control-Allow-Origin") != origin {
				t.Errorf("%s past the account's burst: %d %v %s", email, r.status, r.header, r.raw)
			}
		}
		// The right password is refused too while the account is limited.
		r := e.do(req{method: "POST", path: "/api/v1/auth/login", ip: "203.0.113.201", body: map[string]any{"email": "ada@example.com", "password": testPassword}})
		if r.status != 429 {
			t.Errorf("right password while limited: %d %s", r.status, r.raw)
		}
		e.now = e.now.Add(time.Minute)
		if r := e.do(req{method: "POST", path: "/api/v1/auth/login", ip: "203.0.113.202", body: map[string]any{"email": "ada@example.com", "password": testPassword}}); r.status != 200 {
			t.Errorf("a minute later: %d %s", r.status, r.raw)
		}
	})
}
