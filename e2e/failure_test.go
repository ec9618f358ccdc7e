package e2e

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLoadFailureSaysWhy: when the server refuses a thread, the widget tells the reader the
// server's reason, in the reader's language, with a way to try again.
func TestLoadFailureSaysWhy(t *testing.T) {
	s := need(t)
	p := path(t)
	tests := []struct {
		name, query, want, lang string
	}{
		{"unknown site", "?site=nope.example",
			"Comments could not be loaded. No site named nope.example is registered on the comment server.", "en"},
		{"origin not allowed", "?site=" + url.QueryEscape(s.strictSite),
			"Comments could not be loaded. This page's address, " + s.host + ", is not registered for this site on the comment server.", "en"},
		{"unknown site in German", "?lang=de&site=nope.example",
			"Die Kommentare konnten nicht geladen werden. Auf dem Kommentar-Server ist keine Website namens nope.example registriert.", "de"},
		{"origin not allowed in Arabic", "?lang=ar&site=" + url.QueryEscape(s.strictSite),
			"تعذّر تحميل التعليقات. عنوان هذه الصفحة (" + s.host + ") غير مسجّل لهذا الموقع على خادم التعليقات.", "ar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTab(t)
			tb.do(chromedp.Navigate(s.host + p + tt.query))
			tb.wait(`document.querySelector('.parley .p-notice + button')`)
			if got := tb.str(`document.querySelector('.parley .p-notice').textContent`); got != tt.want {
				t.Errorf("notice %q, want %q", got, tt.want)
			}
			if got := tb.str(`document.querySelector('.parley .p-notice').getAttribute('role') || ''`); got != "alert" {
				t.Errorf("notice role %q, want alert (screen readers announce the failure)", got)
			}
			if got := tb.str(`document.querySelector('.parley').lang`); got != tt.lang {
				t.Errorf("widget language %q, want %q", got, tt.lang)
			}
			tb.assertOnlyOrigins(s.host + p + tt.query)
		})
	}
}
