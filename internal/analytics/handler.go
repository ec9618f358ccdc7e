package analytics

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

//go:embed templates/analytics.html
var templateFS embed.FS

var page = template.Must(template.New("").Funcs(template.FuncMap{
	"top": func(pages []store.PageCount, unit string) map[string]any {
		return map[string]any{"Pages": pages, "Unit": unit}
	},
}).ParseFS(templateFS, "templates/analytics.html"))

// Handler serves a site's analytics. It does NO authentication and no
// authorization: the dashboard calls it only after checking that the
// signed-in account owns or moderates the site, and passes that site.
type Handler struct {
	Store Source
	Now   func() time.Time // the clock; today is its UTC date
	Log   *slog.Logger     // store failures; slog.Default() when nil
	// CSVHref, when set, gives the link of the page's "Download CSV" for a
	// site and range; without it the page shows no link.
	CSVHref func(site *model.Site, days int) string
}

// rangeLink is one entry of the range navigation.
type rangeLink struct {
	Days    int
	Current bool
}

// Fragment renders the analytics section of a site over days (7, 30 or
// 90) as HTML for the dashboard's layout; ErrDays for other days.
func (h Handler) Fragment(ctx context.Context, site *model.Site, days int) (template.HTML, error) {
	rep, err := Build(ctx, h.Store, site.ID, site.Host, days, h.Now())
	if err != nil {
		return "", err
	}
	links := make([]rangeLink, len(ranges))
	for i, d := range ranges {
		links[i] = rangeLink{Days: d, Current: d == days}
	}
	data := map[string]any{
		"Report": rep, "Ranges": links,
		"First": rep.Days[0].Date.Format(time.DateOnly), "Last": rep.Days[len(rep.Days)-1].Date.Format(time.DateOnly),
		// The charts are built by this package with every text escaped.
		"ViewsChart":       template.HTML(DailyChart(rep, "views", func(d Day) int64 { return d.Views })),
		"CommentsChart":    template.HTML(DailyChart(rep, "comments", func(d Day) int64 { return d.Comments })),
		"TopViewsChart":    template.HTML(TopChart(rep, "views", rep.TopByViews)),
		"TopCommentsChart": template.HTML(TopChart(rep, "comments", rep.TopByComments)),
		"CSVHref":          "",
		"Share":            nil,
	}
	if share, ok := rep.LoggedInShare(); ok {
		data["Share"] = fmt.Sprint(share) // a string, so that 0% shows too
	}
	if h.CSVHref != nil {
		data["CSVHref"] = h.CSVHref(site, days)
	}
	var b bytes.Buffer
	if err := page.ExecuteTemplate(&b, "analytics", data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// Page writes the analytics section of a site over days as an HTML
// fragment: 400 with a plain message for days other than 7, 30 or 90, 500 (logged)
// when the store fails.
func (h Handler) Page(w http.ResponseWriter, r *http.Request, site *model.Site, days int) {
	frag, err := h.Fragment(r.Context(), site, days)
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(frag))
}

// CSV writes a site's report over days as a CSV download (see WriteCSV),
// with the errors of Page.
func (h Handler) CSV(w http.ResponseWriter, r *http.Request, site *model.Site, days int) {
	rep, err := Build(r.Context(), h.Store, site.ID, site.Host, days, h.Now())
	if err != nil {
		h.fail(w, err)
		return
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, rep); err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", csvDisposition(rep))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (h Handler) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrDays) {
		http.Error(w, "days: "+ErrDays.Error(), http.StatusBadRequest)
		return
	}
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	log.Error("analytics report", "err", err)
	http.Error(w, "the analytics could not be read; try again later", http.StatusInternalServerError)
}
