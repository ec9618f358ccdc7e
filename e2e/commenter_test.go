package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// topForm is the editor for new root comments.
const topForm = `.parley .p-main-form`

// commentID returns the id of the only comment whose text contains text.
func (tb *tab) commentID(text string) int64 {
	tb.t.Helper()
	expr := fmt.Sprintf(`(() => {
		const m = [...document.querySelectorAll('.parley .p-c')].filter(li => li.querySelector(':scope > .p-body .p-text')?.textContent.includes(%q));
		return m.length === 1 ? +m[0].id.slice(8) : -m.length;
	})()`, text)
	tb.wait(strings.Replace(expr, "return m.length === 1 ? +m[0].id.slice(8) : -m.length;", "return m.length === 1;", 1))
	return int64(tb.num(expr))
}

func (tb *tab) setValue(css, value string) {
	tb.t.Helper()
	tb.yes(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %s; e.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, css, jsString(value)))
}

// TestGuestCommentsRepliesEditsDeletesVotesAndSorts walks one visitor through the whole editor.
func TestGuestCommentsRepliesEditsDeletesVotesAndSorts(t *testing.T) {
	s := need(t)
	p := path(t)
	tb := newTab(t)
	tb.open(s.host + p)
	tb.wait(`document.querySelector('.parley .p-empty')`)

	// A root comment, typed for real and sent with Ctrl+Enter.
	tb.do(chromedp.SendKeys(chromedp.CSS(topForm+` input[name=name]`), "Ada"))
	tb.do(chromedp.SendKeys(chromedp.CSS(topForm+` textarea`), "First comment, *typed*."))
	if got := tb.str(`document.querySelector('` + topForm + ` .p-counter').textContent`); got != "23 / 10,000" {
		t.Errorf("counter %q, want \"23 / 10,000\"", got)
	}
	tb.do(chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	first := tb.commentID("First comment, typed.")
	tb.wait(`document.querySelector('.parley [role=status]').textContent.includes('published')`)
	if got := tb.str(`document.querySelector('.parley .p-count').textContent`); got != "1 comment" {
		t.Errorf("heading %q after the first comment", got)
	}
	if v := tb.str(`document.querySelector('` + topForm + ` textarea').value`); v != "" {
		t.Errorf("editor not cleared after posting: %q", v)
	}
	if n := tb.num(`localStorage.length`); n != 0 {
		t.Errorf("posting without ticking remember wrote %d localStorage items", n)
	}
	if n := tb.num(`Object.keys(JSON.parse(sessionStorage.getItem('parley.edit'))).length`); n != 1 {
		t.Errorf("%d edit tokens in sessionStorage, want 1", n)
	}

	// A reply in place; the form takes focus and knows the name typed before.
	tb.clickAction(first, "Reply")
	replyForm := fmt.Sprintf(`#comment-%d > .p-form`, first)
	tb.wait(fmt.Sprintf(`document.activeElement === document.querySelector('%s textarea')`, replyForm))
	if got := tb.str(`document.querySelector('` + replyForm + ` input[name=name]').value`); got != "Ada" {
		t.Errorf("reply form name %q, want Ada", got)
	}
	tb.do(chromedp.SendKeys(chromedp.CSS(replyForm+` textarea`), "A reply to myself."))
	tb.click(replyForm + ` button[type=submit]`)
	reply := tb.commentID("A reply to myself.")
	tb.wait(fmt.Sprintf(`document.querySelector('#comment-%d .p-kids > #comment-%d') && !document.querySelector('%s')`, first, reply, replyForm))

	// Edit the reply within the window.
	tb.clickAction(reply, "Edit")
	editForm := fmt.Sprintf(`#comment-%d > .p-form`, reply)
	tb.wait(fmt.Sprintf(`document.querySelector('%s textarea')?.value === 'A reply to myself.'`, editForm))
	tb.setValue(editForm+` textarea`, "An edited reply.")
	tb.click(editForm + ` button[type=submit]`)
	tb.wait(fmt.Sprintf(`document.querySelector('#comment-%d > .p-body .p-text')?.textContent.includes('An edited reply.')`, reply))
	if got := tb.str(fmt.Sprintf(`document.querySelector('#comment-%d > .p-body .p-tag')?.textContent || ''`, reply)); got != "edited" {
		t.Errorf("edited marker %q", got)
	}

	// Delete it: the first click asks, the second deletes.
	tb.clickAction(reply, "Delete")
	tb.clickAction(reply, "Really delete?")
	tb.wait(fmt.Sprintf(`!document.getElementById('comment-%d')`, reply))
	tb.wait(`document.querySelector('.parley .p-count').textContent === '1 comment'`)
	tb.wait(`document.querySelector('.parley [role=status]').textContent.includes('deleted')`)

	// Votes: up, kept across a reload (the server knows the voter without a cookie), withdrawn.
	up := fmt.Sprintf(`#comment-%d > .p-body .p-vote[aria-label=Upvote]`, first)
	score := fmt.Sprintf(`document.querySelector('#comment-%d > .p-body .p-score').textContent`, first)
	tb.click(up)
	tb.wait(score + ` === '1' && document.querySelector('` + up + `').getAttribute('aria-pressed') === 'true'`)
	tb.open(s.host + p)
	tb.wait(score + ` === '1' && document.querySelector('` + up + `').getAttribute('aria-pressed') === 'true'`)
	tb.click(up)
	tb.wait(score + ` === '0' && document.querySelector('` + up + `').getAttribute('aria-pressed') === 'false'`)

	// A second root and the sort switch; a draft in the editor survives re-sorting.
	tb.setValue(topForm+` input[name=name]`, "Ada")
	tb.setValue(topForm+` textarea`, "Second comment.")
	tb.click(topForm + ` button[type=submit]`)
	tb.commentID("Second comment.")
	tb.setValue(topForm+` textarea`, "a draft")
	firstRoot := `document.querySelector('.parley .p-thread > .p-list > .p-c .p-text').textContent`
	for _, c := range []struct{ sort, first string }{{"newest", "Second comment."}, {"oldest", "First comment"}, {"top", "First comment"}} {
		tb.yes(`(() => { const s = document.querySelector('.parley .p-sort select'); s.value = '` + c.sort + `'; s.dispatchEvent(new Event('change')); return true; })()`)
		tb.wait(firstRoot + `.includes('` + c.first + `')`)
	}
	if v := tb.str(`document.querySelector('` + topForm + ` textarea').value`); v != "a draft" {
		t.Errorf("draft lost on re-sort: %q", v)
	}

	// Others' comments offer no edit or delete.
	other := s.seed(t, p, "Someone else's comment.", "Bob", 0)
	tb.open(s.host + p)
	tb.wait(fmt.Sprintf(`document.getElementById('comment-%d')`, other.ID))
	if n := tb.num(fmt.Sprintf(`[...document.querySelectorAll('#comment-%d > .p-body .p-acts button')].filter(b => /Edit|Delete/.test(b.textContent)).length`, other.ID)); n != 0 {
		t.Error("another visitor's comment offers edit or delete")
	}
	if n := tb.num(fmt.Sprintf(`[...document.querySelectorAll('#comment-%d > .p-body .p-acts button')].filter(b => b.textContent === 'Edit').length`, first)); n != 1 {
		t.Error("own comment lost its edit button after a reload in the same tab")
	}
}

// TestEditorGuardsAndErrors: no double submit, client checks, and server errors next to the field
// the server names.
func TestEditorGuardsAndErrors(t *testing.T) {
	s := need(t)
	p := path(t)
	tb := newTab(t)
	tb.open(s.host + p)

	// Empty text and missing name are caught before any request.
	tb.click(topForm + ` button[type=submit]`)
	tb.wait(`document.activeElement === document.querySelector('` + topForm + ` textarea') && document.querySelector('` + topForm + ` textarea').getAttribute('aria-invalid') === 'true'`)
	tb.setValue(topForm+` textarea`, "Hello")
	tb.click(topForm + ` button[type=submit]`)
	tb.wait(`document.activeElement === document.querySelector('` + topForm + ` input[name=name]')`)
	nameErr := tb.str(`document.getElementById(document.querySelector('` + topForm + ` input[name=name]').getAttribute('aria-describedby')).textContent`)
	if nameErr != "Please enter your name." {
		t.Errorf("name error %q", nameErr)
	}

	// A server-side error lands next to the field it names.
	tb.setValue(topForm+` input[name=name]`, "Eve")
	tb.setValue(topForm+` input[name=website]`, "ftp://not-a-web-site")
	tb.click(topForm + ` button[type=submit]`)
	site := topForm + ` input[name=website]`
	tb.wait(`document.querySelector('` + site + `').getAttribute('aria-invalid') === 'true'`)
	msg := tb.str(`document.getElementById(document.querySelector('` + site + `').getAttribute('aria-describedby')).textContent`)
	if msg == "" {
		t.Error("no message next to the website field")
	}
	if n := tb.num(`document.querySelectorAll('.parley .p-c').length`); n != 0 {
		t.Errorf("%d comments posted despite the error", n)
	}
	tb.wait(`document.querySelector('.parley [role=status]').textContent === ` + jsString(msg))

	// Two clicks in the same instant post once.
	tb.setValue(site, "")
	tb.setValue(topForm+` textarea`, "Only once, please.")
	tb.yes(`(() => { const b = document.querySelector('` + topForm + ` button[type=submit]'); b.click(); b.click(); b.click(); return true; })()`)
	tb.commentID("Only once, please.")
	tb.open(s.host + p)
	if n := tb.num(`[...document.querySelectorAll('.parley .p-text')].filter(e => e.textContent.includes('Only once')).length`); n != 1 {
		t.Errorf("double submit posted %d comments", n)
	}

	// Too long for the site maximum.
	tb.setValue(topForm+` input[name=name]`, "Eve")
	tb.setValue(topForm+` textarea`, strings.Repeat("x", 10001))
	if !tb.yes(`document.querySelector('` + topForm + ` .p-counter').classList.contains('p-over')`) {
		t.Error("counter not marked over the limit")
	}
	tb.click(topForm + ` button[type=submit]`)
	tb.wait(`document.querySelector('.parley [role=status]').textContent === 'Please shorten your comment to 10,000 characters.'`)

	// Escape closes a reply form and gives focus back to its button.
	id := tb.commentID("Only once, please.")
	tb.clickAction(id, "Reply")
	tb.wait(fmt.Sprintf(`document.activeElement === document.querySelector('#comment-%d > .p-form textarea')`, id))
	tb.do(chromedp.KeyEvent(kb.Escape))
	tb.wait(fmt.Sprintf(`!document.querySelector('#comment-%d > .p-form') && document.activeElement.textContent === 'Reply'`, id))
}

// TestRememberMyDetails: unticked leaves nothing; ticked fills the form after a reload;
// unticking erases.
func TestRememberMyDetails(t *testing.T) {
	s := need(t)
	p := path(t)
	tb := newTab(t)
	tb.open(s.host + p)
	if tb.yes(`document.querySelector('` + topForm + ` input[type=checkbox]').checked`) {
		t.Fatal("remember my details is ticked by default")
	}
	tb.setValue(topForm+` input[name=name]`, "Grace")
	tb.setValue(topForm+` input[name=email]`, "grace@example.com")
	tb.setValue(topForm+` textarea`, "Unremembered.")
	tb.click(topForm + ` button[type=submit]`)
	tb.commentID("Unremembered.")
	if n := tb.num(`localStorage.length`); n != 0 {
		t.Fatalf("unticked: localStorage holds %d items", n)
	}
	tb.open(s.host + p)
	if v := tb.str(`document.querySelector('` + topForm + ` input[name=name]').value`); v != "" {
		t.Errorf("unticked: name %q filled after reload", v)
	}

	tb.setValue(topForm+` input[name=name]`, "Grace")
	tb.setValue(topForm+` input[name=email]`, "grace@example.com")
	tb.setValue(topForm+` input[name=website]`, "https://grace.example")
	tb.click(topForm + ` input[type=checkbox]`)
	tb.setValue(topForm+` textarea`, "Remembered.")
	tb.click(topForm + ` button[type=submit]`)
	tb.commentID("Remembered.")
	if got := tb.str(`localStorage.getItem('parley.author')`); !strings.Contains(got, `"name":"Grace"`) || !strings.Contains(got, "grace@example.com") {
		t.Errorf("ticked: stored %q", got)
	}
	tb.open(s.host + p)
	got := tb.str(`['name', 'email', 'website'].map(n => document.querySelector('` + topForm + ` input[name=' + n + ']').value).join('|')`)
	if got != "Grace|grace@example.com|https://grace.example" {
		t.Errorf("ticked: form after reload %q", got)
	}
	if !tb.yes(`document.querySelector('` + topForm + ` input[type=checkbox]').checked`) {
		t.Error("ticked: checkbox not ticked after reload")
	}
	if tb.yes(`document.querySelector('.parley').textContent.includes('grace@example.com')`) {
		t.Error("the email is shown in the thread")
	}
	tb.click(topForm + ` input[type=checkbox]`)
	if n := tb.num(`localStorage.length`); n != 0 {
		t.Errorf("unticking left %d localStorage items", n)
	}
}

// storageDump returns every key and value of the page's localStorage and sessionStorage: what
// any other script on the host page could read.
func (tb *tab) storageDump() string {
	tb.t.Helper()
	return tb.str(`JSON.stringify([localStorage, sessionStorage].map(s => Object.fromEntries(Object.entries(s))))`)
}

// TestEditTokensKeepNoPersonalData: after posting without "remember me", the host page's
// storage holds only each comment's id, edit token and expiry — never its text, the name or the
// email — and editing still works after a reload, with the markdown source fetched from Parley.
func TestEditTokensKeepNoPersonalData(t *testing.T) {
	s := need(t)
	p := path(t)
	tb := newTab(t)
	tb.open(s.host + p)
	const source, name, email = "Private **thoughts** of mine.", "Hedy Lamarr", "hedy@example.com"
	tb.setValue(topForm+` input[name=name]`, name)
	tb.setValue(topForm+` input[name=email]`, email)
	tb.setValue(topForm+` textarea`, source)
	tb.click(topForm + ` button[type=submit]`)
	id := tb.commentID("Private thoughts of mine.")

	check := func(when string) {
		t.Helper()
		dump := tb.storageDump()
		for _, secret := range []string{"Private", "thoughts", "Hedy", "Lamarr", "hedy@example.com", "example.com"} {
			if strings.Contains(dump, secret) {
				t.Errorf("%s: browser storage holds %q: %s", when, secret, dump)
			}
		}
		entry := tb.str(fmt.Sprintf(`Object.keys(JSON.parse(sessionStorage.getItem('parley.edit'))[%d]).sort().join(',')`, id))
		if entry != "t,u" {
			t.Errorf("%s: edit entry has fields %q, want only the token and its expiry (t,u)", when, entry)
		}
	}
	check("after posting")

	// A reload in the same tab keeps the token; the editor gets the source text from Parley.
	tb.open(s.host + p)
	tb.clickAction(id, "Edit")
	editForm := fmt.Sprintf(`#comment-%d > .p-form textarea`, id)
	tb.wait(fmt.Sprintf(`document.querySelector('%s')?.value === %s`, editForm, jsString(source)))
	tb.setValue(editForm, "Edited **secretly**.")
	tb.click(fmt.Sprintf(`#comment-%d > .p-form button[type=submit]`, id))
	tb.wait(fmt.Sprintf(`document.querySelector('#comment-%d > .p-body .p-text')?.textContent.includes('Edited secretly.')`, id))
	check("after editing")
	if dump := tb.storageDump(); strings.Contains(dump, "secretly") {
		t.Errorf("the edited text is in browser storage: %s", dump)
	}
}
