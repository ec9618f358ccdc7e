package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/cli"
)

// parley runs the command line on the suite's data, as an operator would
// while the server runs; the password, when asked, is ownerPassword.
func parley(t *testing.T, s *suite, args ...string) {
	t.Helper()
	getenv := func(k string) string { return map[string]string{"PARLEY_LOG_LEVEL": "warn"}[k] }
	args = append(args, "--data-dir", s.dataDir)
	if err := cli.RunWithInput(context.Background(), args, getenv, strings.NewReader(ownerPassword+"\n"), io.Discard, os.Stderr); err != nil {
		t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
	}
}

// ownerEmail is an address of the test's own.
func ownerEmail(t *testing.T) string {
	return "owner-" + strings.ToLower(strings.NewReplacer("/", "", "_", "").Replace(t.Name())) + "@example.com"
}

// signInDashboard opens a tab signed in on the dashboard as email.
func signInDashboard(t *testing.T, s *suite, email string) *tab {
	t.Helper()
	tb := newTab(t)
	tb.recordCSPViolations()
	tb.do(chromedp.Navigate(s.parley + "/dashboard/signin"))
	tb.landOn("#email")
	tb.setValue("#email", email)
	tb.setValue("#password", ownerPassword)
	tb.click(`button[type=submit].primary`)
	tb.landOn(".sites")
	return tb
}

// checkAxe runs axe on the page when the suite has it (npm ci in e2e/).
func (tb *tab) checkAxe(s *suite) {
	tb.t.Helper()
	if s.axe != "" {
		tb.axe(s, "body")
	}
}

// fitsPhone fails when the page scrolls sideways at a phone's width.
func (tb *tab) fitsPhone(what string) {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(390, 800))
	if tb.yes(`document.documentElement.scrollWidth > window.innerWidth`) {
		tb.t.Errorf("%s scrolls sideways at 390px (%d px wide)", what, tb.num(`document.documentElement.scrollWidth`))
	}
	tb.do(chromedp.EmulateViewport(1000, 800))
}

// TestSearchAndApproveHeldComment: the owner of a site that holds every
// comment finds a guest's comment by the guest's exact email in the
// dashboard's search, approves it from the results, and the widget on the
// host page shows it to everyone.
func TestSearchAndApproveHeldComment(t *testing.T) {
	s := need(t)
	email := ownerEmail(t)
	parley(t, s, "user", "add", email, "--name", "Sam Searcher")
	parley(t, s, "site", "member", "add", s.strictSite, email, "--role", "owner")
	p := path(t)
	guest := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "")) + "@example.com"
	text := "Find me by my address, " + p
	var out struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
	}
	s.call(t, "POST", "/api/v1/comments", s.strict, "", map[string]any{"site": s.strictSite, "path": p, "title": "Held",
		"text": text, "author": map[string]string{"name": "Hedda Held", "email": guest}}, &out, 201)
	id := out.Comment.ID

	tb := signInDashboard(t, s, email)
	tb.click(`.sites a[href$="/moderation"]`)
	tb.landOn("#search-author")
	tb.setValue("#search-author", strings.ToUpper(guest))
	tb.submit(`form.search button[type=submit]`) // the comment is on the pending tab already
	tb.landOn(fmt.Sprintf("#comment-%d", id))
	tb.checkAxe(s)
	tb.fitsPhone("the search results")
	if n := tb.num(`document.querySelectorAll('.comments > li').length`); n != 1 {
		t.Errorf("the search by email shows %d comments, want the guest's alone", n)
	}
	if got := tb.str(`new URL(location.href).searchParams.get('author')`); got != strings.ToUpper(guest) {
		t.Errorf("the address lost the search: %q", got)
	}
	tb.click(fmt.Sprintf(`#comment-%d button[name=one][value="approve %d"]`, id, id))
	tb.landOn(".done")
	if got := tb.str(`document.querySelector('.done').textContent`); got != "1 comment approved." {
		t.Errorf("after approving: %q", got)
	}
	if got := tb.str(`document.querySelector('#search-author').value`); got != strings.ToUpper(guest) {
		t.Errorf("the search is gone after the action: %q", got)
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the dashboard: %s", v)
	}

	reader := newTab(t)
	reader.open(s.strict + p)
	reader.wait(fmt.Sprintf(`document.querySelector('#comment-%d .p-text')?.textContent.includes(%s)`, id, jsString(text)))
}

