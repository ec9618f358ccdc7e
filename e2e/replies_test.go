package e2e

import (
	"fmt"
	"testing"
)

// TestShowMoreReplies: a root with more replies than a thread response holds
// shows the first ones and a "Show more replies (N)" button that fetches and
// appends the rest, nested under their parents, and then disappears.
func TestShowMoreReplies(t *testing.T) {
	const replies = 60 // the thread holds 50 per root
	s := need(t)
	p := path(t)
	root := s.seed(t, p, "A root with many replies.", "Ada", 0)
	parent := root.ID
	for i := range replies {
		c := s.seed(t, p, fmt.Sprintf("Reply number %d.", i), "Grace", parent)
		if i == replies-2 {
			parent = c.ID // the last reply answers the one before it
		}
	}
	s.seed(t, p, "Another root.", "Linus", 0)

	tb := newTab(t)
	tb.open(s.host + p)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 52`)
	button := fmt.Sprintf(`[...document.querySelectorAll('#comment-%d > button')].find(b => b.textContent === 'Show more replies (10)')`, root.ID)
	if !tb.yes(`!!` + button) {
		t.Fatalf("no \"Show more replies (10)\" button under the root: %s", tb.str(`document.querySelector('.parley').innerText`))
	}
	tb.yes(`(` + button + `).click() || true`)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 62`)
	if tb.yes(fmt.Sprintf(`!!document.querySelector('#comment-%d > button')`, root.ID)) {
		t.Error("the button stays after every reply was shown")
	}
	if !tb.yes(fmt.Sprintf(`!!document.querySelector('#comment-%d .p-kids .p-kids .p-c')`, root.ID)) {
		t.Error("the last reply is not nested under the one it answers")
	}
	if n := tb.num(`new Set([...document.querySelectorAll('.parley .p-c')].map(e => e.id)).size`); n != replies+2 {
		t.Errorf("%d distinct comments shown, want %d", n, replies+2)
	}
	if !tb.yes(`[...document.querySelectorAll('.parley .p-text')].some(e => e.textContent.trim() === 'Reply number 59.')`) {
		t.Error("the last reply is not shown")
	}
	if n := tb.num(`document.querySelectorAll('.parley .p-thread > .p-list > .p-c').length`); n != 2 {
		t.Errorf("%d roots after showing more replies, want 2", n)
	}
}
