package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAccountPage: the account popup opens only for a site's origin, which
// it names as the only one to ask for the token; its script loads by nonce
// from a content-named address cached for good; and the account routes
// take its same-origin calls, but no other origin's.
func TestAccountPage(t *testing.T) {
	eachDB(t, options{publicURL: "https://comments.example"}, func(t *testing.T, e *env) {
		r := e.do(req{method: "GET", path: "/account?origin=" + url.QueryEscape(origin), origin: "-"})
		csp, page := r.header.Get("Content-Security-Policy"), string(r.raw)
		m := regexp.MustCompile(`<script nonce="([^"]+)" src="(/account/account-[0-9a-f]+\.js)"`).FindStringSubmatch(page)
		if r.status != 200 || m == nil || !strings.Contains(csp, "script-src 'nonce-"+m[1]+"'") || !strings.Contains(csp, "connect-src 'self'") ||
			!strings.Contains(csp, "default-src 'none'") || !strings.Contains(page, `data-origin="`+origin+`"`) {
			t.Fatalf("account page: %d CSP %q\n%s", r.status, csp, page)
		}
		js := e.do(req{method: "GET", path: m[2], origin: "-"})
		if js.status != 200 || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") ||
			!strings.Contains(js.header.Get("Cache-Control"), "immutable") || !strings.Contains(string(js.raw), "parley-account-ready") {
			t.Errorf("account script: %d %v", js.status, js.header)
		}
		if r := e.do(req{method: "GET", path: "/account/account-000000000000.js", origin: "-"}); r.status != http.StatusNotFound {
			t.Errorf("an outdated script name: %d, want 404", r.status)
		}
		r = e.do(req{method: "GET", path: "/account?origin=" + url.QueryEscape("https://evil.example"), origin: "-"})
		if r.status != http.StatusForbidden || strings.Contains(string(r.raw), "<script") {
			t.Errorf("account page for an unregistered origin: %d\n%s", r.status, r.raw)
		}

		e.account("ada@example.com", "Ada")
		token := e.login("ada@example.com", false)
		rename := map[string]any{"name": "Ada L."}
		r = e.do(req{method: "PATCH", path: "/api/v1/me", body: rename, origin: "https://comments.example", headers: bearer(token)})
		if r.status != 200 || r.str("user.name") != "Ada L." || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("rename from the account page: %d %s %v", r.status, r.raw, r.header)
		}
		r = e.do(req{method: "PATCH", path: "/api/v1/me", body: rename, origin: "https://evil.example", headers: bearer(token)})
		if r.status != http.StatusForbidden {
			t.Errorf("rename from another origin: %d %s", r.status, r.raw)
		}
	})
}
