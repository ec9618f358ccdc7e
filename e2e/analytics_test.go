package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/store"
)

// TestAnalyticsShowsCharts: the owner of a site whose page was read 40
// times today and 25 yesterday opens the site's analytics in the dashboard
// and sees those days as bars of a server-drawn SVG chart, the page among
// the top pages, and a link to the same days as CSV, with no script and no
// CSP violation.
func TestAnalyticsShowsCharts(t *testing.T) {
	s := need(t)
	email := s.addOwner(t, s.strictSite, "Ana Lytics")
	p := path(t)
	st := s.openStore(t)
	site, err := st.SiteByHost(context.Background(), s.strictSite)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	yesterday := today.AddDate(0, 0, -1)
	if _, err := st.AddViews(context.Background(), map[store.PageView]int{
		{SiteID: site.ID, Path: p, Day: today.Format(time.DateOnly)}:     40,
		{SiteID: site.ID, Path: p, Day: yesterday.Format(time.DateOnly)}: 25,
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	tb := signInDashboard(t, s, email)
	tb.do(chromedp.Navigate(fmt.Sprintf("%s/dashboard/sites/%d/analytics?days=7", s.parley, site.ID)))
	tb.landOn("svg.chart-daily.chart-views")
	if n := tb.num(`document.querySelectorAll('svg.chart-daily.chart-views rect.chart-bar').length`); n != 7 {
		t.Errorf("the views chart has %d bars, want one a day for 7 days", n)
	}
	// Other tests read this site's pages too: at least the views given here.
	for _, d := range []struct {
		day  time.Time
		want int
	}{{today, 40}, {yesterday, 25}} {
		title := tb.str(fmt.Sprintf(`[...document.querySelectorAll('svg.chart-views rect.chart-bar title')].map(t => t.textContent).find(t => t.startsWith(%s)) || ''`,
			jsString(d.day.Format(time.DateOnly)+":")))
		var n int
		if _, err := fmt.Sscanf(title, d.day.Format(time.DateOnly)+": %d", &n); err != nil || n < d.want {
			t.Errorf("the bar of %s says %q, want at least %d views", d.day.Format(time.DateOnly), title, d.want)
		}
	}
	if !tb.yes(fmt.Sprintf(`[...document.querySelectorAll('svg.chart-top .chart-label')].some(l => l.textContent === %s)`, jsString(p))) {
		t.Errorf("the top pages do not list %s", p)
	}
	if tb.num(`document.scripts.length`) != 0 {
		t.Error("the analytics page runs a script")
	}
	tb.checkAxe(s)
	tb.fitsPhone("the analytics page")
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the analytics page: %s", v)
	}
	// The download itself is tested in internal/admin (the page's CSP lets
	// no script fetch it here).
	if got := tb.str(`document.querySelector('a[href*="analytics.csv"]')?.getAttribute('href') || ''`); !strings.Contains(got, "days=7") {
		t.Errorf("the CSV link is %q, want the 7 days shown", got)
	}
}
