package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestAnalyticsPages: an owner sees the site's report with its SVG charts
// and can download the CSV; a range other than 7, 30 or 90 days is refused.
func TestAnalyticsPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	path := fmt.Sprintf("/dashboard/sites/%d/analytics", e.siteA.ID)
	w := e.do(req{method: "GET", path: path + "?days=7", token: e.ownerTok})
	page := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(page, "<svg") || !strings.Contains(page, `role="img"`) ||
		!strings.Contains(page, path+".csv?days=7") {
		t.Errorf("analytics page: %d\n%s", w.Code, page)
	}
	if w := e.do(req{method: "GET", path: path + "?days=5", token: e.ownerTok}); w.Code != http.StatusBadRequest {
		t.Errorf("days=5: %d, want 400", w.Code)
	}
	w = e.do(req{method: "GET", path: path + ".csv?days=30", token: e.ownerTok})
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") || !strings.HasPrefix(w.Body.String(), "day,views") {
		t.Errorf("analytics CSV: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
}
