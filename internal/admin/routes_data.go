package admin

// dataRoutes are the routes of a site's export and import. Only the site's
// owner and the operator may use them; a moderator gets 404, as a stranger
// does (see managesData).
func (h *Handler) dataRoutes() []route {
	return []route{
		{"GET /dashboard/sites/{site}/export", h.signedIn(h.exportPage)},
		{"GET /dashboard/sites/{site}/export/download", h.signedIn(h.exportDownload)},
		{"GET /dashboard/sites/{site}/import", h.signedIn(h.importPage)},
		{"POST /dashboard/sites/{site}/import", h.signedIn(h.importSubmit)},
		{"GET /dashboard/sites/{site}/import/{job}", h.signedIn(h.importStatus)},
		{"GET /dashboard/sites/{site}/import/{job}/report.json", h.signedIn(h.importReport)},
	}
}
