package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// ImportRefreshSeconds is how often the status page of a running import
// reloads itself (<meta http-equiv="refresh">: the dashboard runs no
// script).
const ImportRefreshSeconds = 2

// importStatusData is what import_job.html shows.
type importStatusData struct {
	frame
	Site    *model.Site
	Job     *store.ImportJob
	Refresh int    // seconds; 0 once the import has ended
	Percent int    // of the file read; -1 when its size is unknown
	Done    string // bytes read, for people
	Total   string
	// Summary is the report as parley import prints it (importer.WriteSummary),
	// "" when the import was refused before reading a comment: then the
	// error says it all, as on the command line.
	Summary string
}

// importJob loads the {job} of the path on the site; 404 (written here) for
// a job of another site or none.
func (h *Handler) importJob(w http.ResponseWriter, r *http.Request, u *model.User) (*store.ImportJob, siteAccess, bool) {
	a, ok := h.dataSite(w, r, u)
	if !ok {
		return nil, a, false
	}
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return nil, a, false
	}
	job, err := h.Store.ImportJob(r.Context(), a.Site.ID, id, h.Now())
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return nil, a, false
	}
	if err != nil {
		h.fail(w, r, u, "load import", err)
		return nil, a, false
	}
	return job, a, true
}

// importStatus serves GET /dashboard/sites/{site}/import/{job}: the
// progress of a running import, refreshed every ImportRefreshSeconds, then
// its report.
func (h *Handler) importStatus(w http.ResponseWriter, r *http.Request, u *model.User) {
	job, a, ok := h.importJob(w, r, u)
	if !ok {
		return
	}
	d := importStatusData{frame: frame{a.Site.Host + " import", u}, Site: a.Site, Job: job, Percent: -1,
		Done: sizeText(job.Bytes), Total: sizeText(job.TotalBytes)}
	if job.TotalBytes > 0 {
		d.Percent = int(min(100, job.Bytes*100/job.TotalBytes))
	}
	if job.Status == store.ImportRunning {
		d.Refresh = ImportRefreshSeconds
	}
	if job.Report != "" {
		var rep importer.Report
		if err := json.Unmarshal([]byte(job.Report), &rep); err != nil {
			h.fail(w, r, u, "read import report", err)
			return
		}
		if rep.Complete || rep.Read > 0 {
			var b strings.Builder
			importer.WriteSummary(&b, &rep)
			d.Summary = b.String()
		}
	}
	h.render(w, r, http.StatusOK, "import_job", d)
}

// importReport serves GET /dashboard/sites/{site}/import/{job}/report.json:
// the report as parley import --report writes it, once the import has
// ended.
func (h *Handler) importReport(w http.ResponseWriter, r *http.Request, u *model.User) {
	job, _, ok := h.importJob(w, r, u)
	if !ok {
		return
	}
	if job.Report == "" {
		h.notFound(w, r, u)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parley-import-%d.json"`, job.ID))
	hd.Set("Cache-Control", "no-store")
	w.Write([]byte(job.Report))
}
