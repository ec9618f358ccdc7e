package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// TestReaderLeavesNoTrace is promises P1 and P2: a reader sees the thread, and afterwards there is
// no cookie, nothing in storage, and no request went anywhere but Parley; the first render took
// exactly two requests (script and thread).
func TestReaderLeavesNoTrace(t *testing.T) {
	s := need(t)
	p := path(t)
	root := s.seed(t, p, "A first comment with **bold** text.", "Ada", 0)
	s.seed(t, p, "A reply.", "Grace", root.ID)
	s.seed(t, p, "A second root comment.", "Linus", 0)

	tb := newTab(t)
	page := s.host + p
	tb.open(page)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 3`)
	time.Sleep(300 * time.Millisecond) // let anything late show up in the log

	if got := tb.str(`document.querySelector('.parley .p-count').textContent`); got != "3 comments" {
		t.Errorf("heading %q, want \"3 comments\"", got)
	}
	if !tb.yes(`!!document.querySelector('#comment-` + fmt.Sprint(root.ID) + ` .p-kids .p-c')`) {
		t.Error("the reply is not nested under its parent")
	}
	if got := tb.str(`document.cookie`); got != "" {
		t.Errorf("document.cookie = %q", got)
	}
	if n := tb.num(`localStorage.length + sessionStorage.length`); n != 0 {
		t.Errorf("reader storage holds %d items: %s", n, tb.str(`JSON.stringify([localStorage, sessionStorage])`))
	}
	cookies, err := chromedp.Run(tb.ctx, func(ctx context.Context, tgt *chromedp.Target) (storage.GetCookiesResult, error) {
		return cdp.Call(ctx, tgt, storage.GetCookies, storage.GetCookiesParams{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cookies.Cookies) != 0 {
		t.Errorf("the browser holds %d cookies", len(cookies.Cookies))
	}
	tb.mu.Lock()
	if len(tb.setCookies) != 0 {
		t.Errorf("responses set cookies: %v", tb.setCookies)
	}
	tb.mu.Unlock()
	tb.assertOnlyOrigins(page)
	// After the first render, the live updates module and the page's stream (docs/live.md).
	reqs := tb.parleyRequests()
	if len(reqs) != 4 || reqs[0] != "/js/parley.js" || !strings.HasPrefix(reqs[1], "/api/v1/thread?") ||
		reqs[2] != "/live.js" || !strings.HasPrefix(reqs[3], "/api/v1/stream?") {
		t.Errorf("first render made requests %v, want exactly the script and the thread, then the live module and the stream", reqs)
	}
}

func TestCountWidget(t *testing.T) {
	s := need(t)
	a, b, c := path(t)+"-a", path(t)+"-b", path(t)+"-c"
	r := s.seed(t, a, "one", "Ann", 0)
	s.seed(t, a, "two", "Ann", r.ID)
	gone := s.seed(t, a, "three", "Ann", 0)
	s.remove(t, gone)
	s.seed(t, b, "only", "Bob", 0)

	tb := newTab(t)
	page := s.host + "/index?nothread=1&counts=" + a + "," + b + "," + c + "," + a
	tb.open(page)
	got := tb.str(`[...document.querySelectorAll('[data-parley-count]')].map(e => e.textContent).join(',')`)
	if got != "2,1,0,2" {
		t.Errorf("counts %q, want 2,1,0,2", got)
	}
	var counts int
	for _, r := range tb.parleyRequests() {
		if strings.HasPrefix(r, "/api/v1/counts?") {
			counts++
		}
		if strings.HasPrefix(r, "/api/v1/thread") {
			t.Errorf("a page without a thread fetched one: %s", r)
		}
	}
	if counts != 1 {
		t.Errorf("%d count requests, want one batched request", counts)
	}
	tb.assertOnlyOrigins(page)
}

// TestHostileCommentIsInert posts markdown and HTML that try to run script; the rendered thread
// and the preview must show them as harmless text and links.
func TestHostileCommentIsInert(t *testing.T) {
	s := need(t)
	p := path(t)
	hostile := strings.Join([]string{
		`<script>window.__pwned = 1; alert('script')</script>`,
		`<img src=x onerror="window.__pwned = 2; alert('img')">`,
		`<svg onload="alert('svg')"></svg> <iframe src="javascript:alert('iframe')"></iframe>`,
		`[click me](javascript:alert('link')) and [data](data:text/html,<script>alert(1)</script>)`,
		`<a href="javascript:alert('a')" onclick="alert('onclick')">raw link</a>`,
		"```html\n<script>alert('code')</script>\n```",
		`<style>body { display: none }</style> <form action="https://evil.example"><input name=x></form>`,
		`![tracker](https://evil.example/pixel.png)`,
	}, "\n\n")
	name := `<img src=x onerror="alert('name')">`
	s.seed(t, p, hostile, name, 0)

	tb := newTab(t)
	page := s.host + p
	tb.open(page)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 1`)
	// Click every link that would stay on the page; none may run script.
	tb.yes(`(() => { for (const a of document.querySelectorAll('.parley .p-text a')) if (!/^(https?:|#)/.test(a.getAttribute('href') || '#')) a.click(); return true; })()`)
	time.Sleep(300 * time.Millisecond)

	// Preview the same text through the editor.
	tb.yes(`(() => { const ta = document.querySelector('.parley .p-form textarea'); ta.value = ` + jsString(hostile) + `; ta.dispatchEvent(new Event('input')); return true; })()`)
	tb.yes(`(() => { [...document.querySelectorAll('.parley .p-form button')].find(b => b.textContent === 'Preview').click(); return true; })()`)
	tb.wait(`document.querySelector('.parley .p-preview').textContent.includes('raw link')`)
	time.Sleep(300 * time.Millisecond)

	if d := tb.snapshotDialogs(); len(d) != 0 {
		t.Errorf("dialogs opened: %v", d)
	}
	if tb.yes(`'__pwned' in window`) {
		t.Error("hostile script ran")
	}
	bad := tb.str(`[...document.querySelectorAll('.parley .p-text *')].filter(e =>
		['SCRIPT','IMG','SVG','IFRAME','STYLE','FORM','INPUT','OBJECT','EMBED'].includes(e.tagName.toUpperCase()) ||
		[...e.attributes].some(a => /^on/i.test(a.name) || /^\s*(javascript|data):/i.test(a.value))
	).map(e => e.outerHTML).join('\n')`)
	if bad != "" {
		t.Errorf("dangerous markup in the thread or preview:\n%s", bad)
	}
	if got := tb.str(`document.querySelector('.parley .p-name').textContent`); got != name {
		t.Errorf("author name shown as %q, want the literal text %q", got, name)
	}
	if !tb.yes(`getComputedStyle(document.body).display !== 'none'`) {
		t.Error("comment CSS reached the page")
	}
	tb.assertOnlyOrigins(page)
}

// TestPermalinkScrollsAndHighlights opens a page at #comment-ID.
func TestPermalinkScrollsAndHighlights(t *testing.T) {
	s := need(t)
	p := path(t)
	var last posted
	for i := range 12 {
		last = s.seed(t, p, fmt.Sprintf("Comment number %d.\n\n%s", i, strings.Repeat("Padding text to make the page long. ", 12)), "Writer", 0)
	}
	tb := newTab(t)
	tb.do(chromedp.EmulateViewport(1000, 600))
	tb.open(fmt.Sprintf("%s%s#comment-%d", s.host, p, last.ID))
	tb.wait(fmt.Sprintf(`document.querySelector('#comment-%d.p-hl')`, last.ID))
	if got := tb.str(`document.activeElement.id`); got != fmt.Sprintf("comment-%d", last.ID) {
		t.Errorf("focus on %q, want the linked comment", got)
	}
	if !tb.yes(fmt.Sprintf(`(() => { const r = document.getElementById('comment-%d').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; })()`, last.ID)) {
		t.Error("the linked comment is not scrolled into view")
	}
}

// TestDepthCapAndLoadMore: replies nest up to maxDepth (5), deeper ones continue at that level
// with an "in reply to" link; a long thread pages with "load more".
func TestDepthCapAndLoadMore(t *testing.T) {
	s := need(t)
	p := path(t)
	var chain []posted
	parent := int64(0)
	for i := range 7 {
		c := s.seed(t, p, fmt.Sprintf("level %d", i+1), fmt.Sprintf("Person %d", i+1), parent)
		chain = append(chain, c)
		parent = c.ID
	}
	for i := range 52 {
		s.seed(t, p, fmt.Sprintf("filler root %d", i), "Filler", 0)
	}
	tb := newTab(t)
	tb.open(s.host + p)
	tb.wait(`document.querySelectorAll('.parley .p-thread > .p-list > .p-c').length === 50`)
	for i, c := range chain {
		depth := tb.num(fmt.Sprintf(`+document.getElementById('comment-%d').dataset.depth`, c.ID))
		nested := tb.num(fmt.Sprintf(`(() => { let n = 0, e = document.getElementById('comment-%d'); while ((e = e.parentElement.closest('.p-kids'))) n++; return n; })()`, c.ID))
		wantNested := min(i, 4)
		if depth != i+1 || nested != wantNested {
			t.Errorf("level %d: depth %d, nested in %d reply lists; want depth %d in %d", i+1, depth, nested, i+1, wantNested)
		}
		link := tb.str(fmt.Sprintf(`(document.querySelector('#comment-%d > .p-body .p-re') || {}).getAttribute?.('href') || ''`, c.ID))
		if i >= 5 && link != fmt.Sprintf("#comment-%d", chain[i-1].ID) {
			t.Errorf("level %d: in-reply-to link %q, want #comment-%d", i+1, link, chain[i-1].ID)
		}
		if i < 5 && link != "" {
			t.Errorf("level %d has an in-reply-to link although it is nested", i+1)
		}
	}
	if !tb.yes(`!document.querySelector('.parley .p-more').hidden`) {
		t.Fatal("no load-more button on a 59-root thread")
	}
	tb.click(".parley .p-more")
	tb.wait(`document.querySelectorAll('.parley .p-thread > .p-list > .p-c').length === 53`)
	tb.wait(`document.querySelector('.parley .p-more').hidden`)
}

// TestSinglePageApp re-renders with window.parley.load after client-side navigation.
func TestSinglePageApp(t *testing.T) {
	s := need(t)
	one, two := path(t)+"-one", path(t)+"-two"
	s.seed(t, one, "on page one", "Ann", 0)
	s.seed(t, two, "on page two", "Bob", 0)
	s.seed(t, two, "also on page two", "Bob", 0)
	tb := newTab(t)
	tb.open(s.host + one)
	tb.wait(`document.querySelector('.parley .p-c .p-text')?.textContent.includes('on page one')`)
	tb.yes(`history.pushState({}, '', '` + two + `'); document.title = 'Two'; window.parley.load(); true`)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 2 && document.querySelector('.parley .p-c .p-text').textContent.includes('on page two')`)
	tb.yes(`window.parley.load({page: '` + one + `', title: 'One'}); true`)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 1 && document.querySelector('.parley .p-c .p-text').textContent.includes('on page one')`)
}

// TestHostCSSIsolation: ordinary host CSS does not break the widget and the widget's CSS does
// not leak into the host page.
func TestHostCSSIsolation(t *testing.T) {
	s := need(t)
	s.seed(t, path(t), "A comment, so the thread has a list.", "Ann", 0)
	tb := newTab(t)
	tb.open(s.host + path(t))
	tb.wait(`document.querySelector('.parley .p-c')`)
	checks := map[string]string{
		`getComputedStyle(document.querySelector('.parley .p-primary')).textTransform`: "none",
		`getComputedStyle(document.querySelector('.parley ol')).listStyleType`:         "none",
		`String(document.querySelector('.parley textarea').offsetWidth > 300)`:         "true",
		`getComputedStyle(document.getElementById('hostbtn')).textTransform`:           "uppercase",
		`getComputedStyle(document.getElementById('hostbtn')).backgroundColor`:         "rgb(204, 0, 0)",
		`getComputedStyle(document.getElementById('hostp')).marginBottom`:              "20px",
	}
	for expr, want := range checks {
		if got := tb.str(expr); got != want {
			t.Errorf("%s = %q, want %q", expr, got, want)
		}
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == '<' || r == '>' || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// TestDeletedCommentKeepsItsReplies: a deleted comment with replies stays as a placeholder.
func TestDeletedCommentKeepsItsReplies(t *testing.T) {
	s := need(t)
	p := path(t)
	root := s.seed(t, p, "Soon gone.", "Ann", 0)
	reply := s.seed(t, p, "An answer that stays.", "Bob", root.ID)
	s.remove(t, root)
	tb := newTab(t)
	tb.open(s.host + p)
	tb.wait(fmt.Sprintf(`document.querySelector('#comment-%d .p-kids #comment-%d')`, root.ID, reply.ID))
	got := tb.str(fmt.Sprintf(`document.querySelector('#comment-%d > .p-body').textContent`, root.ID))
	if got != "This comment was deleted." {
		t.Errorf("placeholder reads %q", got)
	}
	if tb.yes(fmt.Sprintf(`!!document.querySelector('#comment-%d > .p-body button')`, root.ID)) {
		t.Error("the placeholder offers actions")
	}
	if got := tb.str(`document.querySelector('.parley .p-count').textContent`); got != "1 comment" {
		t.Errorf("heading %q, want the deleted comment not counted", got)
	}
}
