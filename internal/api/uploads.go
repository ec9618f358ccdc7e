package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The limits of image uploads besides media's (docs/uploads.md). Each
// network may upload UploadsPerHour images, UploadBurst at once; at most
// MaxConcurrentDecodes pictures are decoded at a time per server process,
// so that a few large ones cannot take all its memory (the others wait,
// within the request's deadline).
const (
	UploadsPerHour       = 30
	UploadBurst          = 10
	MaxConcurrentDecodes = 2
)

type uploadResponse struct {
	ID          string `json:"id"`
	URL         string `json:"url"`      // absolute, on the Parley origin
	Markdown    string `json:"markdown"` // what the widget puts into the comment
	ContentType string `json:"contentType"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int64  `json:"size"`
}

// createUpload serves POST /api/v1/uploads?site=HOST, whose body is the
// bytes of one picture (any Content-Type: the type is read from the
// bytes). It runs the checks of a comment write (the site's origin, bans
// and IP blocks, sign-in where the site takes no guests), then stores the
// picture as media.ProcessUpload re-encodes it, and answers 201 with its
// address. It is mounted outside the API's database deadline, so that a
// slow upload is bounded by the server's read timeout instead; each
// database step gets the deadline of its own.
func (h *Handler) createUpload(w http.ResponseWriter, r *http.Request) {
	site, user, ok := h.uploadWriter(w, r)
	if !ok {
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, media.MaxUploadBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "body_too_large",
			fmt.Sprintf("the image is larger than %d MiB", media.MaxUploadBytes>>20), "file")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "invalid_field", "the image could not be read", "file")
		return
	}
	pic, err := h.processUpload(r.Context(), data)
	if err != nil {
		h.writeUploadError(w, r, err)
		return
	}
	up := &store.Upload{ID: media.NewUploadID(), SiteID: site.ID, ContentType: pic.ContentType, Width: pic.Width, Height: pic.Height, Data: pic.Data}
	if user != nil {
		up.UserID = user.ID
	}
	ctx, cancel := h.dbContext(r.Context())
	defer cancel()
	if err := h.Store.CreateUpload(ctx, up); err != nil {
		h.writeUploadError(w, r, err)
		return
	}
	url := h.PublicURL + media.UploadPath(up.ID, up.ContentType)
	writePrivateJSON(w, http.StatusCreated, uploadResponse{ID: up.ID, URL: url, Markdown: "![](" + url + ")",
		ContentType: up.ContentType, Width: up.Width, Height: up.Height, Size: up.Size})
}

// uploadWriter checks who may upload to the site of the request, as a
// comment write is checked, within the database deadline; on refusal it
// has written the answer.
func (h *Handler) uploadWriter(w http.ResponseWriter, r *http.Request) (*model.Site, *model.User, bool) {
	ctx, cancel := h.dbContext(r.Context())
	defer cancel()
	rd := r.WithContext(ctx)
	site, ok := h.site(w, rd, r.URL.Query().Get("site"))
	if !ok || !checkOrigin(w, rd, site) {
		return nil, nil, false
	}
	if !site.Settings.Uploads {
		writeError(w, http.StatusForbidden, "uploads_off", "this site does not take images in comments", "file")
		return nil, nil, false
	}
	user, ok := h.optionalUser(w, rd)
	if !ok || h.refuseBanned(w, rd, site, user, "") {
		return nil, nil, false
	}
	if user == nil && !site.Settings.AllowsLogin(model.LoginGuest) {
		writeError(w, http.StatusForbidden, "login_required", "this site takes comments from logged-in people only: log in first", "")
		return nil, nil, false
	}
	return site, user, true
}

// processUpload runs media.ProcessUpload when one of the
// MaxConcurrentDecodes slots is free, waiting for one at most the
// database deadline (dbContext), or until ctx ends.
func (h *Handler) processUpload(ctx context.Context, data []byte) (media.Upload, error) {
	ctx, cancel := h.dbContext(ctx)
	defer cancel()
	select {
	case h.decoding <- struct{}{}:
		defer func() { <-h.decoding }()
	case <-ctx.Done():
		return media.Upload{}, ctx.Err()
	}
	return media.ProcessUpload(data)
}

// writeUploadError answers an upload that was refused: the picture's
// faults name the field file, with the reason.
func (h *Handler) writeUploadError(w http.ResponseWriter, r *http.Request, err error) {
	var limit *store.PlanLimitError
	switch {
	case errors.Is(err, media.ErrTooManyPixel):
		writeError(w, http.StatusBadRequest, "invalid_field",
			fmt.Sprintf("the image has more than %d million pixels", media.MaxUploadPixels/1_000_000), "file")
	case errors.Is(err, media.ErrNotPicture):
		writeError(w, http.StatusBadRequest, "invalid_field", "the file is not a PNG, JPEG, GIF or WebP image that can be read", "file")
	case errors.As(err, &limit):
		writeError(w, http.StatusForbidden, "limit_reached", "This site has no room for more images at the moment.", "file")
	case errors.Is(err, store.ErrSuspended):
		writeError(w, http.StatusForbidden, "site_suspended", "This site is not taking new comments at the moment. The comments here stay readable.", "")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		setRetryAfter(w, RetryAfter)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the server is busy with other images; try again shortly", "")
	default:
		h.internal(w, r, "store upload", err)
	}
}

// dbContext is ctx with the deadline of the API's database work.
func (h *Handler) dbContext(ctx context.Context) (context.Context, context.CancelFunc) {
	timeout := h.DBTimeout
	if timeout <= 0 {
		timeout = store.DefaultTimeout
	}
	return context.WithTimeout(ctx, timeout)
}

// uploadImage serves GET /uploads/{name}: an uploaded image as Parley
// re-encoded it, with the content type Parley chose. The name holds a
// random id, and the bytes under it never change: cached for a year.
func (h *Handler) uploadImage(w http.ResponseWriter, r *http.Request) {
	id, ext, ok := media.ParseUploadName(r.PathValue("name"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	contentType, data, err := h.Store.UploadImage(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && media.UploadExt(contentType) != ext) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.internal(w, r, "load upload", err)
		return
	}
	w.Header().Set("Content-Disposition", "inline")
	writeImage(w, contentType, data)
}
