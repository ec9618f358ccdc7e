package admin

import "net/http"

// operatorRoutes are the routes of the operator area: accounts, plans, sites, broadcast, contact messages,
// undelivered mail.
// Every /dashboard/operator route answers 404 to any account but an
// operator's (h.operator); the contact form is public.
func (h *Handler) operatorRoutes() []route {
	return []route{
		{"GET /dashboard/operator", h.operator(h.accounts)},
		{"GET /dashboard/operator/accounts/{account}", h.operator(h.operatorAccountPage)},
		{"POST /dashboard/operator/accounts/{account}/plan", h.operator(h.accountPlan)},
		{"POST /dashboard/operator/accounts/{account}/suspend", h.operator(h.accountSuspend)},
		{"POST /dashboard/operator/accounts/{account}/delete", h.operator(h.accountDelete)},
		{"GET /dashboard/operator/plans", h.operator(h.plans)},
		{"POST /dashboard/operator/plans", h.operator(h.createPlan)},
		{"GET /dashboard/operator/plans/{plan}", h.operator(h.planPage)},
		{"POST /dashboard/operator/plans/{plan}", h.operator(h.updatePlan)},
		{"POST /dashboard/operator/plans/{plan}/delete", h.operator(h.deletePlan)},
		{"GET /dashboard/operator/sites", h.operator(h.operatorSites)},
		{"GET /dashboard/operator/settings", h.operator(h.settings)},
		{"POST /dashboard/operator/settings", h.operator(h.setDefaultPlan)},
		{"GET /dashboard/operator/audit", h.operator(h.auditAll)},
		{"GET /dashboard/operator/mail", h.operator(h.deadMail)},
		{"GET /dashboard/operator/broadcasts", h.operator(h.broadcasts)},
		{"POST /dashboard/operator/broadcasts", h.operator(h.sendBroadcast)},
		{"GET /dashboard/operator/broadcasts/{broadcast}", h.operator(h.broadcast)},
		{"GET /dashboard/operator/messages", h.operator(h.contactMessages)},
		{"POST /dashboard/operator/messages/{message}/handled", h.operator(h.contactHandled)},
		{"POST /dashboard/operator/messages/{message}/delete", h.operator(h.contactDelete)},
		{"GET /dashboard/contact", http.HandlerFunc(h.contactPage)},
		{"POST /dashboard/contact", http.HandlerFunc(h.contactSubmit)},
	}
}
