package api

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
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

const pageStyle = `body{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}
label{display:block;margin:.5rem 0}input[type=email]{width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}
.error{color:#b00020}`

// pageCSP allows the pages nothing but their own inline style (by its
// hash) and forms posting back to this origin.
var pageCSP = "default-src 'none'; style-src 'sha256-" + styleHash() + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func styleHash() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return base64.StdEncoding.EncodeToString(sum[:])
}

var pageTemplates = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>Your data</title><style>` + pageStyle + `</style></head><body>
{{if eq .Page "form"}}<h1>Your comments and your data</h1>
<p>Enter the email address you wrote comments with. We mail you a link that works once, for 24 hours;
nothing happens until you follow it. The request covers every site whose comments this server hosts.</p>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
<form method="post" action="/privacy"><label>Email address <input type="email" name="email" required maxlength="254"></label>
<label><input type="radio" name="action" value="export" checked> Download everything written with this address</label>
<label><input type="radio" name="action" value="erase"> Erase everything written with this address</label>
<label><input type="radio" name="action" value="verify"> Confirm this address: my comments are marked verified and, where moderation allows it, published without waiting</label>
<input type="hidden" name="site" value="{{.Site}}"><button type="submit">Mail me the link</button></form>
{{else if eq .Page "sent"}}<h1>Check your mail</h1><p>{{.Message}}</p>
{{else if eq .Page "confirm"}}<h1>{{if eq .Action "export"}}Download your data{{else if eq .Action "erase"}}Erase your data{{else}}Confirm your email address{{end}}</h1>
<form method="post" action="/privacy/confirm"><input type="hidden" name="token" value="{{.Token}}">
{{if eq .Action "erase"}}<p>Every comment written with your address, on every site of this server, and everything kept about that address will be erased. This cannot be undone.</p>
<label><input type="radio" name="comments" value="delete" checked> Delete my comments (a comment with replies stays as an empty “deleted” placeholder)</label>
<label><input type="radio" name="comments" value="anonymize"> Keep my comments’ text, without my name, email, website, IP address or browser</label>
<button type="submit">Erase</button>{{else if eq .Action "export"}}<p>You get one JSON file with every comment written with your address and everything kept about it.</p>
<button type="submit">Download</button>{{else}}<p>Your later comments with this address will be marked verified.</p><button type="submit">Confirm</button>{{end}}</form>
{{else}}<h1>{{.Title}}</h1><p>{{.Message}}</p>{{end}}
</body></html>`))

// privacyPageData is what pageTemplates sees.
type privacyPageData struct {
	Page                 string // form, sent, confirm or done
	Site, Error, Message string
	Token, Action, Title string
}

// writePage renders a privacy page with its security headers.
func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, status int, d privacyPageData) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Security-Policy", pageCSP)
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", cachePrivate)
	w.WriteHeader(status)
	if err := pageTemplates.Execute(w, d); err != nil {
		h.Log.ErrorContext(r.Context(), "render privacy page", "err", err)
	}
}

// privacyForm serves GET /privacy: the form asking for a link.
func (h *Handler) privacyForm(w http.ResponseWriter, r *http.Request) {
	h.writePage(w, r, http.StatusOK, privacyPageData{Page: "form", Site: r.URL.Query().Get("site")})
}

// privacyFormPost serves POST /privacy: the form's request, carried out as
// POST /api/v1/privacy/request's.
func (h *Handler) privacyFormPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		h.writePage(w, r, http.StatusBadRequest, privacyPageData{Page: "form", Error: "The form could not be read."})
		return
	}
	if ok, _ := h.privacy.networks.allow(clientip.NetworkKey(h.ClientIP(r))); !ok {
		h.writePage(w, r, http.StatusTooManyRequests, privacyPageData{Page: "form", Error: "Too many requests from your network; try again in a minute."})
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
		h.writePage(w, r, http.StatusBadRequest, privacyPageData{Page: "form", Site: r.PostForm.Get("site"), Error: fe.Message})
	case err != nil:
		h.Log.ErrorContext(r.Context(), "privacy request", "err", err)
		h.writePage(w, r, http.StatusInternalServerError, privacyPageData{Page: "done", Title: "Something went wrong", Message: "Please try again later."})
	default:
		h.writePage(w, r, http.StatusOK, privacyPageData{Page: "sent", Message: acceptedMessage})
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
		h.writePage(w, r, http.StatusGone, linkGone)
	case err != nil:
		h.Log.ErrorContext(r.Context(), "privacy link", "err", err)
		h.writePage(w, r, http.StatusInternalServerError, privacyPageData{Page: "done", Title: "Something went wrong", Message: "Please try again later."})
	default:
		h.writePage(w, r, http.StatusOK, privacyPageData{Page: "confirm", Token: token, Action: req.Action})
	}
}

// privacyConfirmPost serves POST /privacy/confirm: the link is used and its
// request carried out: the export downloads, or the erasure or the
// confirmation is done.
func (h *Handler) privacyConfirmPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		h.writePage(w, r, http.StatusBadRequest, linkGone)
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
				h.writePage(w, r, http.StatusOK, privacyPageData{Page: "done", Title: "Your email address is confirmed",
					Message: "Your next comments with this address are marked verified."})
			}
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound) || r.PostForm.Get("token") == "":
		h.writePage(w, r, http.StatusGone, linkGone)
	case err != nil:
		h.Log.ErrorContext(r.Context(), "use privacy link", "err", err)
		h.writePage(w, r, http.StatusInternalServerError, privacyPageData{Page: "done", Title: "Something went wrong", Message: "Please try again later."})
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
		h.writePage(w, r, http.StatusBadRequest, privacyPageData{Page: "done", Title: "Choose what happens to your comments",
			Message: "Go back and choose to delete or to keep them anonymised."})
		return nil
	}
	if err := h.Store.EraseGuest(r.Context(), hash, mode, h.Now()); err != nil {
		return err
	}
	h.changed(r, 0, 0, "") // the comments may be on any site
	h.writePage(w, r, http.StatusOK, privacyPageData{Page: "done", Title: "Your data is erased",
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
