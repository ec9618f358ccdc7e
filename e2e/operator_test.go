package e2e

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/cli"
)

// TestContactFormReachesTheOperator: a visitor fills the public contact
// form, whose proof of work the browser solves under the page's own CSP;
// the operator signs in, finds the message in the operator area, whose
// pages pass axe, and marks it handled.
func TestContactFormReachesTheOperator(t *testing.T) {
	s := need(t)
	if s.axe == "" {
		t.Skip("axe-core missing: run npm ci in e2e/")
	}
	const password = "a long operator password"
	getenv := func(k string) string { return map[string]string{"PARLEY_LOG_LEVEL": "warn"}[k] }
	if err := cli.RunWithInput(context.Background(), []string{"user", "add", "op-e2e@example.com", "--name", "Oona Operator", "--operator",
		"--data-dir", s.dataDir}, getenv, strings.NewReader(password+"\n"), io.Discard, os.Stderr); err != nil {
		t.Fatal(err)
	}

	visitor := newTab(t)
	visitor.recordCSPViolations()
	visitor.do(chromedp.EmulateViewport(390, 800))
	visitor.do(chromedp.Navigate(s.parley + "/dashboard/contact"))
	visitor.landOn("#message")
	visitor.axe(s, "body")
	visitor.setValue("#name", "Vera Visitor")
	visitor.setValue("#email", "vera@example.org")
	visitor.setValue("#message", "Do you host in the EU? "+path(t))
	visitor.click(`button[type=submit].primary`)
	visitor.landOn(".done")
	if v := visitor.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the contact page: %s", v)
	}

	op := newTab(t)
	op.recordCSPViolations()
	op.do(chromedp.Navigate(s.parley + "/dashboard/signin"))
	op.landOn("#email")
	op.setValue("#email", "op-e2e@example.com")
	op.setValue("#password", password)
	op.click(`button[type=submit].primary`)
	op.landOn(`a[href="/dashboard/operator"]`) // the home page's link to the operator area
	op.do(chromedp.Navigate(s.parley + "/dashboard/operator/messages"))
	op.landOn(".tabs")
	if !op.yes(`[...document.querySelectorAll('.comments li')].some(li => li.textContent.includes('Vera Visitor') && li.textContent.includes('vera@example.org'))`) {
		t.Fatal("the message is not in the operator area")
	}
	op.axe(s, "body")
	op.submit(`.comments li form[action$="/handled"] button`)
	op.landOn(".tabs")
	if !op.yes(`[...document.querySelectorAll('.comments li .tag')].some(t => t.textContent === 'handled')`) {
		t.Error("the message is not marked handled")
	}
	for _, page := range []string{"/dashboard/operator", "/dashboard/operator/plans", "/dashboard/operator/sites", "/dashboard/operator/settings",
		"/dashboard/operator/broadcasts", "/dashboard/operator/audit", "/dashboard/operator/mail"} {
		op.do(chromedp.Navigate(s.parley + page))
		op.landOn(".tabs")
		op.axe(s, "body")
	}
	if v := op.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations in the operator area: %s", v)
	}
}
