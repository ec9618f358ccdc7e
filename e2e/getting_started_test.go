package e2e

import (
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/notify/smtptest"
)

// TestGettingStarted follows docs/getting-started.md as a new owner would:
// sign up (the proof of work solved by the browser), confirm the address
// from the mail, sign in, add a site, paste its snippet into a page of that
// site, comment there, hold new comments in the settings, approve the held
// one in the queue and see it on the page. With PARLEY_SCREENSHOTS=1 it
// writes the guide's pictures of the dashboard (docs/screenshots/dashboard-*.png).
func TestGettingStarted(t *testing.T) {
	need(t)
	box := smtptest.Start(t)
	data := filepath.Join(t.TempDir(), "data")
	// The guide's operator: a plan for every new account, and an operator
	// account of the command line.
	const opEmail = "olu@example.com"
	instance := &suite{dataDir: data}
	parley(t, instance, "user", "add", opEmail, "--name", "Olu Operator", "--operator") // password: ownerPassword
	parley(t, instance, "plan", "add", "starter", "--sites", "3", "--views", "100000", "--comments", "5000")
	parley(t, instance, "plan", "default", "starter")
	base := serveWithMailIn(t, box, data)

	// A page of the owner's site: the guide's index.html, on another origin.
	hostLn, snippet := listenHost(t)
	site := fmt.Sprintf("localhost:%d", hostLn.Addr().(*net.TCPAddr).Port)

	const email, password = "nia@example.com", "a long owner passphrase"
	tb := newTab(t)
	tb.recordCSPViolations()
	tb.do(chromedp.EmulateViewport(900, 700))

	// 1. Create the account.
	tb.do(chromedp.Navigate(base + "/dashboard/signup"))
	tb.landOn("#name")
	tb.setValue("#name", "Nia Newcomer")
	tb.setValue("#email", email)
	tb.setValue("#password", password)
	tb.wait(`document.querySelector('input[name=altcha]').value !== ''`)
	tb.screenshot("dashboard-signup.png")
	tb.click(`button[type=submit].primary`)
	tb.arrive("/dashboard/signup/sent")

	// 2. Confirm the address with the mail's link, then sign in.
	msgs := box.Wait(1, 30*time.Second)
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/auth/verify\?\S+`).FindString(mailText(t, msgs[0]))
	if link == "" {
		t.Fatalf("no confirmation link in:\n%s", mailText(t, msgs[0]))
	}
	tb.do(chromedp.Navigate(link))
	tb.landOn(".done")
	tb.setValue("#email", email)
	tb.setValue("#password", password)
	tb.click(`button[type=submit].primary`)
	tb.arrive("/dashboard")

	// 3. Add the site; its page shows the snippet.
	tb.submit(`a[href="/dashboard/sites/new"]`)
	tb.setValue("#host", site)
	tb.submit(`button[type=submit].primary`)
	if !tb.yes(`!document.querySelector('.waiting')`) {
		t.Error("the site of a confirmed owner is not live")
	}
	*snippet = tb.str(`document.querySelector('pre.snippet').textContent`)
	if !strings.Contains(*snippet, base+"/js/parley.js") || !strings.Contains(*snippet, `data-site="`+site+`"`) {
		t.Errorf("snippet %q", *snippet)
	}
	tb.screenshot("dashboard-site.png")
	siteURL := tb.str(`location.pathname`)

	// 4. The page with the snippet takes a comment, published at once.
	reader := newTab(t)
	reader.open("http://" + site + "/")
	if reader.yes(`[...document.querySelector('.parley').childNodes[0].childNodes].some(n => n.nodeType === 3 && n.textContent.trim() !== '')`) {
		t.Errorf("the widget shows stray text: %s", reader.str(`document.querySelector('.parley').innerText.slice(0, 300)`))
	}
	first := "Hello from my own site!"
	reader.comment("Ann Reader", first)
	reader.wait(`[...document.querySelectorAll('.p-c:not(.p-pending) .p-text')].some(e => e.textContent.includes(` + jsString(first) + `))`)

	// 5. Hold every new comment for moderation.
	tb.submit(`a[href="` + siteURL + `/settings"]`)
	tb.click("#moderation-all")
	tb.screenshot("dashboard-settings.png", true) // its top: who may comment, moderation
	tb.submit(`button[type=submit].primary`)
	tb.landOn(".done")

	// 6. The next comment waits in the queue; approved, every reader sees it.
	second := "Will this one wait for the owner?"
	reader.open("http://" + site + "/")
	reader.comment("Ben Reader", second)
	reader.wait(`[...document.querySelectorAll('.p-pending .p-text')].some(e => e.textContent.includes(` + jsString(second) + `))`)
	tb.submit(`a[href="` + siteURL + `"]`)
	tb.submit(`a[href="` + siteURL + `/moderation"]`)
	tb.landOn(".queue .comment, [id^=comment-]")
	if !tb.yes(`document.body.textContent.includes(` + jsString(second) + `)`) {
		t.Fatal("the held comment is not in the pending tab")
	}
	tb.screenshot("dashboard-pending.png")
	tb.submit(`button[name=one][value^="approve "]`)
	if got := tb.str(`document.querySelector('.done').textContent`); got != "1 comment approved." {
		t.Errorf("after approving: %q", got)
	}
	other := newTab(t)
	other.open("http://" + site + "/")
	other.wait(`[...document.querySelectorAll('.p-c:not(.p-pending) .p-text')].some(e => e.textContent.includes(` + jsString(second) + `))`)

	// 7. Home (with the plan's usage) and analytics.
	tb.submit(`a.brand`)
	if !tb.yes(`document.querySelector('#usage-title') !== null && document.body.textContent.includes('starter')`) {
		t.Error("the home page shows no usage of the plan")
	}
	tb.screenshot("dashboard-home.png")
	tb.submit(`a[href="` + siteURL + `/analytics"]`)
	tb.landOn("svg.chart")
	if os.Getenv("PARLEY_SCREENSHOTS") == "1" { // the readers' views, written every 10 s, for the picture
		for i := 0; i < 30 && tb.yes(`document.querySelector('.analytics-totals').textContent.startsWith('0 page views')`); i++ {
			time.Sleep(500 * time.Millisecond)
			tb.submit(`a[aria-current=page]`)
		}
	}
	tb.screenshot("dashboard-analytics.png")
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations: %s", v)
	}

	// 8. The operator's area lists the new account.
	op := newTab(t)
	op.do(chromedp.EmulateViewport(900, 700))
	op.do(chromedp.Navigate(base + "/dashboard/signin"))
	op.landOn("#email")
	op.setValue("#email", opEmail)
	op.setValue("#password", ownerPassword)
	op.click(`button[type=submit].primary`)
	op.arrive("/dashboard")
	op.submit(`header a[href="/dashboard/operator"]`)
	if !op.yes(`document.body.textContent.includes(` + jsString(email) + `)`) {
		t.Error("the operator area does not list the new owner")
	}
	op.screenshot("dashboard-operator.png")
}

// listenHost serves the guide's index.html on a port of its own: a page
// whose body holds what *snippet is when the page is asked for.
func listenHost(t *testing.T) (net.Listener, *string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	snippet := new(string)
	page := template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>My blog</title></head>
<body><h1>Hello</h1><p>My first post.</p>
{{.}}
</body></html>
`))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, template.HTML(*snippet))
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return ln, snippet
}

// comment posts text as a guest named name with the widget's main form.
func (tb *tab) comment(name, text string) {
	tb.t.Helper()
	tb.setValue(".parley .p-main-form textarea", text)
	tb.setValue(".parley .p-main-form input[name=name]", name)
	tb.click(".parley .p-main-form button[type=submit]")
}

// screenshot writes the page (or, with top, the window's part of it: 900 by
// 700 px) to docs/screenshots/file when PARLEY_SCREENSHOTS=1.
func (tb *tab) screenshot(file string, top ...bool) {
	tb.t.Helper()
	if os.Getenv("PARLEY_SCREENSHOTS") != "1" {
		return
	}
	tb.yes(`document.activeElement.blur(); true`)
	shot := chromedp.Screenshot(chromedp.CSS("body"))
	if len(top) > 0 && top[0] {
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(tb.ctx, shot)
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", file), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("wrote %s (%d bytes)", file, len(png))
}
