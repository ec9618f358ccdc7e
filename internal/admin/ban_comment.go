package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// banData is what ban.html shows: the comment, a form to ban its author
// and one to block the address it was written from.
type banData struct {
	frame
	Site        *model.Site
	CommentID   int64
	Author      string
	HTML        template.HTML // sanitized when the comment was written
	Operator    bool
	HasAddress  bool // the comment's address is still kept: it can be blocked
	Ban, Block  durationForm
	BanFields   map[string]string
	BlockFields map[string]string
	BanError    string
	BlockError  string
}

// banForm loads what ban.html shows of the comment c.
func (h *Handler) banForm(r *http.Request, a siteAccess, u *model.User, c *model.Comment) (banData, error) {
	d := banData{frame: frame{"Ban or block", u}, Site: a.Site, CommentID: c.ID, Author: c.GuestName, HTML: template.HTML(c.HTML),
		Operator: u.Role == model.RoleOperator, Ban: durationForm{Scope: "site", Duration: "7"}, Block: durationForm{Scope: "site", Duration: "7"},
		BanFields: map[string]string{}, BlockFields: map[string]string{}}
	if c.AuthorID != 0 {
		author, err := h.Store.UserByID(r.Context(), c.AuthorID)
		if err != nil {
			return d, err
		}
		d.Author = author.Name
	}
	// Opened only to say whether there is one; it is never shown.
	ip, err := h.Store.CommentIP(r.Context(), a.Site.ID, c.ID)
	d.HasAddress = ip != ""
	return d, err
}

// banPage serves GET /dashboard/sites/{site}/comments/{comment}/ban.
func (h *Handler) banPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	c, ok := h.siteComment(w, r, a, u)
	if !ok {
		return
	}
	d, err := h.banForm(r, a, u, c)
	if err != nil {
		h.fail(w, r, u, "load ban form", err)
		return
	}
	h.render(w, r, http.StatusOK, "ban", d)
}

// banSubmit serves POST /dashboard/sites/{site}/comments/{comment}/ban
// (scope, duration, days): the comment's author is banned
// (store.BanAuthor), then the list of bans.
func (h *Handler) banSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.banOrBlock(w, r, u, false)
}

// blockSubmit serves POST /dashboard/sites/{site}/comments/{comment}/block
// (scope, duration, days): the network the comment was written from is
// blocked (store.BlockCommentIP) without its address being shown.
func (h *Handler) blockSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.banOrBlock(w, r, u, true)
}

// banOrBlock is banSubmit (block false) and blockSubmit.
func (h *Handler) banOrBlock(w http.ResponseWriter, r *http.Request, u *model.User, block bool) {
	a, ok := h.site(w, r, u)
	if !ok {
		return
	}
	c, ok := h.siteComment(w, r, a, u)
	if !ok {
		return
	}
	d, err := h.banForm(r, a, u, c)
	if err != nil {
		h.fail(w, r, u, "load ban form", err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	r.ParseForm() // a form that cannot be read has no fields, and says so below
	fields := d.BanFields
	if block {
		fields = d.BlockFields
	}
	form, expires, words, forbidden := readDuration(r.PostForm, u, h.Now(), fields)
	if len(fields) == 0 {
		act := store.Action{SiteID: a.Site.ID, ActorID: u.ID, Detail: words}
		if block {
			err = h.Store.BlockCommentIP(r.Context(), act, c.ID, form.Scope == "everywhere", expires)
		} else {
			_, err = h.Store.BanAuthor(r.Context(), act, c.ID, form.Scope == "everywhere", expires)
		}
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/dashboard/sites/%d/bans?done=%s", a.Site.ID, map[bool]string{false: "ban", true: "block"}[block]), http.StatusSeeOther)
			return
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r, u)
		return
	case errors.Is(err, store.ErrBanEmpty):
		d.BanError = "There is nothing left to ban this commenter by: no account, no email, and their address is no longer kept."
	case errors.Is(err, store.ErrNoAddress):
		d.BlockError = "The address of this comment is no longer kept."
	case errors.Is(err, store.ErrTooManyBlocks):
		d.BlockError = fmt.Sprintf("There are already %d blocks; lift some first.", store.MaxIPBlocksPerSite)
	case err != nil:
		h.fail(w, r, u, "ban", err)
		return
	}
	if block {
		d.Block = form
	} else {
		d.Ban = form
	}
	h.render(w, r, formStatus(forbidden), "ban", d)
}
