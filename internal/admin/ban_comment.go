package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"time"

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

// banForm resolves the comment of the path and loads what ban.html shows
// of it; on failure it has answered.
func (h *Handler) banForm(w http.ResponseWriter, r *http.Request, u *model.User) (siteAccess, *model.Comment, banData, bool) {
	a, c, ok := h.siteComment(w, r, u)
	if !ok {
		return a, nil, banData{}, false
	}
	d := banData{frame: frame{"Ban or block", u}, Site: a.Site, CommentID: c.ID, Author: c.GuestName, HTML: template.HTML(c.HTML),
		Operator: u.Role == model.RoleOperator, Ban: durationForm{Scope: "site", Duration: "7"}, Block: durationForm{Scope: "site", Duration: "7"},
		BanFields: map[string]string{}, BlockFields: map[string]string{}}
	var err error
	if c.AuthorID != 0 {
		var author *model.User
		if author, err = h.Store.UserByID(r.Context(), c.AuthorID); err == nil {
			d.Author = author.Name
		}
	}
	if err == nil {
		// Opened only to say whether there is one; it is never shown.
		var ip string
		ip, err = h.Store.CommentIP(r.Context(), a.Site.ID, c.ID)
		d.HasAddress = ip != ""
	}
	if err != nil {
		h.fail(w, r, u, "load ban form", err)
		return a, nil, d, false
	}
	return a, c, d, true
}

// banPage serves GET /dashboard/sites/{site}/comments/{comment}/ban.
func (h *Handler) banPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	if _, _, d, ok := h.banForm(w, r, u); ok {
		h.render(w, r, http.StatusOK, "ban", d)
	}
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

// banOrBlock is banSubmit (block false) and blockSubmit: the form's
// problems are shown next to its fields, the store's under its heading.
func (h *Handler) banOrBlock(w http.ResponseWriter, r *http.Request, u *model.User, block bool) {
	a, c, d, ok := h.banForm(w, r, u)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
	r.ParseForm() // a form that cannot be read has no fields, and says so below
	fields, form, problem := d.BanFields, &d.Ban, &d.BanError
	if block {
		fields, form, problem = d.BlockFields, &d.Block, &d.BlockError
	}
	var expires *time.Time
	var words string
	var forbidden bool
	*form, expires, words, forbidden = readDuration(r.PostForm, u, h.Now(), fields)
	if len(fields) == 0 {
		act, everywhere := store.Action{SiteID: a.Site.ID, ActorID: u.ID, Detail: words}, form.Scope == "everywhere"
		var err error
		done := "block"
		if block {
			err = h.Store.BlockCommentIP(r.Context(), act, c.ID, everywhere, expires)
		} else {
			_, err = h.Store.BanAuthor(r.Context(), act, c.ID, everywhere, expires)
			done = "ban"
		}
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/dashboard/sites/%d/bans?done=%s", a.Site.ID, done), http.StatusSeeOther)
			return
		}
		for e, msg := range banProblems {
			if errors.Is(err, e) {
				*problem = msg
			}
		}
		switch {
		case errors.Is(err, store.ErrNotFound): // deleted since banForm read it
			h.notFound(w, r, u)
			return
		case *problem == "":
			h.fail(w, r, u, "ban", err)
			return
		}
	}
	h.render(w, r, formStatus(forbidden), "ban", d)
}

// banProblems say why the store refused a ban or a block.
var banProblems = map[error]string{
	store.ErrBanEmpty:      "There is nothing left to ban this commenter by: no account, no email, and their address is no longer kept.",
	store.ErrNoAddress:     "The address of this comment is no longer kept.",
	store.ErrTooManyBlocks: fmt.Sprintf("There are already %d blocks; lift some first.", store.MaxIPBlocksPerSite),
}
