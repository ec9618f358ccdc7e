package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboardApprovesHeldComment: the owner of a site that holds every
// comment, made as docs/dashboard.md says, signs in on /dashboard, finds
// the comment a guest posted in the queue and approves it; the widget on
// the host page then shows it to everyone. The pages pass axe, break no
// CSP rule and fit a phone's width.
func TestDashboardApprovesHeldComment(t *testing.T) {
	s := need(t)
	if s.axe == "" {
		t.Skip("axe-core missing: run npm ci in e2e/")
	}
	email := s.addOwner(t, s.strictSite, "Olive Owner")
	p := path(t)
	text := "Held until the owner approves, " + p
	var out struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
	}
	s.call(t, "POST", "/api/v1/comments", s.strict, "", map[string]any{"site": s.strictSite, "path": p, "title": "Held",
		"text": text, "author": map[string]string{"name": "Gus Guest", "email": "gus@example.com"}}, &out, 201)
	id := out.Comment.ID
	shots := os.Getenv("PARLEY_SCREENSHOTS") == "1"
	if shots { // a fuller queue for docs/screenshots
		for _, c := range []struct{ name, text string }{
			{"Ada Lovelace", "Could the next post cover **self-hosting** on a small VPS? I'd read it twice."},
			{"Linus", "Great write-up. One nit: the second link points to the old docs."},
		} {
			s.call(t, "POST", "/api/v1/comments", s.strict, "", map[string]any{"site": s.strictSite, "path": "/blog/hello", "title": "Hello",
				"text": c.text, "author": map[string]string{"name": c.name, "email": "reader@example.com"}}, nil, 201)
		}
	}

	tb := newTab(t)
	tb.recordCSPViolations()
	tb.do(chromedp.EmulateViewport(390, 800))
	tb.do(chromedp.Navigate(s.parley + "/dashboard"))
	tb.landOn("#email")
	if got := tb.str(`location.pathname`); got != "/dashboard/signin" {
		t.Errorf("/dashboard without a session went to %s, want the sign-in page", got)
	}
	tb.axe(s, "body")
	tb.setValue("#email", email)
	tb.setValue("#password", ownerPassword)
	tb.click("#remember")
	tb.click(`button[type=submit].primary`)
	tb.landOn(".sites")
	if got := tb.str(`[...document.querySelectorAll('.sites li')].find(li => li.textContent.includes(` + jsString(s.strictSite) + `))?.querySelector('.role').textContent || ''`); got != "owner" {
		t.Fatalf("the home page shows the site with role %q, want owner", got)
	}
	tb.click(`.sites a[href$="/moderation"]`)
	tb.landOn(fmt.Sprintf("#comment-%d", id))
	if !tb.yes(fmt.Sprintf(`document.querySelector('#comment-%d .email').textContent === 'gus@example.com'`, id)) {
		t.Error("the owner does not see the commenter's email")
	}
	if tb.yes(`document.documentElement.scrollWidth > window.innerWidth`) {
		t.Errorf("the moderation page scrolls sideways at 390px (%d px wide)", tb.num(`document.documentElement.scrollWidth`))
	}
	tb.axe(s, "body")
	if shots {
		tb.do(chromedp.EmulateViewport(900, 700))
		png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS("body")))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", "dashboard-moderation.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tb.click(fmt.Sprintf(`#comment-%d button[name=one][value="approve %d"]`, id, id))
	tb.landOn(".done")
	if got := tb.str(`document.querySelector('.done').textContent`); got != "1 comment approved." {
		t.Errorf("after approving: %q", got)
	}
	if tb.yes(fmt.Sprintf(`!!document.querySelector('#comment-%d')`, id)) {
		t.Error("the approved comment is still in the pending tab")
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the dashboard: %s", v)
	}

	reader := newTab(t)
	reader.open(s.strict + p)
	reader.wait(fmt.Sprintf(`document.querySelector('#comment-%d .p-text')?.textContent.includes(%s)`, id, jsString(text)))
	if reader.yes(fmt.Sprintf(`document.querySelector('#comment-%d').classList.contains('p-pending')`, id)) {
		t.Error("the approved comment still shows as pending in the widget")
	}
}

// landOn waits until a page that follows a navigation (a form's post and
// its redirect) shows an element matching css.
func (tb *tab) landOn(css string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(css))); err != nil {
		tb.t.Fatalf("waiting for %s: %v", css, err)
	}
}
