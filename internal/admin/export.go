package admin

import (
	"context"
	"net/http"
	"time"

	"github.com/parleyhq/parley/internal/exporter"
	"github.com/parleyhq/parley/internal/model"
)

// ExportTimeout bounds one export download: the database reads behind it
// and the writing to the browser. The request deadline of the rest of the
// dashboard (PARLEY_DB_TIMEOUT) and the server's 60-second write timeout
// would cut a large site's file short.
const ExportTimeout = 30 * time.Minute

// managesData reports whether u may export and import the site's
// comments: its owner and the operator (also one who moderates the site).
// A moderator may not: an export holds every commenter's email and IP
// address, and an import writes in the owner's name.
func (a siteAccess) managesData(u *model.User) bool {
	return a.Role == model.RoleOwner || u.Role == model.RoleOperator
}

// dataSite is site for the export and import pages: a moderator gets the
// same 404 as a stranger (written here).
func (h *Handler) dataSite(w http.ResponseWriter, r *http.Request, u *model.User) (siteAccess, bool) {
	a, ok := h.site(w, r, u)
	if ok && !a.managesData(u) {
		h.notFound(w, r, u)
		return siteAccess{}, false
	}
	return a, ok
}

type exportData struct {
	frame
	Site *model.Site
}

// exportPage serves GET /dashboard/sites/{site}/export: the choice of
// format, and whether to leave personal data out.
func (h *Handler) exportPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.dataSite(w, r, u)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "export", exportData{frame{a.Site.Host + " export", u}, a.Site})
}

// exportDownload serves GET /dashboard/sites/{site}/export/download
// ?format=parley|wxr[&personal=omit]: the file, streamed from the database
// as exporter.ServeDownload writes it, never held in memory.
func (h *Handler) exportDownload(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.dataSite(w, r, u)
	if !ok {
		return
	}
	format, err := exporter.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, "Choose the format: parley or wxr."})
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), ExportTimeout)
	defer cancel()
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(ExportTimeout))
	opt := exporter.Options{Format: format, WithoutPersonalData: r.URL.Query().Get("personal") == "omit", Now: h.Now}
	if err := exporter.New(h.Store).ServeDownload(w, r.WithContext(ctx), a.Site, opt); err != nil {
		// The status and part of the file are sent: the browser shows a
		// failed download; the log says why.
		h.Log.ErrorContext(r.Context(), "dashboard export", "err", err, "site_id", a.Site.ID, "format", string(format))
	}
}
