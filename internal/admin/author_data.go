package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The owner's export and erasure of a commenter's data on their site
// (issue 9, promise P8): the comments the author history lists, on this
// site only. Owner and operator only; a moderator gets the 404 of a site
// they may not manage, as for the site's settings.

// authorEraseData is what author_erase.html shows.
type authorEraseData struct {
	frame
	Site      *model.Site
	CommentID int64
	Name      string
	Count     int
	Mode      string
	Error     string // about the choice, shown next to it
}

// siteAuthor resolves {site} and {comment} for the site's owner or the
// operator, and the comment's author on the site.
func (h *Handler) siteAuthor(w http.ResponseWriter, r *http.Request, u *model.User) (siteAccess, store.SiteAuthor, bool) {
	a, c, ok := h.siteComment(w, r, u)
	if !ok {
		return a, store.SiteAuthor{}, false
	}
	if !manages(a, u) {
		h.notFound(w, r, u)
		return a, store.SiteAuthor{}, false
	}
	author, err := h.Store.SiteAuthorOf(r.Context(), a.Site.ID, c.ID)
	if err != nil {
		h.fail(w, r, u, "find author", err)
		return a, author, false
	}
	return a, author, true
}

// authorExport serves GET /dashboard/sites/{site}/comments/{comment}/author/export:
// the author's comments on this site with their personal data, as a JSON
// download (api.SiteAuthorExport), recorded in the audit log.
func (h *Handler) authorExport(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, author, ok := h.siteAuthor(w, r, u)
	if !ok {
		return
	}
	comments, err := h.Store.SiteAuthorComments(r.Context(), author, u.ID)
	if err != nil {
		h.fail(w, r, u, "export author", err)
		return
	}
	doc := api.NewSiteAuthorExport(h.PublicURL, a.Site.Host, comments, h.Now())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parley-author-%d-%s.json"`, author.CommentID, a.Site.Host))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}

// authorErasePage serves GET /dashboard/sites/{site}/comments/{comment}/author/erase:
// what erasing will do, and the choice between deleting and anonymising.
func (h *Handler) authorErasePage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, author, ok := h.siteAuthor(w, r, u)
	if !ok {
		return
	}
	d, err := h.authorEraseData(r, u, a, author)
	if err != nil {
		h.fail(w, r, u, "author history", err)
		return
	}
	h.render(w, r, http.StatusOK, "author_erase", d)
}

func (h *Handler) authorEraseData(r *http.Request, u *model.User, a siteAccess, author store.SiteAuthor) (authorEraseData, error) {
	d := authorEraseData{frame: frame{"Erase an author's data", u}, Site: a.Site, CommentID: author.CommentID}
	hist, err := h.Store.AuthorHistory(r.Context(), a.Site.ID, author.CommentID)
	if err != nil {
		return d, err
	}
	for _, n := range hist.Counts {
		d.Count += n
	}
	for _, c := range hist.Comments {
		if c.ID == author.CommentID {
			d.Name = c.AuthorName
		}
	}
	return d, nil
}

// authorEraseSubmit serves POST /dashboard/sites/{site}/comments/{comment}/author/erase
// (comments=delete|anonymize): the author's comments on this site are
// erased as their own erasure would, recorded in the audit log; then back
// to the moderation queue.
func (h *Handler) authorEraseSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, author, ok := h.siteAuthor(w, r, u)
	if !ok || !h.parseForm(w, r, u) {
		return
	}
	mode := store.EraseMode(r.PostForm.Get("comments"))
	if !mode.Valid() {
		d, err := h.authorEraseData(r, u, a, author)
		if err != nil {
			h.fail(w, r, u, "author history", err)
			return
		}
		d.Mode, d.Error = string(mode), "Choose whether to delete the comments or keep them without their author."
		h.render(w, r, http.StatusBadRequest, "author_erase", d)
		return
	}
	n, err := h.Store.EraseSiteAuthor(r.Context(), author, mode, u.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, u, "erase author", err)
		return
	}
	h.SiteChanged(r.Context(), a.Site.ID) // many threads may have changed
	http.Redirect(w, r, fmt.Sprintf("%s&done=%s&n=%d", queueURL(a.Site.ID, model.StatusApproved, 1, searchForm{}), store.ActionEraseAuthor, n),
		http.StatusSeeOther)
}
