package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// liveBar is the text of the live updates button of the widget ("" when it shows none).
const liveBar = `(document.querySelector('.parley .p-live button') || {}).textContent || ''`

// waitWithin polls a JavaScript expression until it is truthy, for at most d.
func (tb *tab) waitWithin(expr string, d time.Duration) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(d))); err != nil {
		tb.t.Fatalf("%s not true within %s: %v; live bar %q", expr, d, err, tb.str(liveBar))
	}
}

// withoutLive leaves out of Parley requests those of live updates (the module and the stream),
// which follow the first render.
func withoutLive(reqs []string) []string {
	return slices.DeleteFunc(reqs, func(r string) bool { return r == "/live.js" || strings.HasPrefix(r, "/api/v1/stream?") })
}

// waitStreams waits until the tab has opened n live streams.
func (tb *tab) waitStreams(n int) {
	tb.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		opened := 0
		for _, r := range tb.parleyRequests() {
			if strings.HasPrefix(r, "/api/v1/stream?") {
				opened++
			}
		}
		if opened >= n {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("%d live streams opened, want %d", opened, n)
		}
	}
}

// TestLiveUpdatesTellAnotherReader: two readers on one page. A comment one
// of them posts shows the other a polite "1 new comment" button within a
// second, and does not move what they read; the button reveals it. The
// poster sees no button for their own comment, nor for their own edit,
// which the other reader is told of. A deletion tells the other reader the
// thread changed.
func TestLiveUpdatesTellAnotherReader(t *testing.T) {
	s := need(t)
	p := path(t)
	first := s.seed(t, p, "Already there.", "Ada", 0)
	page := s.host + p
	writer, reader := newTab(t), newTab(t)
	writer.open(page)
	reader.open(page)
	reader.waitStreams(1)
	top := reader.num(`Math.round(document.querySelector('#comment-` + fmt.Sprint(first.ID) + `').getBoundingClientRect().top)`)

	writer.comment("Grace", "Posted while you were reading.")
	writer.wait(`[...document.querySelectorAll('.parley .p-c')].some(e => e.textContent.includes('Posted while you were reading.'))`)
	reader.waitWithin(liveBar+` === '1 new comment'`, time.Second)
	if got := reader.str(`document.querySelector('.parley .p-live').getAttribute('aria-live') || ''`); got != "polite" {
		t.Errorf("the live bar's region is aria-live=%q, want polite", got)
	}
	if n := reader.num(`document.querySelectorAll('.parley .p-c').length`); n != 1 {
		t.Errorf("the reader's thread shows %d comments before they asked, want 1", n)
	}
	if now := reader.num(`Math.round(document.querySelector('#comment-` + fmt.Sprint(first.ID) + `').getBoundingClientRect().top)`); now != top {
		t.Errorf("the comment being read moved from %d to %d px", top, now)
	}
	time.Sleep(600 * time.Millisecond) // past the module's settling delay
	if got := writer.str(liveBar); got != "" {
		t.Errorf("the writer is told of their own comment: %q", got)
	}

	reader.click(".parley .p-live button")
	reader.wait(`[...document.querySelectorAll('.parley .p-c')].some(e => e.textContent.includes('Posted while you were reading.'))`)
	if got := reader.str(liveBar); got != "" {
		t.Errorf("the bar stays after revealing: %q", got)
	}

	// The writer edits their comment: news for the reader, not for the writer.
	mine := writer.commentID("Posted while you were reading.")
	writer.clickAction(mine, "Edit")
	form := fmt.Sprintf(`#comment-%d > .p-form`, mine)
	writer.wait(fmt.Sprintf(`document.querySelector('%s textarea')?.value === 'Posted while you were reading.'`, form))
	writer.setValue(form+` textarea`, "Edited while you were reading.")
	writer.click(form + ` button[type=submit]`)
	writer.wait(fmt.Sprintf(`document.querySelector('#comment-%d > .p-body .p-text')?.textContent.includes('Edited')`, mine))
	reader.waitWithin(liveBar+` === 'Comments were updated: show'`, 2*time.Second)
	time.Sleep(600 * time.Millisecond)
	if got := writer.str(liveBar); got != "" {
		t.Errorf("the writer is told of their own edit: %q", got)
	}
	reader.click(".parley .p-live button")
	reader.wait(`[...document.querySelectorAll('.parley .p-c')].some(e => e.textContent.includes('Edited while you were reading.'))`)

	s.remove(t, first)
	reader.waitWithin(liveBar+` !== ''`, 2*time.Second)
	if got := reader.str(liveBar); !strings.Contains(got, "updated") {
		t.Errorf("after a deletion the bar says %q, want that comments were updated", got)
	}
}

// TestLiveUpdatesPauseWhileHidden: a hidden tab closes its stream and opens
// it again when shown.
func TestLiveUpdatesPauseWhileHidden(t *testing.T) {
	s := need(t)
	p := path(t)
	tb := newTab(t)
	tb.open(s.host + p)
	tb.waitStreams(1)
	// Chromium's own visibility cannot be switched from a test: dispatch what it would.
	hide := `Object.defineProperty(document, 'hidden', {configurable: true, get: () => %v});
		document.dispatchEvent(new Event('visibilitychange')); true`
	tb.yes(fmt.Sprintf(hide, true))
	s.seed(t, p, "Posted while hidden.", "Ada", 0)
	time.Sleep(800 * time.Millisecond)
	if got := tb.str(liveBar); got != "" {
		t.Errorf("a hidden tab still follows the thread: %q", got)
	}
	tb.yes(fmt.Sprintf(hide, false))
	tb.waitStreams(2)
	// The request is out; the server may not have opened the stream yet: post until one is told.
	for i := 0; tb.str(liveBar) == ""; i++ {
		if i == 10 {
			t.Fatal("the tab shown again is not told of new comments")
		}
		s.seed(t, p, fmt.Sprintf("Posted once shown (%d).", i), "Ada", 0)
		time.Sleep(time.Second)
	}
	if got := tb.str(liveBar); !strings.Contains(got, "new comment") {
		t.Errorf("bar %q, want new comments", got)
	}
}
