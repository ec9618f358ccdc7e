package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/store"
)

// avatarMaxAge is how long browsers may keep a picture: its URL names its
// version (?v=), so a new picture has a new URL.
const avatarMaxAge = "86400"

// avatar serves GET /api/v1/avatars/{id}: an account's provider picture as
// Parley keeps it (a 96-pixel PNG fetched at login), so that a reader's
// browser loads it from Parley and never from the provider (promise P2).
func (h *Handler) avatar(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var png []byte
	if err == nil && id > 0 {
		png, err = h.Store.Avatar(r.Context(), id)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.internal(w, r, "read avatar", err)
		return
	}
	if png == nil {
		writeError(w, http.StatusNotFound, "not_found", "no such avatar", "")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "image/png")
	hd.Set("Content-Length", strconv.Itoa(len(png)))
	hd.Set("Cache-Control", "public, max-age="+avatarMaxAge)
	hd.Set("Content-Security-Policy", "default-src 'none'")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin") // shown on the sites' pages
	w.Write(png)
}
