package admin

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/parleyhq/parley/internal/analytics"
	"github.com/parleyhq/parley/internal/model"
)

// analyticsData is what analytics.html shows: the report, rendered by
// package analytics from the daily counters (promise P6).
type analyticsData struct {
	frame
	Site    *model.Site
	Section template.HTML
}

// analyticsReport returns the analytics of the dashboard: the site's role
// was checked by the caller, as package analytics requires.
func (h *Handler) analyticsReport() analytics.Handler {
	return analytics.Handler{Store: h.Store, Now: h.Now, Log: h.Log, CSVHref: func(site *model.Site, days int) string {
		return fmt.Sprintf("/dashboard/sites/%d/analytics.csv?days=%d", site.ID, days)
	}}
}

// analyticsPage serves GET /dashboard/sites/{site}/analytics?days=7|30|90.
func (h *Handler) analyticsPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	days, err := analytics.ParseDays(r.URL.Query().Get("days"))
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, err.Error()})
		return
	}
	section, err := h.analyticsReport().Fragment(r.Context(), a.Site, days)
	if err != nil {
		h.fail(w, r, u, "build analytics", err)
		return
	}
	h.render(w, r, http.StatusOK, "analytics", analyticsData{frame{a.Site.Host + " analytics", u}, a.Site, section})
}

// analyticsCSV serves GET /dashboard/sites/{site}/analytics.csv?days=….
func (h *Handler) analyticsCSV(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	days, err := analytics.ParseDays(r.URL.Query().Get("days"))
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, err.Error()})
		return
	}
	h.analyticsReport().CSV(w, r, a.Site, days)
}
