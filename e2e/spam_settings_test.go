package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOwnerSetsSpamRules: the owner of a site sets its spam rules on the
// settings page; a mistake is shown next to its field with the typed list
// kept, the corrected form is saved and shown again. The page passes axe
// with and without errors, breaks no CSP rule and fits a phone's width.
func TestOwnerSetsSpamRules(t *testing.T) {
	s := need(t)
	email := ownerEmail(t)
	const host = "spam-rules.example"
	parley(t, s, "user", "add", email, "--name", "Sam Spamrules", "--verified")
	parley(t, s, "site", "add", host, "--owner", email)
	tb := signInDashboard(t, s, email)
	settings := tb.str(`[...document.querySelectorAll('.sites a')].find(a => a.textContent.includes('`+host+`')).href`) + "/settings"
	tb.do(chromedp.Navigate(settings))
	tb.landOn("#blocked_words")
	tb.checkAxe(s)

	tb.setValue("#link_limit", "500")
	tb.setValue("#blocked_words", "casino\n!!!")
	tb.click(`#moderation-guests`)
	tb.submit(`button[type=submit].primary`)
	tb.landOn("#blocked_words-error")
	if msg := tb.str(`document.querySelector('#link_limit-error').textContent`); msg != "Enter a whole number from 0 to 100." {
		t.Errorf("the link limit's error: %q", msg)
	}
	if v := tb.str(`document.querySelector('#blocked_words').value`); v != "casino\n!!!" {
		t.Errorf("the typed list is not kept: %q", v)
	}
	if d := tb.str(`document.querySelector('#blocked_words').getAttribute('aria-describedby')`); !strings.Contains(d, "blocked_words-error") {
		t.Errorf("the list does not point at its error: %q", d)
	}
	tb.checkAxe(s)

	tb.setValue("#link_limit", "3")
	tb.setValue("#blocked_words", "casino\ncheap pills")
	tb.click(`#akismet_on_error-publish`)
	tb.submit(`button[type=submit].primary`)
	tb.landOn(".done")
	if v := tb.str(`document.querySelector('#blocked_words').value`); v != "casino\ncheap pills" {
		t.Errorf("the saved list: %q", v)
	}
	if !tb.yes(`document.querySelector('#moderation-guests').checked && document.querySelector('#akismet_on_error-publish').checked`) {
		t.Error("the saved choices are not shown")
	}
	tb.fitsPhone("the settings page")
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations: %s", v)
	}
}
