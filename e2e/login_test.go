package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/oidctest"
)

// loginWorld is a Parley with an OpenID Connect provider "kc", a host page on another site
// (localhost vs 127.0.0.1) that enables it and local accounts, and a Chromium whose profile blocks third-party
// cookies, as Safari and Firefox do by default.
type loginWorld struct {
	parley, host, site string
	picture            string // the provider's URL of the person's picture
	browser            context.Context
}

func startLoginWorld(t *testing.T) *loginWorld {
	t.Helper()
	s := need(t)
	idp := oidctest.Start(t)

	hostLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Her picture is on the provider's side (here the host server's 127.0.0.1 name, another
	// site than the page): Parley fetches it, the browser must not.
	picture := "http://" + hostLn.Addr().String() + "/ada.png"
	for range 3 {
		idp.QueueUser(oidctest.Person{Subject: "ada-1", Name: "Ada Lovelace", Email: "ada@example.com", Picture: picture})
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	w := &loginWorld{parley: fmt.Sprintf("http://127.0.0.1:%d", port), site: fmt.Sprintf("localhost:%d", hostLn.Addr().(*net.TCPAddr).Port)}
	w.host, w.picture = "http://"+w.site, picture
	cfg := idp.Config()
	vars := map[string]string{
		"PARLEY_WRITE_RATE": "0", "PARLEY_LOG_LEVEL": "warn", "PARLEY_DEMO": "false", "PARLEY_AVATAR_ALLOW_PRIVATE": "true",
		"PARLEY_AUTH_PROVIDERS": "kc=" + cfg.ClientID + ":" + cfg.ClientSecret + "@" + idp.Issuer(),
	}
	getenv := func(k string) string { return vars[k] }
	data := t.TempDir()
	if err := cli.Run(context.Background(), []string{"site", "add", w.site, "--login", "guest,kc,local", "--data-dir", data}, getenv, io.Discard, os.Stderr); err != nil {
		t.Fatal(err)
	}
	// Bea has a local account (account_test.go).
	if err := cli.RunWithInput(context.Background(), []string{"user", "add", "bea@example.com", "--name", "Bea", "--data-dir", data}, getenv,
		strings.NewReader(beaPassword+"\n"), io.Discard, os.Stderr); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- cli.Run(ctx, []string{"serve", "--listen", strings.TrimPrefix(w.parley, "http://"), "--data-dir", data}, getenv, io.Discard, os.Stderr)
	}()
	t.Cleanup(func() { stop(); <-served })
	if err := waitHealthy(w.parley, served); err != nil {
		t.Fatal(err)
	}

	pages := &suite{parley: w.parley} // the suite's host page, loading this Parley's widget
	host := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ada.png" {
			rw.Header().Set("Content-Type", "image/png")
			png.Encode(rw, image.NewNRGBA(image.Rect(0, 0, 120, 120)))
			return
		}
		if r.URL.Path == "/probe" { // framed from another site: can it keep a cookie?
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(rw, `<script>document.cookie = "probe=1; SameSite=None; Secure; Path=/"; (parent === window ? window : parent).postMessage("cookie:" + document.cookie, "*");</script>`)
			return
		}
		pages.hostPage(rw, r)
	}))
	host.Listener.Close()
	host.Listener = hostLn
	host.Start()
	t.Cleanup(host.Close)

	// "Block third-party cookies" is the profile's cookie_controls_mode 1, as the settings page sets it.
	profile := t.TempDir()
	os.MkdirAll(filepath.Join(profile, "Default"), 0o700)
	prefs := `{"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": true}}`
	if err := os.WriteFile(filepath.Join(profile, "Default", "Preferences"), []byte(prefs), 0o600); err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromeOptions(s.chrome, profile)...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	w.browser = bctx
	return w
}

