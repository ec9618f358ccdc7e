package admin

import (
	"cmp"
	"net/http"

	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
)

// Register mounts the dashboard on outer. Outermost first: cross-origin
// POSTs are refused before anything else runs, then the database deadline,
// then the dashboard's headers (CSP), then the routes below, each of which
// (but the sign-in page and the stylesheet) needs a dashboard session.
func (h *Handler) Register(outer *http.ServeMux) {
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		mux.Handle(rt.pattern, rt.handler)
	}

	var chain http.Handler = mux
	chain = headers(chain)
	chain = server.WithDeadline(cmp.Or(h.DBTimeout, store.DefaultTimeout), chain)
	chain = http.NewCrossOriginProtection().Handler(chain)
	outer.Handle("/dashboard", chain)
	outer.Handle("/dashboard/", chain)
}

type route struct {
	pattern string
	handler http.Handler
}

// routes is the dashboard's URL surface. Every route but the sign-in page
// and the stylesheet needs a dashboard session (signedIn); every route
// under /dashboard/sites/{site}/ answers 404 to an account without a role
// on that site.
func (h *Handler) routes() []route {
	rs := h.coreRoutes()
	rs = append(rs, h.accountRoutes()...)
	rs = append(rs, h.siteRoutes()...)
	rs = append(rs, h.moderationRoutes()...)
	rs = append(rs, h.operatorRoutes()...)
	rs = append(rs, h.dataRoutes()...)
	// Last: anything else under /dashboard/ is 404 once signed in.
	return append(rs, route{"/dashboard/", h.signedIn(h.notFound)})
}

// coreRoutes are the home page, signing in and out, the moderation queue,
// analytics and the stylesheet.
func (h *Handler) coreRoutes() []route {
	return []route{
		{"GET /dashboard", h.signedIn(h.home)},
		{"GET /dashboard/{$}", h.signedIn(h.home)},
		{"GET /dashboard/signin", http.HandlerFunc(h.signInPage)},
		{"POST /dashboard/signin", http.HandlerFunc(h.signInSubmit)},
		{"POST /dashboard/signout", h.signedIn(h.signOut)},
		{"GET /dashboard/sites/{site}/moderation", h.signedIn(h.queue)},
		{"POST /dashboard/sites/{site}/moderation", h.signedIn(h.moderate)},
		{"POST /dashboard/sites/{site}/pages/{page}/lock", h.signedIn(h.lockPage)},
		{"GET /dashboard/sites/{site}/analytics", h.signedIn(h.analyticsPage)},
		{"GET /dashboard/sites/{site}/analytics.csv", h.signedIn(h.analyticsCSV)},
		{"GET /dashboard/static/admin.css", http.HandlerFunc(h.stylesheet)},
	}
}

// Patterns lists the patterns of every dashboard route, so that a test
// can prove it walked them all.
func (h *Handler) Patterns() []string {
	var out []string
	for _, rt := range h.routes() {
		out = append(out, rt.pattern)
	}
	return out
}

// headers sets what every dashboard response carries: the CSP, and no
// Referer beyond the dashboard.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", CSP)
		w.Header().Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// stylesheet serves admin.css; it changes only with the binary.
func (h *Handler) stylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(h.css)
}
