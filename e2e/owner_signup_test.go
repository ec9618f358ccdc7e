package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/notify/smtptest"
)

// serveWithMail starts another Parley server, on its own data directory,
// that sends its mail to an in-test SMTP server, and returns its origin.
func serveWithMail(t *testing.T, box *smtptest.Server) string {
	t.Helper()
	return serveWithMailIn(t, box, filepath.Join(t.TempDir(), "data"))
}

// serveWithMailIn is serveWithMail on the data directory dir, which the
// test may prepare (and change) with parley's other commands.
func serveWithMailIn(t *testing.T, box *smtptest.Server, dir string) string {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	vars := map[string]string{"PARLEY_SMTP_URL": box.URL(), "PARLEY_MAIL_FROM": "parley@example.com",
		"PARLEY_LOG_LEVEL": "warn", "PARLEY_DEMO": "false", "PARLEY_DATA_DIR": dir,
		// The browser types faster than a person: no least fill time, no
		// interval between its comments (as the suite's server).
		"PARLEY_MIN_FILL_TIME": "0", "PARLEY_COMMENT_INTERVAL": "0"}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- cli.Run(ctx, []string{"serve", "--listen", strings.TrimPrefix(base, "http://")},
			func(k string) string { return vars[k] }, io.Discard, os.Stderr)
	}()
	t.Cleanup(func() { cancel(); <-served })
	if err := waitHealthy(base, served); err != nil {
		t.Fatal(err)
	}
	return base
}

// mailText is the text/plain part of a message, decoded.
func mailText(t *testing.T, m smtptest.Message) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextPart() // decodes quoted-printable
		if err != nil {
			t.Fatalf("no text part: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

// TestOwnerSignsUpInTheDashboard is issue 10's sign-up flow: from the
// sign-in page to "Create an account", the proof of work solved by the
// browser under the page's own CSP, the confirmation mail received over
// SMTP, its link opened, and the new owner signed in on the dashboard.
func TestOwnerSignsUpInTheDashboard(t *testing.T) {
	need(t)
	box := smtptest.Start(t)
	base := serveWithMail(t, box)
	const email, password = "nia@example.com", "a long owner passphrase"

	// Only the sign-up page may run a script, Parley's own; without
	// JavaScript it says the check needs it.
	for page, want := range map[string]string{"/dashboard/signup": admin.SignupCSP, "/dashboard/signin": admin.CSP} {
		resp, err := http.Get(base + page)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.Header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%s CSP %q, want %q", page, got, want)
		}
		if page == "/dashboard/signup" && !regexp.MustCompile(`<noscript>[^<]*<p[^>]*>[^<]*needs JavaScript`).Match(body) {
			t.Errorf("the sign-up page does not say the check needs JavaScript:\n%s", body)
		}
	}

	tb := newTab(t)
	tb.recordCSPViolations()
	tb.do(chromedp.EmulateViewport(390, 800))
	tb.do(chromedp.Navigate(base + "/dashboard/signin"))
	tb.landOn(`a[href="/dashboard/signup"]`)
	tb.click(`a[href="/dashboard/signup"]`)
	tb.landOn("#name")
	tb.setValue("#name", "Nia Newcomer")
	tb.setValue("#email", email)
	tb.setValue("#password", password)
	tb.wait(`document.querySelector('input[name=altcha]').value !== ''`)
	if got := tb.str(`document.querySelector('[data-captcha-status]').textContent`); !strings.HasPrefix(got, "Verified") {
		t.Errorf("solver status %q", got)
	}
	if s := need(t); s.axe != "" {
		tb.axe(s, "body")
	}
	tb.click(`button[type=submit].primary`)
	tb.arrive("/dashboard/signup/sent")
	if got := tb.str(`document.querySelector('h1').textContent`); got != "Check your mailbox" {
		t.Errorf("after sign-up: %q", got)
	}

	msgs := box.Wait(1, 30*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != email {
		t.Fatalf("mail: %+v", msgs)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/auth/verify\?\S+`).FindString(mailText(t, msgs[0]))
	if link == "" {
		t.Fatalf("no confirmation link in:\n%s", mailText(t, msgs[0]))
	}
	tb.do(chromedp.Navigate(link))
	tb.landOn(".done")
	if got := tb.str(`location.pathname + ' ' + document.querySelector('.done').textContent`); !strings.HasPrefix(got, "/dashboard/signin Your email address is confirmed") {
		t.Errorf("after the link: %q", got)
	}
	tb.setValue("#email", email)
	tb.setValue("#password", password)
	tb.click(`button[type=submit].primary`)
	tb.arrive("/dashboard")
	if got := tb.str(`document.querySelector('h1').textContent`); got != "Your sites" {
		t.Errorf("home page heading %q", got)
	}
	if tb.yes(`document.body.textContent.includes('Confirm your email address')`) {
		t.Error("a confirmed owner is asked to confirm the address")
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations: %s", v)
	}
}

// arrive waits until a form's post and its redirects have led to path,
// across the navigations (which interrupt a page's polling).
func (tb *tab) arrive(path string) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname : ''`))
		if err == nil && got == path {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("the browser did not arrive at %s", path)
}
