package api

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// The privacy pages are served on the Parley origin, rendered on the server
// with html/template, without scripts: /privacy (a guest asks for a link)
// and /privacy/confirm (the mailed link; nothing happens before its button
// is pressed, so that a mail scanner opening links changes nothing).

// privacyPageData is what pages/privacy.html sees.
type privacyPageData struct {
	Page                 string // form, sent, confirm or done
	Site, Error, Message string
	Token, Action, Title string
	Nonce                string // of the page's style element
}

// writePrivacyPage renders a privacy page under the CSP of the pages on
// Parley's origin: no script, its own style element only, forms posting
// back here.
func writePrivacyPage(w http.ResponseWriter, status int, d privacyPageData) {
	d.Nonce = newNonce()
	if d.Title == "" {
		d.Title = "Your data"
	}
	writePage(w, status, "privacy.html", d, "default-src 'none'; style-src 'nonce-"+d.Nonce+"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

// privacyForm serves GET /privacy: the form asking for a link.
func (h *Handler) privacyForm(w http.ResponseWriter, r *http.Request) {
	writePrivacyPage(w, http.StatusOK, privacyPageData{Page: "form", Site: r.URL.Query().Get("site")})
}

// privacyFormPost serves POST /privacy: the form's request, carried out as
// POST /api/v1/privacy/request's.
func (h *Handler) privacyFormPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writePrivacyPage(w, http.StatusBadRequest, privacyPageData{Page: "form", Error: "The form could not be read."})
		return
	}
	if ok, _ := h.privacy.networks.allow(clientip.NetworkKey(h.ClientIP(r))); !ok {
		writePrivacyPage(w, http.StatusTooManyRequests, privacyPageData{Page: "form", Error: "Too many requests from your network; try again in a minute."})
		return
	}
	var site *model.Site // an unknown site: the mail comes from the instance
	if host := r.PostForm.Get("site"); host != "" {
		site, _ = h.sites.byHost(r.Context(), host)
	}
	err := h.mailPrivacyLink(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("action"), site)
	var fe *comment.FieldError
	switch {
	case errors.As(err, &fe):
		writePrivacyPage(w, http.StatusBadRequest, privacyPageData{Page: "form", Site: r.PostForm.Get("site"), Error: fe.Message})
	case err != nil:
		h.Log.ErrorContext(r.Context(), "privacy request", "err", err)
		writePrivacyPage(w, http.StatusInternalServerError, privacyPageData{Page: "done", Title: "Something went wrong", Message: "Please try again later."})
	default:
		writePrivacyPage(w, http.StatusOK, privacyPageData{Page: "sent", Message: acceptedMessage})
	}
}

// linkGone is the page of a link that is unknown, used or expired.
var linkGone = privacyPageData{Page: "done", Title: "This link does not work any more",
	Message: "It was used already, or it expired. Ask for a new one on the privacy page."}

// privacyConfirm serves GET /privacy/confirm?token=…: the page of a mailed
// link, with the button that carries it out. Nothing changes here.
func (h *Handler) privacyConfirm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	req, err := h.Store.PrivacyRequest(r.Context(), privacy.HashToken(token), h.Now())
	switch {
	case errors.Is(err, store.ErrNotFound) || token == "":
		writePrivacyPage(w, http.StatusGone, linkGone)
	case err != nil:
		h.Log.ErrorContext(r.Context(), "privacy link", "err", err)
		writePrivacyPage(w, http.StatusInternalServerError, privacyPageData{Page: "done", Title: "Something went wrong", Message: "Please try again later."})
	default:
		writePrivacyPage(w, http.StatusOK, privacyPageData{Page: "confirm", Token: token, Action: req.Action})
	}
}

// privacyConfirmPost serves POST /privacy/confirm: the link is used and its
// request carried out: the export downloads, or the erasure or the
// confirmation is done.
func (h *Handler) privacyConfirmPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writePrivacyPage(w, http.StatusBadRequest, linkGone)
		return
	}
	hash := privacy.HashToken(r.PostForm.Get("token"))
	req, err := h.Store.PrivacyRequest(r.Context(), hash, h.Now())
	if err == nil {
		switch req.Action {
		case store.PrivacyExport:
			err = h.exportGuest(w, r, hash)
		case store.PrivacyErase:
			err = h.eraseGuest(w, r, hash, store.EraseMode(r.PostForm.Get("comments")))
		default:
			if err = h.Store.VerifyGuest(r.Context(), hash, h.Now()); err == nil {
				writePrivacyPage(w, http.StatusOK, privacyPageData{Page: "done", Title: "Your email address is confirmed",
					Message: "Your next comments with this address are marked verified."})
			}
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound) || r.PostForm.Get("token") == "":
		writePrivacyPage(w, http.StatusGone, linkGone)
	case err != nil:
		h.Log.ErrorContext(r.Context(), "use privacy link", "err", err)
		writePrivacyPage(w, http.StatusInternalServerError, privacyPageData{Page: "done", Title: "Something went wrong", Message: "Please try again later."})
	}
}

// exportGuest uses an export link and sends the document. Errors are the
// store's, nothing written.
func (h *Handler) exportGuest(w http.ResponseWriter, r *http.Request, hash []byte) error {
	req, err := h.Store.UseExportRequest(r.Context(), hash, h.Now())
	if err != nil {
		return err
	}
	d, err := h.Store.GuestData(r.Context(), req.EmailIndex)
	if err != nil {
		return err
	}
	writeExport(w, h.newExportDocument(d, 0))
	return nil
}

// eraseGuest uses an erase link and erases as mode says (an unknown mode
// is a 400 page and leaves the link usable).
func (h *Handler) eraseGuest(w http.ResponseWriter, r *http.Request, hash []byte, mode store.EraseMode) error {
	if !mode.Valid() {
		writePrivacyPage(w, http.StatusBadRequest, privacyPageData{Page: "done", Title: "Choose what happens to your comments",
			Message: "Go back and choose to delete or to keep them anonymised."})
		return nil
	}
	if err := h.Store.EraseGuest(r.Context(), hash, mode, h.Now()); err != nil {
		return err
	}
	h.changed(r, 0, 0, "") // the comments may be on any site
	writePrivacyPage(w, http.StatusOK, privacyPageData{Page: "done", Title: "Your data is erased",
		Message: "Every comment written with your address was erased, as you chose, and nothing is kept about the address."})
	return nil
}

// hostOf returns the host of a URL, or the URL itself if it has none.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}
