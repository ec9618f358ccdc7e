package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOwnerErasesAnAuthorsData: a guest comments on a site; its owner
// opens the comment's author history, which offers the download and the
// erasure of the author's data, erases it choosing deletion, and the
// comment is gone from the widget. The pages pass axe, fit a phone and
// run no script.
func TestOwnerErasesAnAuthorsData(t *testing.T) {
	s := need(t)
	email := ownerEmail(t)
	port := s.host[strings.LastIndex(s.host, ":")+1:]
	site := "erase-e2e.localhost:" + port
	parley(t, s, "user", "add", email, "--name", "Eda Eraser")
	parley(t, s, "site", "add", site, "--owner", email)
	s.awaitSite(t, site)
	p := path(t)
	var out struct {
		Comment struct {
			ID int64 `json:"id"`
		} `json:"comment"`
	}
	s.call(t, "POST", "/api/v1/comments", "http://"+site, "", map[string]any{"site": site, "path": p, "title": "Erase",
		"text": "Please forget me.", "author": map[string]string{"name": "Fay Forgotten", "email": "fay@example.com"}}, &out, 201)
	id := out.Comment.ID

	tb := signInDashboard(t, s, email)
	tb.click(`.sites a[href$="/moderation"]`)
	tb.landOn(".tabs")
	tb.do(chromedp.Navigate(tb.str(`location.href`) + "?status=approved"))
	tb.landOn(fmt.Sprintf("#comment-%d", id))
	tb.do(chromedp.Navigate(fmt.Sprintf("%s/comments/%d/author", strings.TrimSuffix(strings.Split(tb.str(`location.href`), "?")[0], "/moderation"), id)))
	tb.landOn(`a[href$="/author/export"]`)
	tb.click(`a[href$="/author/erase"]`)
	tb.landOn("#comments-delete")
	tb.checkAxe(s)
	tb.fitsPhone("the erase page")
	tb.click(`form[action$="/author/erase"] button[type=submit]`) // no choice yet
	tb.landOn("#comments-error")
	tb.click("#comments-delete")
	tb.click(`form[action$="/author/erase"] button[type=submit]`)
	tb.landOn(".done")
	if got := tb.str(`document.querySelector('.done').textContent`); got != "1 comment erased with their author's data." {
		t.Errorf("after erasing: %q", got)
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the dashboard: %s", v)
	}

	reader := newTab(t)
	reader.open("http://" + site + p)
	reader.wait(`document.querySelector('.parley .p-empty')`) // the page's only comment is gone
}