// TestBannedAuthorIsRefusedInTheWidget: a guest comments in the widget;
// the site's owner bans them for 7 days from that comment on the
// dashboard; the guest's next comment in the widget is refused, with the
// server's message shown. The site is the test's own, so that the ban of
// the browser's network touches no other test.
func TestBannedAuthorIsRefusedInTheWidget(t *testing.T) {
	s := need(t)
	email := ownerEmail(t)
	port := s.host[strings.LastIndex(s.host, ":")+1:]
	site := "ban-e2e.localhost:" + port
	parley(t, s, "user", "add", email, "--name", "Bo Banner")
	parley(t, s, "site", "add", site, "--owner", email)
	s.awaitSite(t, site)
	p := path(t)

	widget := newTab(t)
	widget.open("http://" + site + p)
	widget.setValue(topForm+` input[name=name]`, "Bea Banned")
	widget.setValue(topForm+` input[name=email]`, "bea@example.com")
	widget.setValue(topForm+` textarea`, "My first words.")
	widget.click(topForm + ` button[type=submit]`)
	id := widget.commentID("My first words.")

	tb := signInDashboard(t, s, email)
	tb.click(`.sites a[href$="/moderation"]`) // the owner's one site
	tb.landOn(".tabs")
	tb.do(chromedp.Navigate(tb.str(`location.href`) + "?status=approved"))
	tb.landOn(fmt.Sprintf("#comment-%d", id))
	tb.click(fmt.Sprintf(`#comment-%d a[href$="/comments/%d/ban"]`, id, id))
	tb.landOn("#ban-duration-7")
	tb.checkAxe(s)
	tb.click("#ban-duration-7")
	tb.click(`form[action$="/ban"] button[type=submit]`)
	tb.landOn(".done")
	if got := tb.str(`document.querySelector('.done').textContent`); got != "The author was banned." {
		t.Errorf("after banning: %q", got)
	}
	if !tb.yes(`[...document.querySelectorAll('table.list td')].some(td => td.textContent.startsWith('Bea Banned'))`) {
		t.Error("the list of bans does not show the guest")
	}
	tb.checkAxe(s)
	tb.fitsPhone("the list of bans")
	// The audit log says who banned whom, for how long; the author's page
	// and the edit form pass axe and fit a phone too.
	tb.click(`.crumbs a[href$="/audit"]`)
	tb.landOn("table.list")
	if !tb.yes(fmt.Sprintf(`[...document.querySelectorAll('table.list tr')].some(tr => tr.textContent.includes('Bo Banner') && tr.textContent.includes('banned the author of comment %d') && tr.textContent.includes('this site, 7 days'))`, id)) {
		t.Errorf("the audit log does not record the ban: %s", tb.str(`document.querySelector('table.list').textContent`))
	}
	tb.checkAxe(s)
	tb.fitsPhone("the audit log")
	for _, page := range []string{"author", "edit"} {
		tb.do(chromedp.Navigate(fmt.Sprintf("%s/comments/%d/%s", strings.TrimSuffix(tb.str(`location.href`), "/audit"), id, page)))
		tb.landOn("main h1")
		tb.checkAxe(s)
		tb.fitsPhone(page)
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the dashboard: %s", v)
	}

	widget.open("http://" + site + p)
	widget.setValue(topForm+` input[name=name]`, "Bea Banned")
	widget.setValue(topForm+` input[name=email]`, "bea@example.com")
	widget.setValue(topForm+` textarea`, "Let me back in.")
	widget.click(topForm + ` button[type=submit]`)
	widget.wait(`document.querySelector('.parley [role=status]')?.textContent.startsWith('you are banned from commenting on this site until ')`)
	if widget.yes(`[...document.querySelectorAll('.parley .p-text')].some(e => e.textContent.includes('Let me back in.'))`) {
		t.Error("the refused comment shows in the thread")
	}
}
