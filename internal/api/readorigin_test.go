package api_test

import (
	"testing"
)

// TestThreadErrorsAreReadableByThePage: the widget can only tell its reader why a thread did not
// load if the browser lets it read the error. Every error of a thread read names the asking
// origin; a page of another site gets origin_not_allowed instead of a thread it cannot read.
func TestThreadErrorsAreReadableByThePage(t *testing.T) {
	const foreign = "https://evil.example"
	eachDB(t, options{}, func(t *testing.T, e *env) {
		e.post("/post", 0, "hello")
		cases := []struct {
			name, query, origin string
			status              int
			code                string
		}{
			{"unknown site", "site=nope.example&path=/post", origin, 404, "site_not_found"},
			{"origin of another site", "site=blog.example&path=/post", foreign, 403, "origin_not_allowed"},
			{"bad query from another site", "site=blog.example&path=/post&sort=x", foreign, 403, "origin_not_allowed"},
			{"bad query", "site=blog.example&path=/post&sort=x", origin, 400, "invalid_field"},
		}
		for _, c := range cases {
			r := e.do(req{method: "GET", path: "/api/v1/thread?" + c.query, origin: c.origin})
			if r.status != c.status || r.str("error.code") != c.code {
				t.Errorf("%s: %d %s, want %d %s", c.name, r.status, r.raw, c.status, c.code)
			}
			if got := r.header.Get("Access-Control-Allow-Origin"); got != c.origin {
				t.Errorf("%s: Access-Control-Allow-Origin %q, want %q so the page can read why", c.name, got, c.origin)
			}
		}
		// Servers and same-origin pages send no Origin and still read the thread.
		if r := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", origin: "-"}); r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("thread without Origin: %d ACAO %q", r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
	})
}

// TestMessagesForAFailedLoad: a widget whose thread did not load fetches its translation to
// explain why; any page may read it, and English or an unknown language gets none.
func TestMessagesForAFailedLoad(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	r := e.do(req{method: "GET", path: "/api/v1/messages?lang=de", origin: "https://evil.example"})
	if r.status != 200 || r.str("i18n.lang") != "de" || r.str("i18n.messages.reply") != "Antworten" {
		t.Errorf("lang=de: %d %s", r.status, r.raw)
	}
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://evil.example" {
		t.Errorf("Access-Control-Allow-Origin %q: a page whose origin is refused must still read its language", got)
	}
	for _, lang := range []string{"en", "tlh", ""} {
		if r := e.do(req{method: "GET", path: "/api/v1/messages?lang=" + lang}); r.status != 200 || r.get("i18n") != nil {
			t.Errorf("lang=%q: %d %s", lang, r.status, r.raw)
		}
	}
}
