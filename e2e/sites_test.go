package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/cli"
)

// TestOwnerAddsSiteAndEmbedsIt: a signed-in owner adds a site in the
// dashboard, copies the embed snippet from the site's page into a host page
// on that site's own origin, and a comment posted in the widget there
// appears. The dashboard pages pass axe and break no CSP rule.
func TestOwnerAddsSiteAndEmbedsIt(t *testing.T) {
	s := need(t)
	if s.axe == "" {
		t.Skip("axe-core missing: run npm ci in e2e/")
	}
	// The new sites' pages: a server of their own, on a port no site has
	// (as 127.0.0.1:PORT and localhost:PORT), whose article holds whatever
	// snippet the owner pasted for that host.
	var mu sync.Mutex
	snippets := map[string]string{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	snippetOf := func(host string) string {
		mu.Lock()
		defer mu.Unlock()
		return snippets[host]
	}
	blog := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>My first post</title></head>
<body><main><h1>My first post</h1><p>Some words.</p>`+snippetOf(r.Host)+`</main></body></html>`)
	}))
	blog.Listener.Close()
	blog.Listener = ln
	blog.Start()
	t.Cleanup(blog.Close)
	domain := ln.Addr().String()

	email := "owner-sites@example.com"
	const password = "a long owner password"
	getenv := func(k string) string { return map[string]string{"PARLEY_LOG_LEVEL": "warn"}[k] }
	err = cli.RunWithInput(context.Background(), []string{"user", "add", email, "--name", "Sam Sites", "--verified", "--data-dir", s.dataDir},
		getenv, strings.NewReader(password+"\n"), io.Discard, os.Stderr)
	if err != nil {
		t.Fatalf("parley user add: %v", err)
	}

	tb := newTab(t)
	tb.recordCSPViolations()
	tb.do(chromedp.Navigate(s.parley + "/dashboard/signin"))
	tb.landOn("#email")
	tb.setValue("#email", email)
	tb.setValue("#password", password)
	tb.click(`button[type=submit].primary`)
	tb.landOn(`a[href="/dashboard/sites/new"]`)
	tb.click(`a[href="/dashboard/sites/new"]`)
	tb.landOn("#host")
	tb.axe(s, "body")
	tb.setValue("#host", "not a domain")
	tb.click(`button[type=submit].primary`)
	tb.landOn("#host-error")
	tb.setValue("#host", strings.ToUpper(domain))
	tb.click(`button[type=submit].primary`)
	tb.landOn("pre.snippet code")
	tb.axe(s, "body")
	if tb.yes(`!!document.querySelector('.waiting')`) {
		t.Error("the site of a confirmed owner waits")
	}
	snippet := tb.str(`document.querySelector('pre.snippet code').textContent`)
	mu.Lock()
	snippets[domain] = snippet
	mu.Unlock()
	if !strings.Contains(snippet, `<script src="`+s.parley+`/js/parley.js" data-site="`+domain+`" defer></script>`) {
		t.Fatalf("the snippet: %s", snippet)
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the dashboard: %s", v)
	}

	reader := newTab(t)
	reader.open(blog.URL + "/first-post")
	reader.wait(`document.querySelector('.parley .p-empty')`)
	reader.setValue(topForm+` input[name=name]`, "Rita Reader")
	reader.setValue(topForm+` textarea`, "Welcome to the new site!")
	reader.click(topForm + ` button[type=submit]`)
	reader.commentID("Welcome to the new site!")

	// A second reader sees it too.
	other := newTab(t)
	other.open(blog.URL + "/first-post")
	other.commentID("Welcome to the new site!")
	if got := other.str(`document.querySelector('.parley .p-name').textContent`); got != "Rita Reader" {
		t.Errorf("the comment's author: %q", got)
	}
}

// TestWaitingSiteShowsWhy: the site of an owner who has not confirmed their
// email address is not live; the widget on its pages says so politely
// instead of showing comments, and the dashboard says what it waits for.
func TestWaitingSiteShowsWhy(t *testing.T) {
	s := need(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	domain := ln.Addr().String()
	var snippet string
	page := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Soon</title></head><body><main>`+snippet+`</main></body></html>`)
	}))
	page.Listener.Close()
	page.Listener = ln
	page.Start()
	t.Cleanup(page.Close)

	email := "unconfirmed-owner@example.com"
	const password = "a long owner password"
	getenv := func(k string) string { return map[string]string{"PARLEY_LOG_LEVEL": "warn"}[k] }
	if err := cli.RunWithInput(context.Background(), []string{"user", "add", email, "--name", "Una", "--data-dir", s.dataDir},
		getenv, strings.NewReader(password+"\n"), io.Discard, os.Stderr); err != nil {
		t.Fatalf("parley user add: %v", err)
	}
	tb := newTab(t)
	tb.do(chromedp.Navigate(s.parley + "/dashboard/signin"))
	tb.landOn("#email")
	tb.setValue("#email", email)
	tb.setValue("#password", password)
	tb.click(`button[type=submit].primary`)
	tb.landOn(`a[href="/dashboard/sites/new"]`)
	tb.click(`a[href="/dashboard/sites/new"]`)
	tb.landOn("#host")
	tb.setValue("#host", domain)
	tb.click(`button[type=submit].primary`)
	tb.landOn("pre.snippet code")
	if got := tb.str(`document.querySelector('.waiting')?.textContent || ''`); !strings.Contains(got, "waiting for you to confirm your email address") {
		t.Errorf("the site's page: %q", got)
	}
	snippet = tb.str(`document.querySelector('pre.snippet code').textContent`)

	reader := newTab(t)
	reader.do(chromedp.Navigate(page.URL + "/"))
	reader.wait(`document.querySelector('.parley [role=alert]')?.textContent.includes('Comments are not open on this site yet: its owner has not confirmed their email address.')`)
	if reader.yes(`!!document.querySelector('.parley .p-main-form')`) {
		t.Error("the widget of a waiting site offers to comment")
	}
}
