package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// TestModeratedSiteShowsPendingOnlyToAuthor: on a site that holds every comment and requires an
// email, the widget asks for the email, and a held comment is shown, with its note, to its author
// alone.
func TestModeratedSiteShowsPendingOnlyToAuthor(t *testing.T) {
	s := need(t)
	p := path(t)
	tb := newTab(t)
	tb.open(s.strict + p)
	if got := tb.str(`document.querySelector('` + topForm + ` input[name=email]').labels[0].textContent`); got != "Email (never shown publicly)" {
		t.Errorf("email label %q", got)
	}
	tb.setValue(topForm+` input[name=name]`, "Mod Tester")
	tb.setValue(topForm+` textarea`, "Held for review.")
	tb.click(topForm + ` button[type=submit]`)
	tb.wait(`document.activeElement === document.querySelector('` + topForm + ` input[name=email]')`)
	tb.wait(`document.querySelector('.parley [role=status]').textContent === 'Please enter your email address.'`)

	tb.setValue(topForm+` input[name=email]`, "mod@example.com")
	tb.click(topForm + ` button[type=submit]`)
	id := tb.commentID("Held for review.")
	tb.wait(`document.querySelector('.parley [role=status]').textContent.includes('awaits moderation')`)
	if !tb.yes(`document.querySelector('#comment-` + itoa(id) + `').classList.contains('p-pending') && document.querySelector('#comment-` + itoa(id) + ` .p-note').textContent.includes('awaits moderation')`) {
		t.Error("the held comment lacks its moderation note")
	}
	if got := tb.str(`document.querySelector('.parley .p-count').textContent`); got != "0 comments" {
		t.Errorf("heading %q: a held comment must not count", got)
	}

	other := newTab(t)
	other.open(s.strict + p)
	if n := other.num(`document.querySelectorAll('.parley .p-c').length`); n != 0 {
		t.Errorf("another reader sees %d comments, want none while held", n)
	}
}

// TestLockedPage shows the locked notice instead of the editor and offers no replies.
func TestLockedPage(t *testing.T) {
	s := need(t)
	p := path(t)
	s.seed(t, p, "Said before the lock.", "Ann", 0)
	lockPage(t, s, s.site, p)
	tb := newTab(t)
	tb.open(s.host + p)
	tb.wait(`document.querySelector('.parley .p-c')`)
	if got := tb.str(`document.querySelector('.parley .p-notice')?.textContent || ''`); got != "Comments are closed for this page." {
		t.Errorf("notice %q", got)
	}
	if tb.yes(`!!document.querySelector('.parley .p-form') || [...document.querySelectorAll('.parley .p-acts button')].some(b => b.textContent === 'Reply')`) {
		t.Error("a locked page offers an editor or a reply button")
	}
}

// lockPage locks a page the way a moderator would, through the store of the running server.
func lockPage(t *testing.T, s *suite, host, path string) {
	t.Helper()
	ctx := context.Background()
	st := s.openStore(t)
	defer st.Close()
	site, err := st.SiteByHost(ctx, host)
	if err != nil {
		t.Fatal(err)
	}
	page, _, err := st.PageByPath(ctx, site.ID, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPageLocked(ctx, page.ID, true); err != nil {
		t.Fatal(err)
	}
}

// openStore opens the running server's database, as a second process
// (the command line) would, with its key.
func (s *suite) openStore(t *testing.T) *store.Store {
	t.Helper()
	secret, _, err := privacy.LoadSecret("", s.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := privacy.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), "", s.dataDir, sealer, store.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
