package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/model"
)

// allowCORS names the request's origin in the CORS headers when it belongs
// to site. Never "*": only a registered origin can read the answer.
func allowCORS(w http.ResponseWriter, r *http.Request, site *model.Site) {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin != "" && site.AllowsOrigin(origin) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "ETag, Retry-After")
	}
}

// allowAnyOrigin names the request's origin, whatever it is, in Access-Control-Allow-Origin.
// It is only for answers that carry nothing of any site: the errors of a thread read, so that
// the widget can tell its reader why the thread did not load (site_not_found,
// origin_not_allowed, internal), and the widget's translations. A thread read that succeeds
// passes checkReadOrigin first, so its answer reaches only the site's own origins.
func allowAnyOrigin(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
}

// checkReadOrigin refuses a read made by a browser page of another site: a request whose Origin
// is set and is not one of site's origins. Requests without Origin (servers, same-origin pages)
// pass. It follows allowAnyOrigin, which has named the origin already. On refusal it has written
// the 403.
func checkReadOrigin(w http.ResponseWriter, r *http.Request, site *model.Site) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if !site.AllowsOrigin(origin) {
		writeError(w, http.StatusForbidden, "origin_not_allowed", "this page's origin is not one of the site's origins", "")
		return false
	}
	w.Header().Set("Access-Control-Expose-Headers", "ETag, Retry-After")
	return true
}

// checkOrigin allows a write only from one of the site's origins. On refusal
// it has written the 403.
func checkOrigin(w http.ResponseWriter, r *http.Request, site *model.Site) bool {
	allowCORS(w, r, site)
	if !site.AllowsOrigin(r.Header.Get("Origin")) {
		writeOriginNotAllowed(w)
		return false
	}
	return true
}

func writeOriginNotAllowed(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, "origin_not_allowed", "writes must come from one of the site's own pages (Origin header)", "")
}

// preflight answers CORS preflight requests for origins of registered sites.
func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" || h.sites.byOrigin(r.Context(), origin) == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE")
	w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Parley-Edit-Token")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}
