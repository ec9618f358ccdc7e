package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/model"
)

// localSite enables guests and local accounts.
func localSite(s *model.SiteSettings) { s.LoginMethods = []string{model.LoginGuest, model.LoginLocal} }

// localForm posts the sign-in popup's form as the popup page itself would
// (a same-origin navigation), from ip.
func (e *env) localForm(f url.Values, ip string) *resp {
	e.t.Helper()
	return e.do(req{method: "POST", path: "/auth/local", body: f.Encode(), origin: "-", ip: ip, headers: map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
}

func signInForm(email, password string) url.Values {
	return url.Values{"mode": {"signin"}, "site": {"blog.example"}, "origin": {origin}, "remember": {"1"}, "email": {email}, "password": {password}}
}

var nonceRe = regexp.MustCompile(`nonce-[^']+'|nonce="[^"]+"`)

// TestLocalPopupPage: the widget's "Email" button opens the local popup
// like a provider's; the page has its forms under a CSP without script.
func TestLocalPopupPage(t *testing.T) {
	eachDB(t, options{settings: localSite}, func(t *testing.T, e *env) {
		th := e.thread("path=/a")
		if th.str("settings.providers.0.name") != "local" {
			t.Errorf("thread of a site with local accounts offers %v, want the local button", th.get("settings.providers"))
		}
		q := "site=blog.example&origin=" + url.QueryEscape(origin) + "&remember=1"
		r := e.do(req{method: "GET", path: "/api/v1/auth/local/start?" + q, origin: "-"})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/auth/local?"+q {
			t.Fatalf("start: %d Location %q", r.status, r.header.Get("Location"))
		}
		for _, mode := range []string{"", "signup", "reset"} {
			r = e.do(req{method: "GET", path: "/auth/local?" + q + "&mode=" + mode, origin: "-"})
			csp, page := r.header.Get("Content-Security-Policy"), string(r.raw)
			style := regexp.MustCompile(`style-src 'nonce-([^']+)'`).FindStringSubmatch(csp)
			// Only sign-up loads a script: the proof-of-work solver, from this origin.
			signup := mode == "signup"
			if r.status != 200 || style == nil || !strings.Contains(csp, "default-src 'none'") ||
				strings.Contains(csp, "script-src 'self'; connect-src 'self'") != signup ||
				!strings.Contains(page, `<style nonce="`+style[1]+`">`) || strings.Contains(page, "<script") != signup ||
				strings.Contains(page, `<script src="/captcha.js?v=`) != signup || strings.Contains(page, "data-captcha") != signup {
				t.Errorf("mode %q: %d CSP %q\n%s", mode, r.status, csp, page)
			}
			if !strings.Contains(page, `name="origin" value="`+origin+`"`) || !strings.Contains(page, `name="email"`) {
				t.Errorf("mode %q: the form does not carry the origin or ask the email:\n%s", mode, page)
			}
		}
	})
}

// TestLocalPopupSignIn: a right password answers with the popup page that
// posts the token to exactly the site origin of the form; a wrong password
// and an unknown address get the same refusal, and post nothing.
func TestLocalPopupSignIn(t *testing.T) {
	eachDB(t, options{settings: localSite}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		p := e.popupPage(e.localForm(signInForm("ada@example.com", testPassword), "192.0.2.10"))
		if p.status != 200 || p.target != origin || p.msg["type"] != "parley:login" || p.msg["token"] == nil {
			t.Fatalf("sign-in: %d, posts %v to %q", p.status, p.msg, p.target)
		}
		me := e.do(req{method: "GET", path: "/api/v1/me", headers: bearer(p.msg["token"].(string))})
		if me.status != 200 || me.str("user.name") != "Ada" {
			t.Errorf("the popup's token: %d %s", me.status, me.raw)
		}
		wrong := e.localForm(signInForm("ada@example.com", "wrong horse battery"), "192.0.2.11")
		unknown := e.localForm(signInForm("nobody@example.com", "wrong horse battery"), "192.0.2.12")
		for name, r := range map[string]*resp{"wrong password": wrong, "unknown email": unknown} {
			if r.status != http.StatusUnauthorized || !strings.Contains(string(r.raw), "The email address or the password is wrong.") ||
				strings.Contains(string(r.raw), "postMessage") {
				t.Errorf("%s: %d\n%s", name, r.status, r.raw)
			}
		}
		same := func(r *resp, email string) string {
			return nonceRe.ReplaceAllString(strings.ReplaceAll(string(r.raw), email, "EMAIL"), "")
		}
		if same(wrong, "ada@example.com") != same(unknown, "nobody@example.com") {
			t.Errorf("a wrong password and an unknown email answer differently:\n%s\n---\n%s", wrong.raw, unknown.raw)
		}
	})
}

// TestLocalPopupRefusals: the popup posts to no origin the site does not
// have, opens only where local accounts are enabled, and takes no form
// posted from another origin.
func TestLocalPopupRefusals(t *testing.T) {
	eachDB(t, options{settings: localSite}, func(t *testing.T, e *env) {
		e.account("ada@example.com", "Ada")
		evil := signInForm("ada@example.com", testPassword)
		evil.Set("origin", "https://evil.example")
		p := e.popupPage(e.localForm(evil, "192.0.2.20"))
		if p.status != http.StatusForbidden || p.msg != nil {
			t.Errorf("sign-in for an unregistered origin: %d, posts %v to %q", p.status, p.msg, p.target)
		}
		r := e.do(req{method: "GET", path: "/auth/local?site=blog.example&origin=https%3A%2F%2Fevil.example", origin: "-"})
		if r.status != http.StatusForbidden || strings.Contains(string(r.raw), "<form") {
			t.Errorf("page for an unregistered origin: %d\n%s", r.status, r.raw)
		}
		r = e.do(req{method: "POST", path: "/auth/local", body: signInForm("ada@example.com", testPassword).Encode(), origin: "https://evil.example",
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}})
		if r.status != http.StatusForbidden || strings.Contains(string(r.raw), "postMessage") {
			t.Errorf("cross-origin POST: %d\n%s", r.status, r.raw)
		}
	})
	e := newEnv(t, "sqlite", options{})
	r := e.do(req{method: "GET", path: "/auth/local?site=blog.example&origin=" + url.QueryEscape(origin), origin: "-"})
	if r.status != http.StatusNotFound || strings.Contains(string(r.raw), "<form") {
		t.Errorf("popup on a guest-only site: %d\n%s", r.status, r.raw)
	}
}

