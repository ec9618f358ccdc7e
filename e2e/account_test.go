package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

const beaPassword = "correct horse battery staple"

// popup runs click (JavaScript) in tb and returns the popup window it opens at a Parley
// address containing path, as a tab of its own.
func (tb *tab) popup(parley, path, click string) *tab {
	tb.t.Helper()
	ch := chromedp.WaitNewTarget(tb.ctx, func(i *target.Info) bool { return strings.HasPrefix(i.URL, parley) && strings.Contains(i.URL, path) })
	tb.yes(`(() => { ` + click + `; return true })()`)
	select {
	case id := <-ch:
		ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(id))
		tb.t.Cleanup(cancel)
		return &tab{t: tb.t, ctx: ctx}
	case <-time.After(10 * time.Second):
		tb.t.Fatalf("no popup at %s opened", path)
		return nil
	}
}

const clickButton = `[...document.querySelectorAll('.parley .p-login button')].find(b => b.textContent === %q).click()`

// TestLocalAccountPopupAndAccountPage: on a site with local accounts, Bea signs in through the
// Email popup, comments, renames herself on the account page (whose token comes from the
// widget by postMessage), sees the new name on her comment, and logs out everywhere.
func TestLocalAccountPopupAndAccountPage(t *testing.T) {
	w := startLoginWorld(t)
	tb := newTabIn(t, w.browser)
	tb.open(w.host + "/article")
	tb.wait(`[...document.querySelectorAll('.parley .p-login button')].some(b => b.textContent === 'Log in with Email')`)

	p := tb.popup(w.parley, "/auth/local", strings.Replace(clickButton, "%q", `'Log in with Email'`, 1))
	p.wait(`document.getElementById('password')`)
	p.yes(`(() => {
		document.getElementById('email').value = 'bea@example.com';
		document.getElementById('password').value = '` + beaPassword + `';
		document.querySelector('form').requestSubmit();
		return true;
	})()`)
	tb.wait(`document.querySelector('.parley .p-login') && document.querySelector('.parley .p-login').textContent.includes('Logged in as Bea')`)

	tb.do(chromedp.SendKeys(chromedp.CSS(`.parley .p-main-form textarea`), "Hello, as a local account."))
	tb.click(`.parley .p-main-form button[type=submit]`)
	tb.wait(`[...document.querySelectorAll('.parley .p-c .p-name')].some(e => e.textContent === 'Bea')`)

	a := tb.popup(w.parley, "/account", strings.Replace(clickButton, "%q", `'Account'`, 1))
	a.wait(`!document.getElementById('account').hidden && document.getElementById('name').value === 'Bea'`)
	if got := a.str(`document.getElementById('email').textContent`); got != "bea@example.com" {
		t.Errorf("account page shows email %q", got)
	}
	if n := a.num(`document.querySelectorAll('#sessions li').length`); n != 1 {
		t.Errorf("account page lists %d sessions, want 1", n)
	}
	if n := a.num(`localStorage.length + sessionStorage.length`); n != 0 {
		t.Errorf("the account page stored %d entries on Parley's origin", n)
	}
	a.yes(`(() => {
		document.getElementById('name').value = 'Bea Renamed';
		document.getElementById('profile').requestSubmit();
		return true;
	})()`)
	a.wait(`document.getElementById('status').textContent === 'Your profile is saved.'`)

	tb.open(w.host + "/article")
	tb.wait(`[...document.querySelectorAll('.parley .p-c .p-name')].some(e => e.textContent === 'Bea Renamed')`)
	tb.wait(`document.querySelector('.parley .p-login').textContent.includes('Logged in as Bea Renamed')`)

	token := tb.str(`JSON.parse(localStorage.getItem('parley.session')).t`)
	a.click(`#export`)
	a.wait(`document.getElementById('status').textContent === 'Your data is downloaded.'`)
	a.yes(`(() => {
		document.getElementById('erase-password').value = '` + beaPassword + `';
		document.querySelector('#erase-form input[value=delete]').checked = true;
		document.getElementById('erase-form').requestSubmit();
		return true;
	})()`)
	a.wait(`document.getElementById('status').textContent.startsWith('Your account is deleted')`)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, w.parley+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the token after logging out everywhere: %d, want 401", resp.StatusCode)
	}
	tb.open(w.host + "/article")
	tb.wait(`localStorage.getItem('parley.session') === null`)
	tb.wait(`![...document.querySelectorAll('.parley .p-c .p-name')].some(e => e.textContent.startsWith('Bea'))`)
}
