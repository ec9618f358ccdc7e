package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/captcha"
)

// captchaPage is a sign-up form as a page on Parley's origin uses the
// solver: a hidden altcha field, a status line, the script by URL. No
// inline script: the page's CSP forbids it.
var captchaPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign up</title>
<script src="{{.}}" defer></script></head>
<body><form method="post" action="/captcha-test" data-captcha>
<label>Email <input name="email" value="{{"captcha@example.com"}}"></label>
<input type="hidden" name="altcha">
<p data-captcha-status role="status" aria-live="polite"></p>
<button type="submit">Sign up</button>
</form></body></html>`))

// captchaOrigin serves the test page and, for everything else, Parley
// itself (/captcha.js, /api/v1/captcha/challenge): one origin, as for the
// sign-up page Parley serves. Its form posts to /captcha-test, which signs
// up on Parley with the solution the browser found and shows the status.
func captchaOrigin(t *testing.T, s *suite) string {
	target, err := url.Parse(s.parley)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", httputil.NewSingleHostReverseProxy(target))
	mux.HandleFunc("GET /captcha-test", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'self'")
		captchaPage.Execute(w, captcha.ScriptURL())
	})
	mux.HandleFunc("POST /captcha-test", func(w http.ResponseWriter, r *http.Request) {
		body, _ := json.Marshal(map[string]string{"email": r.FormValue("email"), "password": "a long enough passphrase",
			"name": "Captcha", "altcha": r.FormValue("altcha")})
		resp, err := http.Post(s.parley+"/api/v1/auth/signup", "application/json", bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		fmt.Fprintf(w, "<!doctype html><title>done</title><p id=result>%d %s</p>", resp.StatusCode, template.HTMLEscapeString(string(answer)))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCaptchaSolvedInTheBrowser: captcha.js fetches a challenge, solves it
// with WebCrypto under a strict CSP, says so in its status line, and the
// solution signs up on Parley; the same solution sent again is refused. A
// form submitted before the solver finished is held, then sent.
func TestCaptchaSolvedInTheBrowser(t *testing.T) {
	s := need(t)
	origin := captchaOrigin(t, s)
	tb := newTab(t)
	start := time.Now()
	tb.do(chromedp.Navigate(origin + "/captcha-test"))
	tb.wait(`document.querySelector('input[name=altcha]').value !== ''`)
	t.Logf("solved in %v at difficulty %d", time.Since(start).Round(time.Millisecond), captcha.DefaultDifficulty)
	if got := tb.str(`document.querySelector('[data-captcha-status]').textContent`); !strings.HasPrefix(got, "Verified") {
		t.Errorf("status %q", got)
	}
	solution := tb.str(`document.querySelector('input[name=altcha]').value`)
	tb.click(`button[type=submit]`)
	tb.do(chromedp.WaitVisible(chromedp.CSS(`#result`)))
	if got := tb.str(`document.querySelector('#result').textContent`); !strings.HasPrefix(got, "202 ") {
		t.Fatalf("sign-up with the browser's solution: %s", got)
	}

	body, _ := json.Marshal(map[string]string{"email": "other@example.com", "password": "a long enough passphrase", "name": "B", "altcha": solution})
	resp, err := http.Post(s.parley+"/api/v1/auth/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(answer), "captcha_invalid") {
		t.Errorf("replayed: %d %s", resp.StatusCode, answer)
	}

	tb.do(chromedp.Navigate(origin + "/captcha-test"))
	tb.click(`button[type=submit]`) // at once: the solver holds the submit until it has a solution
	tb.do(chromedp.WaitVisible(chromedp.CSS(`#result`)))
	if got := tb.str(`document.querySelector('#result').textContent`); !strings.HasPrefix(got, "202 ") {
		t.Errorf("submitted before solved: %s", got)
	}
}