// TestLocalPopupSignUpAndReset: the popup's other forms run the sign-up
// (the confirmation mail arrives) and the reset request, with the same
// answer whether or not the address has an account.
func TestLocalPopupSignUpAndReset(t *testing.T) {
	eachMailRig(t, options{settings: localSite}, func(t *testing.T, m *mailRig) {
		f := url.Values{"mode": {"signup"}, "site": {"blog.example"}, "origin": {origin}, "name": {"Bea"}, "email": {"bea@example.com"}, "password": {"password"}}
		r := m.localForm(f, "192.0.2.30")
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.raw), "common") {
			t.Errorf("sign-up with a common password: %d\n%s", r.status, r.raw)
		}
		f.Set("password", testPassword)
		// Without the proof of work, or with a made-up one, nothing is sent.
		for _, bad := range []string{"", "eyJub3QiOiJzb2x2ZWQifQ"} {
			f.Set("altcha", bad)
			if r = m.localForm(f, "192.0.2.30"); r.status != http.StatusBadRequest || !strings.Contains(string(r.raw), "did not succeed") {
				t.Errorf("sign-up with altcha %q: %d\n%s", bad, r.status, r.raw)
			}
		}
		f.Set("altcha", m.solvedCaptcha())
		r = m.localForm(f, "192.0.2.30")
		if r.status != http.StatusAccepted || !strings.Contains(string(r.raw), "We sent a message") {
			t.Fatalf("sign-up: %d\n%s", r.status, r.raw)
		}
		link := m.link(to(m.mails(1), "bea@example.com"), "/auth/verify")
		if status, _ := m.get(link); status != 200 {
			t.Errorf("confirmation link: %d", status)
		}
		known := m.localForm(url.Values{"mode": {"reset"}, "site": {"blog.example"}, "origin": {origin}, "email": {"bea@example.com"}}, "192.0.2.31")
		unknown := m.localForm(url.Values{"mode": {"reset"}, "site": {"blog.example"}, "origin": {origin}, "email": {"nobody@example.com"}}, "192.0.2.32")
		if known.status != http.StatusAccepted || unknown.status != known.status ||
			nonceRe.ReplaceAllString(strings.ReplaceAll(string(known.raw), "bea@example.com", "E"), "") !=
				nonceRe.ReplaceAllString(strings.ReplaceAll(string(unknown.raw), "nobody@example.com", "E"), "") {
			t.Errorf("reset for a known and an unknown address differ: %d %d", known.status, unknown.status)
		}
		m.link(to(m.mails(2), "bea@example.com"), "/auth/reset")
	})
}

// TestLocalPopupLimits: a form body past api.MaxLocalFormBytes is refused,
// and past the per-address limit of sign-ins the popup says how long to
// wait, even for the right password.
func TestLocalPopupLimits(t *testing.T) {
	e := newEnv(t, "sqlite", options{settings: localSite})
	e.account("ada@example.com", "Ada")
	f := signInForm("ada@example.com", testPassword)
	f.Set("name", strings.Repeat("n", api.MaxLocalFormBytes))
	if r := e.localForm(f, "192.0.2.40"); r.status != http.StatusBadRequest || strings.Contains(string(r.raw), "postMessage") {
		t.Errorf("form past %d bytes: %d\n%s", api.MaxLocalFormBytes, r.status, r.raw)
	}
	for i := range api.AccountLoginBurst {
		e.localForm(signInForm("ada@example.com", "wrong horse battery"), fmt.Sprintf("198.51.100.%d", i+1))
	}
	r := e.localForm(signInForm("ada@example.com", testPassword), "203.0.113.1")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.raw), "Too many attempts") ||
		strings.Contains(string(r.raw), "postMessage") {
		t.Errorf("sign-in past the per-address limit: %d %v\n%s", r.status, r.header, r.raw)
	}
}

// FuzzLocalForm posts arbitrary bodies to the sign-in popup's forms:
// whatever a browser sends, the answer is never a 500.
func FuzzLocalForm(f *testing.F) {
	for _, seed := range []string{
		signInForm("ada@example.com", testPassword).Encode(),
		"mode=signup&site=blog.example&origin=https%3A%2F%2Fblog.example&name=%00&email=a%40b.co&password=x",
		"mode=reset&site=blog.example&origin=https%3A%2F%2Fblog.example&email=%E2%80%AE",
		"mode=x&remember=2", "%zz", "site=&origin=",
	} {
		f.Add(seed)
	}
	e := newEnv(f, "sqlite", options{settings: localSite})
	e.account("ada@example.com", "Ada")
	n := 0
	f.Fuzz(func(t *testing.T, body string) {
		e.t = t
		n++ // each from another network, so that the per-network limit lets the forms run
		r := e.do(req{method: "POST", path: "/auth/local", body: body, origin: "-", ip: fmt.Sprintf("10.%d.%d.1", n/256%256, n%256),
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}})
		if r.status >= http.StatusInternalServerError {
			t.Fatalf("POST /auth/local with %q: %d %s", body, r.status, r.raw)
		}
	})
}
