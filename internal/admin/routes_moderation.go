package admin

// moderationRoutes are the routes of search, editing, bans, IP blocks, author history (with the
// owner's export and erasure of an author's data) and the audit log.
func (h *Handler) moderationRoutes() []route {
	return []route{
		{"GET /dashboard/sites/{site}/comments/{comment}/edit", h.signedIn(h.editPage)},
		{"POST /dashboard/sites/{site}/comments/{comment}/edit", h.signedIn(h.editSubmit)},
		{"GET /dashboard/sites/{site}/comments/{comment}/author", h.signedIn(h.authorPage)},
		{"GET /dashboard/sites/{site}/comments/{comment}/author/export", h.signedIn(h.authorExport)},
		{"GET /dashboard/sites/{site}/comments/{comment}/author/erase", h.signedIn(h.authorErasePage)},
		{"POST /dashboard/sites/{site}/comments/{comment}/author/erase", h.signedIn(h.authorEraseSubmit)},
		{"GET /dashboard/sites/{site}/comments/{comment}/ban", h.signedIn(h.banPage)},
		{"POST /dashboard/sites/{site}/comments/{comment}/ban", h.signedIn(h.banSubmit)},
		{"POST /dashboard/sites/{site}/comments/{comment}/block", h.signedIn(h.blockSubmit)},
		{"GET /dashboard/sites/{site}/bans", h.signedIn(h.bansPage)},
		{"POST /dashboard/sites/{site}/bans/{ban}/lift", h.signedIn(h.liftBan)},
		{"POST /dashboard/sites/{site}/blocks", h.signedIn(h.addBlock)},
		{"POST /dashboard/sites/{site}/blocks/{block}/lift", h.signedIn(h.liftBlock)},
		{"GET /dashboard/sites/{site}/audit", h.signedIn(h.auditPage)},
	}
}
