package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/store"
)

// Avatars and identicons are named by a hash of what they contain, so a
// name always means the same bytes: readers may cache them for a year
// without asking again.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	// avatarCSP forbids everything to an image opened on its own, the
	// SVG identicons included: no script, style, font or fetch.
	avatarCSP = "default-src 'none'; sandbox"
)

// avatarImage serves GET /avatars/{name}: the PNG stored under the SHA-256 in
// name ("<sha256 hex>.png").
func (h *Handler) avatarImage(w http.ResponseWriter, r *http.Request) {
	sum, ok := media.ParseAvatarName(r.PathValue("name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	png, err := h.Store.AvatarImage(r.Context(), sum)
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.internal(w, r, "load avatar", err)
		return
	}
	writeImage(w, "image/png", png)
}

// identicon serves GET /avatars/identicon/{name}: the identicon of the seed
// in name ("<seed hex>.svg"), drawn on the fly.
func (h *Handler) identicon(w http.ResponseWriter, r *http.Request) {
	seed, ok := media.ParseIdenticonName(r.PathValue("name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	writeImage(w, "image/svg+xml", media.Identicon(seed))
}

func writeImage(w http.ResponseWriter, contentType string, body []byte) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("Cache-Control", cacheImmutable)
	hd.Set("Content-Security-Policy", avatarCSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	// Host pages of every site load these, whatever their own
	// Cross-Origin-Embedder-Policy.
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	w.Write(body)
}
