package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNotificationChoicesPage: an owner finds the notification choices on
// the account page, sets "All comments" for the site, and the page says
// it is saved and keeps the choice; the page passes axe and fits a phone.
func TestNotificationChoicesPage(t *testing.T) {
	s := need(t)
	email := s.addOwner(t, s.strictSite, "Nora Notified")
	tb := signInDashboard(t, s, email)
	tb.do(chromedp.Navigate(s.parley + "/dashboard/account"))
	tb.landOn(`a[href="/dashboard/notifications"]`)
	tb.submit(`a[href="/dashboard/notifications"]`)
	tb.landOn("select[name=mode]")
	if got := tb.str(`document.querySelector('select[name=mode]').value`); got != "held" {
		t.Errorf("default choice %q, want held", got)
	}
	tb.checkAxe(s)
	tb.fitsPhone("the notifications page")
	tb.yes(`(() => { document.querySelector('select[name=mode]').value = 'all'; return true; })()`)
	tb.submit(`form[action="/dashboard/notifications"] button[type=submit]`)
	tb.landOn(`[role=status]`)
	if got := tb.str(`document.querySelector('select[name=mode]').value`); got != "all" {
		t.Errorf("after saving the choice is %q, want all", got)
	}
}
