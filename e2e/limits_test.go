package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// TestPlanLimitReachedWidgetStillShows: the owner of a site whose plan's
// monthly comment limit is reached keeps their comments on show; a reader
// who writes gets the server's polite message next to the text, and no
// comment is added.
func TestPlanLimitReachedWidgetStillShows(t *testing.T) {
	s := need(t)
	const host = "limited.example"
	limitedSite(t, s, host, 2)
	s.awaitSite(t, host)
	p := path(t)
	for _, text := range []string{"First of the month.", "Second of the month."} {
		s.call(t, "POST", "/api/v1/comments", s.host, "", map[string]any{"site": host, "path": p, "text": text,
			"author": map[string]string{"name": "Ann"}}, nil, 201)
	}
	tb := newTab(t)
	tb.recordCSPViolations()
	tb.open(s.host + p + "?site=" + host)
	tb.wait(`document.querySelectorAll('.parley .p-c').length === 2`)
	tb.setValue(topForm+` input[name=name]`, "Eve")
	tb.setValue(topForm+` textarea`, "One too many.")
	tb.click(topForm + ` button[type=submit]`)
	const want = "This site has reached its monthly limit of comments, so it is not taking new comments until next month. " +
		"The comments here stay readable. Thank you for your patience."
	tb.wait(`document.querySelector('.parley [role=status]').textContent === ` + jsString(want))
	ta := topForm + ` textarea`
	if !tb.yes(`document.querySelector('` + ta + `').getAttribute('aria-describedby').split(' ').some(id => document.getElementById(id)?.textContent === ` + jsString(want) + `)`) {
		t.Error("the message is not next to the text (aria-describedby)")
	}
	if n := tb.num(`document.querySelectorAll('.parley .p-c').length`); n != 2 {
		t.Errorf("%d comments shown after the refusal, want the 2 of before", n)
	}
	if tb.str(`document.querySelector('`+ta+`').value`) != "One too many." {
		t.Error("the refused text was lost")
	}
	// A new reader still sees every comment.
	other := newTab(t)
	other.open(s.host + p + "?site=" + host)
	other.wait(`document.querySelectorAll('.parley .p-c').length === 2`)
}

// limitedSite adds host, writable from the host page's origin, owned by a
// new account whose plan allows comments comments a month, through the
// store of the running server (as the operator area would).
func limitedSite(t *testing.T, s *suite, host string, comments int64) {
	t.Helper()
	ctx := context.Background()
	st := s.openStore(t)
	defer st.Close()
	owner := &model.User{Name: "Lim Owner", Email: "lim-owner@example.com", Role: model.RoleCommenter}
	plan := store.Plan{Name: "two a month", MaxSites: store.Unlimited, MaxViews: store.Unlimited, MaxComments: comments, MaxUploadBytes: store.Unlimited}
	site := &model.Site{Host: host, Origins: []string{s.host}, Settings: model.DefaultSiteSettings()}
	for _, err := range []func() error{
		func() error { return st.CreateUser(ctx, owner) },
		func() error { return st.CreatePlan(ctx, &plan) },
		func() error { return st.SetUserPlan(ctx, owner.ID, plan.ID) },
		func() error { site.OwnerID = owner.ID; return st.CreateSite(ctx, site) },
	} {
		if err := err(); err != nil {
			t.Fatal(err)
		}
	}
}

// awaitSite waits until the running server knows host, a site made
// through another store: it learns of one on its next reload of sites (at
// most once a second after a miss).
func (s *suite) awaitSite(t *testing.T, host string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(s.parley + "/api/v1/thread?site=" + host + "&path=/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server does not know %s: %v", host, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