// TestProviderLoginWithThirdPartyCookiesBlocked logs in through the popup with an OpenID
// Connect provider served by the test, in a browser that blocks third-party cookies, then
// comments as that person: the public thread names them and has no email anywhere.
func TestProviderLoginWithThirdPartyCookiesBlocked(t *testing.T) {
	w := startLoginWorld(t)
	tb := newTabIn(t, w.browser)

	// The browser really blocks third-party cookies: a page of 127.0.0.1 keeps its cookie as the
	// top page, and cannot when framed by the localhost page.
	hostIP := strings.Replace(w.host, "localhost", "127.0.0.1", 1)
	tb.do(chromedp.Navigate(hostIP + "/probe"))
	if got := tb.str(`document.cookie`); got != "probe=1" {
		t.Fatalf("first-party probe cookie %q: the probe cannot tell blocking from failure", got)
	}
	tb.open(w.host + "/article")
	if tb.yes(`document.querySelector('.parley .p-guest') == null`) {
		t.Error("guests are enabled, but the form has no guest fields")
	}
	framed := tb.str(`new Promise((ok) => {
		addEventListener('message', (e) => { if (String(e.data).startsWith('cookie:')) ok(e.data); });
		document.body.append(Object.assign(document.createElement('iframe'), {src: '` + hostIP + `/probe'}));
	})`)
	if framed != "cookie:" {
		t.Fatalf("a third-party frame kept the cookie %q: third-party cookies are not blocked", framed)
	}

	// A reader has nothing stored; the widget offers the site's provider.
	if n := tb.num(`localStorage.length + sessionStorage.length`); n != 0 {
		t.Errorf("%d storage entries before login (promise P1)", n)
	}
	tb.wait(`[...document.querySelectorAll('.parley .p-login button')].some(b => b.textContent === 'Log in with Kc')`)
	tb.yes(`(() => { [...document.querySelectorAll('.parley .p-login button')].find(b => b.textContent === 'Log in with Kc').click(); return true })()`)
	tb.wait(`document.querySelector('.parley .p-login') && document.querySelector('.parley .p-login').textContent.includes('Logged in as Ada Lovelace')`)
	if got := tb.str(`JSON.parse(localStorage.getItem('parley.session')).n`); got != "Ada Lovelace" {
		t.Errorf("stored session name %q", got)
	}
	if tb.yes(`document.querySelector('.parley .p-guest') != null`) {
		t.Error("the logged-in visitor is still asked for a name and email")
	}

	// Comment as Ada, through the widget (the token travels as Authorization: Bearer).
	tb.do(chromedp.SendKeys(chromedp.CSS(`.parley .p-main-form textarea`), "Hello, as a logged-in person."))
	tb.click(`.parley .p-main-form button[type=submit]`)
	tb.wait(`[...document.querySelectorAll('.parley .p-c .p-name')].some(e => e.textContent === 'Ada Lovelace')`)
	tb.wait(`document.querySelector('.parley .p-c img.p-av') && document.querySelector('.parley .p-c img.p-av').naturalWidth === 96`)
	if src := tb.str(`document.querySelector('.parley .p-c img.p-av').src`); !strings.HasPrefix(src, w.parley+"/avatars/") {
		t.Errorf("her picture is loaded from %s, want Parley's copy", src)
	}

	// The public thread, as any reader gets it, names her and has no email anywhere.
	resp, err := http.Get(w.parley + "/api/v1/thread?site=" + w.site + "&path=/article")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var th struct {
		Comments []struct {
			Author struct{ Name string } `json:"author"`
		} `json:"comments"`
	}
	if err := json.Unmarshal(raw, &th); err != nil || len(th.Comments) != 1 || th.Comments[0].Author.Name != "Ada Lovelace" {
		t.Errorf("public thread: %v %s", err, raw)
	}
	if strings.Contains(string(raw), "ada@example.com") || strings.Contains(string(raw), "@") {
		t.Errorf("the public thread carries an email: %s", raw)
	}
	if strings.Contains(string(raw), w.picture) {
		t.Errorf("the public thread carries the provider's picture URL: %s", raw)
	}

	// No cookie anywhere, and the host page talked to Parley only (the popup went to the provider).
	tb.mu.Lock()
	cookies := append([]string(nil), tb.setCookies...)
	tb.mu.Unlock()
	if len(cookies) != 0 {
		t.Errorf("cookies were set: %v", cookies)
	}
	for _, r := range tb.snapshotRequests() {
		if !strings.HasPrefix(r, w.parley+"/") && !strings.HasPrefix(r, w.host+"/") && !strings.HasPrefix(r, hostIP+"/") && !strings.HasPrefix(r, "data:") {
			t.Errorf("the host page requested %s", r)
		}
	}

	// Logging out ends the session on the server and erases it from the page.
	token := tb.str(`JSON.parse(localStorage.getItem('parley.session')).t`)
	tb.yes(`(() => { [...document.querySelectorAll('.parley .p-login button')].find(b => b.textContent === 'Log out').click(); return true })()`)
	tb.wait(`localStorage.getItem('parley.session') === null && [...document.querySelectorAll('.parley .p-login button')].some(b => b.textContent === 'Log in with Kc')`)
	req, _ := http.NewRequest(http.MethodGet, w.parley+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the token after logout: status %d, want 401", resp.StatusCode)
	}
}
