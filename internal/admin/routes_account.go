package admin

import "net/http"

// accountRoutes are the routes of an owner's own account: sign-up, verification, password, email, deletion.
func (h *Handler) accountRoutes() []route {
	return append([]route{
		{"GET /dashboard/signup", http.HandlerFunc(h.signupPage)},
		{"POST /dashboard/signup", http.HandlerFunc(h.signupSubmit)},
		{"GET /dashboard/signup/sent", http.HandlerFunc(h.signupSent)},
		{"GET /dashboard/forgot", http.HandlerFunc(h.forgotPage)},
		{"POST /dashboard/forgot", http.HandlerFunc(h.forgotSubmit)},
		{"GET /dashboard/forgot/sent", http.HandlerFunc(h.forgotSent)},
		{"POST /dashboard/verify", h.signedIn(h.resendVerification)},
		{"GET /dashboard/verify/sent", h.signedIn(h.verifySent)},
		{"GET /dashboard/account", h.signedIn(h.accountPage)},
		{"POST /dashboard/account/name", h.signedIn(h.changeName)},
		{"POST /dashboard/account/email", h.signedIn(h.changeEmail)},
		{"POST /dashboard/account/password", h.signedIn(h.changePassword)},
		{"POST /dashboard/account/sessions", h.signedIn(h.endOtherSessions)},
		{"GET /dashboard/account/delete", h.signedIn(h.deletePage)},
		{"POST /dashboard/account/delete", h.signedIn(h.deleteSubmit)},
		// The operator's invitations (PARLEY_SIGNUP=invite); 404 to anyone else.
		{"GET /dashboard/invitations", h.operator(h.invitationsPage)},
		{"POST /dashboard/invitations", h.operator(h.invite)},
		{"POST /dashboard/invitations/{id}/revoke", h.operator(h.revokeInvitation)},
	}, h.notifyRoutes()...)
}
