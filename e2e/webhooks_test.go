package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/webhook"
)

// hookReceiver is an endpoint on 127.0.0.1 (the suite's server runs with
// PARLEY_WEBHOOK_ALLOW_PRIVATE) that keeps the events whose signature
// verifies with its secret.
type hookReceiver struct {
	mu       sync.Mutex
	secret   string
	verified []string
	forged   int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if webhook.Verify(h.secret, body, r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), time.Now(), webhook.DefaultTolerance) != nil {
		h.forged++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	h.verified = append(h.verified, r.Header.Get(webhook.HeaderEvent))
	w.WriteHeader(http.StatusNoContent)
}

// await waits until the receiver has verified event.
func (h *hookReceiver) await(t *testing.T, event string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		got, forged := slices.Contains(h.verified, event), h.forged
		h.mu.Unlock()
		if got {
			return
		}
		if forged > 0 || time.Now().After(deadline) {
			t.Fatalf("no verified %s (forged %d)", event, forged)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOwnerAddsWebhook: the owner of a site adds a webhook on the dashboard
// (a mistake shown next to its field, the typed address kept), copies its
// secret, sends a test event, which the running server delivers signed at
// once, and sees it delivered in the log; a comment posted through the API
// is delivered too. The pages pass axe, break no CSP rule and fit a phone.
func TestOwnerAddsWebhook(t *testing.T) {
	s := need(t)
	email := ownerEmail(t)
	const host = "webhooks.example"
	parley(t, s, "user", "add", email, "--name", "Wendy Webhook", "--verified")
	parley(t, s, "site", "add", host, "--owner", email)
	s.awaitSite(t, host)
	recv := &hookReceiver{}
	srv := httptest.NewServer(recv)
	t.Cleanup(srv.Close)

	tb := signInDashboard(t, s, email)
	site := tb.str(`[...document.querySelectorAll('.sites a')].find(a => a.textContent.includes('` + host + `')).href`)
	tb.do(chromedp.Navigate(site))
	tb.landOn(`a[href$="/webhooks"]`)
	tb.click(`a[href$="/webhooks"]`)
	tb.landOn("#url")
	tb.checkAxe(s)

	tb.setValue("#url", srv.URL+"/hook")
	tb.submit(`button[type=submit].primary`)
	tb.landOn("#event-error")
	if v := tb.str(`document.querySelector('#url').value`); v != srv.URL+"/hook" {
		t.Errorf("the typed address is not kept: %q", v)
	}
	tb.checkAxe(s)
	tb.click("#event-comment\\.created")
	tb.submit(`button[type=submit].primary`)
	tb.landOn(".secret")
	recv.mu.Lock()
	recv.secret = tb.str(`document.querySelector('.secret').textContent`)
	recv.mu.Unlock()
	tb.checkAxe(s)

	tb.submit(`form[action$="/test"] button`)
	tb.landOn(".done")
	recv.await(t, "ping")
	s.post(t, host, "https://"+host, "/hooked", "Heard by the webhook.", "Ann", 0)
	recv.await(t, "comment.created")
	tb.do(chromedp.Reload())
	tb.landOn("#log")
	if log := tb.str(`document.querySelector('section[aria-labelledby=log] table').textContent`); strings.Count(log, "delivered") != 2 || !strings.Contains(log, "HTTP 204") {
		t.Errorf("the delivery log: %q", log)
	}
	tb.checkAxe(s)
	tb.fitsPhone("the webhook's page")
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations: %s", v)
	}
}
