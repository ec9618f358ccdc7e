package api

import (
	"net/http"

	"github.com/parleyhq/parley/internal/comment"
)

// maxCountPaths bounds one counts request.
const maxCountPaths = 100

type countsResponse struct {
	Counts map[string]int `json:"counts"`
}

// counts serves GET /api/v1/counts?site=HOST&path=A&path=B.
func (h *Handler) counts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	site, ok := h.site(w, r, q.Get("site"))
	if !ok {
		return
	}
	allowCORS(w, r, site)
	paths := q["path"]
	if len(paths) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_field", "give at least one path", "path")
		return
	}
	if len(paths) > maxCountPaths {
		writeError(w, http.StatusBadRequest, "invalid_field", "at most 100 paths at once", "path")
		return
	}
	for _, p := range paths {
		if err := comment.ValidatePath(p); err != nil {
			h.writeServiceError(w, r, err)
			return
		}
	}
	counts, err := h.Store.Counts(r.Context(), site.ID, paths)
	if err != nil {
		h.internal(w, r, "counts", err)
		return
	}
	h.publicCache(w, site.ID, paths...)
	writeCacheable(w, r, countsResponse{Counts: counts})
}

type previewRequest struct {
	Site string `json:"site"`
	Text string `json:"text"`
}

type previewResponse struct {
	HTML string `json:"html"`
}

// preview serves POST /api/v1/preview.
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	var req previewRequest
	if !decode(w, r, &req) {
		return
	}
	site, ok := h.site(w, r, req.Site)
	if !ok || !checkOrigin(w, r, site) {
		return
	}
	html, err := h.Comments.Preview(site, req.Text)
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	writePrivateJSON(w, http.StatusOK, previewResponse{HTML: html})
}
