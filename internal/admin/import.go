package admin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// importJobsShown is how many past imports the import page lists.
const importJobsShown = 10

// importFormData is what import.html shows: the form with the values typed
// and the errors next to their fields, and the site's recent imports.
type importFormData struct {
	frame
	Site                         *model.Site
	Formats                      []importer.Format
	Format, ThreadKey            string
	DryRun, SkipSpam, AllowEmpty bool
	MaxUpload                    string
	Error                        string            // about the whole form
	Fields                       map[string]string // per field name, shown next to it
	Jobs                         []*store.ImportJob
}

func (h *Handler) importForm(u *model.User, site *model.Site) importFormData {
	return importFormData{frame: frame{site.Host + " import", u}, Site: site, Formats: importer.Formats(),
		ThreadKey: importer.ThreadByPath, MaxUpload: sizeText(h.maxUpload()), Fields: map[string]string{}}
}

// importPage serves GET /dashboard/sites/{site}/import.
func (h *Handler) importPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.dataSite(w, r, u)
	if !ok {
		return
	}
	h.renderImport(w, r, http.StatusOK, h.importForm(u, a.Site))
}

// renderImport shows the import page with the site's recent imports.
func (h *Handler) renderImport(w http.ResponseWriter, r *http.Request, status int, d importFormData) {
	ctx, cancel := h.freshContext(r)
	defer cancel()
	jobs, err := h.Store.ImportJobs(ctx, d.Site.ID, importJobsShown, h.Now())
	if err != nil {
		h.fail(w, r, d.Account, "list imports", err)
		return
	}
	d.Jobs = jobs
	h.render(w, r, status, "import", d)
}

// importSubmit serves POST /dashboard/sites/{site}/import: it receives the
// file (multipart, at most ImportSettings.MaxUpload), starts its import in
// the background and sends the browser to the import's status page.
func (h *Handler) importSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.dataSite(w, r, u)
	if !ok {
		return
	}
	d := h.importForm(u, a.Site)
	if status := h.refuseImport(w, r, &d); status != 0 {
		h.renderImport(w, r, status, d)
		return
	}
	// A slot is held from here on; the import releases it when it ends.
	up, err := readImportUpload(w, r, h.maxUpload(), h.Imports.TempDir)
	if err != nil {
		h.imports.release()
		h.renderImport(w, r, d.uploadFailed(err), d)
		return
	}
	job, ok := h.importJobOf(&d, up)
	if !ok {
		removeUpload(up.file)
		h.imports.release()
		h.renderImport(w, r, http.StatusBadRequest, d)
		return
	}
	ctx, cancel := h.freshContext(r)
	defer cancel()
	if err := h.Store.CreateImportJob(ctx, job.row, h.Now()); err != nil {
		removeUpload(up.file)
		h.imports.release()
		if !errors.Is(err, store.ErrImportRunning) {
			h.fail(w, r, u, "create import", err)
			return
		}
		d.Error = "An import is already running for this site; wait until it ends."
		h.renderImport(w, r, http.StatusConflict, d)
		return
	}
	h.imports.start(func(ctx context.Context) { h.runImport(ctx, job) })
	http.Redirect(w, r, fmt.Sprintf("/dashboard/sites/%d/import/%d", a.Site.ID, job.row.ID), http.StatusSeeOther)
}

// refuseImport answers, before the file is read, an upload announced as
// too large, one for a site whose import is still running, and one while
// the server runs MaxRunningImports already: its status, 0 to go on with a
// slot acquired.
func (h *Handler) refuseImport(w http.ResponseWriter, r *http.Request, d *importFormData) int {
	if r.ContentLength > h.maxUpload()+importFormSlack {
		return d.uploadFailed(errUploadTooLarge)
	}
	ctx, cancel := h.freshContext(r)
	defer cancel()
	jobs, err := h.Store.ImportJobs(ctx, d.Site.ID, 1, h.Now())
	if err != nil {
		d.Error = "The database is not answering; try again shortly."
		return http.StatusServiceUnavailable
	}
	if len(jobs) > 0 && jobs[0].Status == store.ImportRunning {
		d.Error = "An import is already running for this site; wait until it ends."
		return http.StatusConflict
	}
	if !h.imports.acquire() {
		w.Header().Set("Retry-After", "60")
		d.Error = "The server is busy with other imports; try again in a few minutes."
		return http.StatusServiceUnavailable
	}
	return 0
}

// uploadFailed explains why an upload could not be received; its status.
func (d *importFormData) uploadFailed(err error) int {
	if errors.Is(err, errUploadTooLarge) {
		d.Fields["file"] = "The file is larger than " + d.MaxUpload + ", the most the dashboard accepts. " +
			"Import it on the server with parley import, which reads files of any size."
		return http.StatusRequestEntityTooLarge
	}
	d.Error = "The upload could not be read; choose the file and send the form again."
	return http.StatusBadRequest
}

// importJobOf checks the form's fields, keeping them in d with an error
// next to each wrong one, and returns the job to run.
func (h *Handler) importJobOf(d *importFormData, up *importUpload) (importJob, bool) {
	f := up.form
	d.Format, d.ThreadKey = f.Get("format"), f.Get("thread_key")
	d.DryRun, d.SkipSpam, d.AllowEmpty = f.Get("dry_run") != "", f.Get("skip_spam") != "", f.Get("allow_empty") != ""
	var format importer.Format
	if d.Format != "" {
		var err error
		if format, err = importer.ParseFormat(d.Format); err != nil {
			d.Fields["format"] = "Choose a format from the list, or let Parley recognise it."
		}
	}
	if d.ThreadKey != importer.ThreadByPath && d.ThreadKey != importer.ThreadByID {
		d.Fields["thread_key"] = "Choose how threads become pages."
	}
	switch {
	case up.file == nil:
		d.Fields["file"] = "Choose the export file to import."
	case up.size == 0:
		d.Fields["file"] = "The file is empty."
	}
	if len(d.Fields) > 0 {
		d.Fields["file"] = cmp.Or(d.Fields["file"], "Choose the file again: a browser does not keep it.")
		return importJob{}, false
	}
	return importJob{
		row:  &store.ImportJob{SiteID: d.Site.ID, Format: string(format), DryRun: d.DryRun, TotalBytes: up.size},
		site: d.Site, file: up.file, allowEmpty: d.AllowEmpty,
		opt: importer.Options{Site: d.Site, Format: format, ThreadKey: d.ThreadKey, DryRun: d.DryRun, SkipSpam: d.SkipSpam,
			IPRetention: h.Imports.IPRetention, Size: up.size, TempDir: h.Imports.TempDir},
	}, true
}

// freshContext is a database deadline that starts now: after a long upload
// the request's own deadline has passed.
func (h *Handler) freshContext(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), h.dbTimeout())
}

// sizeText writes a byte count for people: whole MiB when it is a
// multiple, else KiB.
func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}
