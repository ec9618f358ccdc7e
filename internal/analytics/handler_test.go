package analytics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

var testNow = time.Date(2026, 11, 7, 15, 30, 0, 0, time.UTC)

// openStore returns a migrated SQLite store whose clock is testNow.
func openStore(tb testing.TB) *store.Store {
	tb.Helper()
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-test-key"))
	if err != nil {
		tb.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(tb.TempDir(), "parley.db"), sealer)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	st.SetClock(func() time.Time { return testNow })
	return st
}

func mustSite(tb testing.TB, st *store.Store, host string) *model.Site {
	tb.Helper()
	s := &model.Site{Host: host, Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(context.Background(), s); err != nil {
		tb.Fatal(err)
	}
	return s
}

func testHandler(st *store.Store) Handler {
	return Handler{
		Store: st, Now: func() time.Time { return testNow }, Log: slog.New(slog.DiscardHandler),
		CSVHref: func(site *model.Site, days int) string {
			return fmt.Sprintf("/dashboard/sites/%d/analytics.csv?days=%d", site.ID, days)
		},
	}
}

// The page shows the site's charts and totals for the range ending today,
// and refuses a range the dashboard does not offer.
func TestPage(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	site := mustSite(t, st, "example.com")
	other := mustSite(t, st, "other.example")
	if _, err := st.AddViews(ctx, map[store.PageView]int{
		{SiteID: site.ID, Path: "/post", Day: "2026-11-07"}:                 9,
		{SiteID: site.ID, Path: "/post", Day: "2026-11-01"}:                 4,
		{SiteID: site.ID, Path: "/post", Day: "2026-11-02", LoggedIn: true}: 7,
		{SiteID: site.ID, Path: "/post", Day: "2026-10-31"}:                 1000, // 8 days ago: out of 7
		{SiteID: other.ID, Path: "/secret", Day: "2026-11-07"}:              50,
	}); err != nil {
		t.Fatal(err)
	}
	h := testHandler(st)
	rec := httptest.NewRecorder()
	h.Page(rec, httptest.NewRequest("GET", "/", nil), site, 7)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		"20 page views and 0 approved comments from 2026-11-01 to 2026-11-07",
		"35% of the views were made by signed-in visitors.",
		`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-daily chart-views"`,
		`<title>2026-11-07: 9 views</title>`,
		`<a href="?days=7" aria-current="page">7 days</a>`,
		`<a href="/dashboard/sites/1/analytics.csv?days=7" download>`,
		`<td>/post</td><td>20</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "/secret") {
		t.Errorf("another site's page shows")
	}
	for _, days := range []int{0, 1, 31, 365} {
		rec := httptest.NewRecorder()
		h.Page(rec, httptest.NewRequest("GET", "/", nil), site, days)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "days must be 7, 30 or 90") {
			t.Errorf("%d days: %d %q", days, rec.Code, rec.Body.String())
		}
	}
}

// The CSV download holds the range's days and is named for the site.
func TestCSVHandler(t *testing.T) {
	st := openStore(t)
	site := mustSite(t, st, "example.com")
	rec := httptest.NewRecorder()
	testHandler(st).CSV(rec, httptest.NewRequest("GET", "/", nil), site, 90)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if got, want := res.Header.Get("Content-Disposition"), `attachment; filename=parley-analytics-example.com-90d-2026-11-07.csv`; got != want {
		t.Errorf("disposition %q, want %q", got, want)
	}
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 1+90+2 || lines[1] != "2026-08-10,0,0,0" || lines[90] != "2026-11-07,0,0,0" {
		t.Errorf("%d lines, first day %q, last %q", len(lines), lines[1], lines[90])
	}
	rec = httptest.NewRecorder()
	testHandler(st).CSV(rec, httptest.NewRequest("GET", "/", nil), site, 14)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("14 days: %d", rec.Code)
	}
}

func TestParseDays(t *testing.T) {
	for in, want := range map[string]int{"": 30, "7": 7, "30": 30, "90": 90, "8": 0, "x": 0, "-7": 0, "07": 7} {
		got, err := ParseDays(in)
		if got != want || (want == 0) != (err != nil) {
			t.Errorf("ParseDays(%q) = %d, %v", in, got, err)
		}
	}
}

// A store failure is a 500 with a message that says nothing of the cause.
func TestPageStoreFailure(t *testing.T) {
	st := openStore(t)
	site := mustSite(t, st, "example.com")
	st.Close()
	rec := httptest.NewRecorder()
	testHandler(st).Page(rec, httptest.NewRequest("GET", "/", nil), site, 30)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "sql") {
		t.Errorf("closed store: %d %q", rec.Code, rec.Body.String())
	}
}
