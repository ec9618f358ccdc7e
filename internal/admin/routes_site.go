package admin

import "net/http"

// siteRoutes are the routes of adding a site, its settings, members,
// deletion and webhooks.
func (h *Handler) siteRoutes() []route {
	return []route{
		{"GET /dashboard/sites/new", h.signedIn(h.newSitePage)},
		{"POST /dashboard/sites/new", h.signedIn(h.newSiteSubmit)},
		{"GET /dashboard/sites/{site}", h.signedIn(h.sitePage)},
		{"GET /dashboard/sites/{site}/settings", h.signedIn(h.settingsPage)},
		{"POST /dashboard/sites/{site}/settings", h.signedIn(h.settingsSubmit)},
		{"POST /dashboard/sites/{site}/settings/sso", h.signedIn(h.ssoSubmit)},
		{"GET /dashboard/sites/{site}/members", h.signedIn(h.membersPage)},
		{"POST /dashboard/sites/{site}/members/invite", h.signedIn(h.inviteSubmit)},
		{"POST /dashboard/sites/{site}/members/remove", h.signedIn(h.removeMember())},
		{"POST /dashboard/sites/{site}/members/cancel", h.signedIn(h.cancelInvitation())},
		{"POST /dashboard/sites/{site}/members/transfer", h.signedIn(h.transferSite())},
		{"GET /dashboard/join", http.HandlerFunc(h.joinPage)},
		{"POST /dashboard/join", h.signedIn(h.joinSubmit)},
		{"GET /dashboard/sites/{site}/delete", h.signedIn(h.deleteSitePage)},
		{"POST /dashboard/sites/{site}/delete", h.signedIn(h.deleteSiteSubmit)},
		{"GET /dashboard/sites/{site}/webhooks", h.signedIn(h.webhooksPage)},
		{"POST /dashboard/sites/{site}/webhooks", h.signedIn(h.webhookCreate)},
		{"GET /dashboard/sites/{site}/webhooks/{hook}", h.signedIn(h.webhookPage)},
		{"POST /dashboard/sites/{site}/webhooks/{hook}/test", h.signedIn(h.webhookTest)},
		{"POST /dashboard/sites/{site}/webhooks/{hook}/resend", h.signedIn(h.webhookResend)},
		{"POST /dashboard/sites/{site}/webhooks/{hook}/delete", h.signedIn(h.webhookDelete)},
	}
}
