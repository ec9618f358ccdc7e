package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/model"
)

// powSite adds a site whose guests must solve a proof of work, for the
// host page (?site=HOST), through the store of the running server.
func powSite(t *testing.T, s *suite, host string) {
	t.Helper()
	st := s.openStore(t)
	defer st.Close()
	site := &model.Site{Host: host, Origins: []string{s.host}, Settings: model.DefaultSiteSettings()}
	site.Settings.ProofOfWork, site.Settings.ProofOfWorkDifficulty = true, 20_000
	if err := st.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	s.awaitSite(t, host)
}

// TestGuestCommentSolvesTheProofOfWork: on a site that requires a proof of
// work, a reader loads no solver; when a guest posts, the widget loads
// /captcha.js from Parley, fetches the site's challenge, solves it in the
// browser, and the comment is published. Nothing goes to a third party.
func TestGuestCommentSolvesTheProofOfWork(t *testing.T) {
	s := need(t)
	powSite(t, s, "pow.example")
	p := path(t)
	tb := newTab(t)
	page := s.host + p + "?site=pow.example"
	tb.open(page)
	tb.wait(`document.querySelector('.parley .p-empty')`)
	loadsSolver := func() bool {
		return slices.ContainsFunc(tb.parleyRequests(), func(r string) bool { return strings.HasPrefix(r, "/captcha.js") })
	}
	if loadsSolver() {
		t.Error("a reader who does not post loaded the solver")
	}
	tb.setValue(topForm+` input[name=name]`, "Ada")
	tb.setValue(topForm+` textarea`, "Solved in the browser.")
	tb.click(topForm + ` button[type=submit]`)
	tb.commentID("Solved in the browser.")
	if !loadsSolver() || !slices.Contains(tb.parleyRequests(), "/api/v1/captcha/challenge?site=pow.example") {
		t.Errorf("the widget did not solve the site's challenge: %v", tb.parleyRequests())
	}
	if n := tb.num(`document.querySelectorAll('.parley .p-pending').length`); n != 0 {
		t.Errorf("%d comments pending, want the comment published", n)
	}
	tb.assertOnlyOrigins(page)
}
