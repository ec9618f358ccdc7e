package admin

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// siteComment resolves the {site} of the path for u (as site does) and its
// {comment}, which must be a comment of that site; anything else gets the
// 404 of a site one may not see (written here).
func (h *Handler) siteComment(w http.ResponseWriter, r *http.Request, u *model.User) (siteAccess, *model.Comment, bool) {
	a, ok := h.site(w, r, u)
	if !ok {
		return a, nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("comment"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return a, nil, false
	}
	c, err := h.Store.Comment(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.SiteID != a.Site.ID) {
		h.notFound(w, r, u)
		return a, nil, false
	}
	if err != nil {
		h.fail(w, r, u, "load comment", err)
		return a, nil, false
	}
	return a, c, true
}

// view is a comment as the moderation pages show it; the email only to
// those who may see it.
func view(c store.QueuedComment, showsEmail bool) queuedView {
	if !showsEmail {
		c.AuthorEmail = ""
	}
	c.HoldReason = holdReason(c.HoldReason)
	return queuedView{QueuedComment: c, HTML: template.HTML(c.HTML), // sanitized when the comment was written
		Datetime: c.CreatedAt.UTC().Format(time.RFC3339), When: c.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC")}
}

// editData is what comment_edit.html shows.
type editData struct {
	frame
	Site      *model.Site
	CommentID int64
	Current   template.HTML // the comment as published now, sanitized when written
	Text      string        // the source, or what was typed
	Error     string        // about the text, shown next to it
	BackURL   string
}

// editPage serves GET /dashboard/sites/{site}/comments/{comment}/edit: the
// comment's source text in a form.
func (h *Handler) editPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, c, ok := h.siteComment(w, r, u)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "comment_edit", editData{frame: frame{"Edit comment", u}, Site: a.Site, CommentID: c.ID,
		Current: template.HTML(c.HTML), Text: c.Text, BackURL: queueURL(a.Site.ID, c.Status, 1, searchForm{})})
}

// editSubmit serves POST /dashboard/sites/{site}/comments/{comment}/edit
// (text): the comment's new text, rendered as the API renders it
// (comment.Service.Revise), recorded in the audit log; the page's cached
// threads are dropped. A text the API would refuse is refused the same
// way, next to the field.
func (h *Handler) editSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, c, ok := h.siteComment(w, r, u)
	if !ok {
		return
	}
	if !h.parseFormMax(w, r, u, MaxEditBytes) {
		return
	}
	d := editData{frame: frame{"Edit comment", u}, Site: a.Site, CommentID: c.ID, Current: template.HTML(c.HTML),
		Text: r.PostForm.Get("text"), BackURL: queueURL(a.Site.ID, c.Status, 1, searchForm{})}
	pageID, err := h.Comments.Revise(r.Context(), a.Site, u.ID, c.ID, d.Text)
	var fe *comment.FieldError
	switch {
	case errors.As(err, &fe):
		d.Error = fe.Message
		h.render(w, r, http.StatusBadRequest, "comment_edit", d)
	case errors.Is(err, comment.ErrNotFound):
		h.notFound(w, r, u)
	case err != nil:
		h.fail(w, r, u, "edit comment", err)
	default:
		h.CommentsChanged(r.Context(), a.Site.ID, []int64{pageID}, live.Edited, []int64{c.ID})
		http.Redirect(w, r, fmt.Sprintf("%s&done=edit#comment-%d", d.BackURL, c.ID), http.StatusSeeOther)
	}
}

// MaxEditBytes bounds the body of the edit form: the API's body limit
// (api.MaxBodyBytes), so that any comment the API took can be edited.
const MaxEditBytes = 64 << 10

// authorData is what author.html shows.
type authorData struct {
	frame
	Site      *model.Site
	CommentID int64
	Name      string
	Tabs      []tab
	Comments  []queuedView
	Max       int
	Manages   bool // the owner or operator: may export and erase the author's data
}

// authorPage serves GET /dashboard/sites/{site}/comments/{comment}/author:
// what the comment's author wrote on this site (by account, else by guest
// email), newest first, with counts by status.
func (h *Handler) authorPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, c, ok := h.siteComment(w, r, u)
	if !ok {
		return
	}
	hist, err := h.Store.AuthorHistory(r.Context(), a.Site.ID, c.ID)
	if err != nil {
		h.fail(w, r, u, "author history", err)
		return
	}
	d := authorData{frame: frame{"Author's comments", u}, Site: a.Site, CommentID: c.ID, Max: store.MaxAuthorHistory, Manages: manages(a, u)}
	for _, t := range tabs {
		d.Tabs = append(d.Tabs, tab{Label: t.Label, Count: hist.Counts[t.Status]})
	}
	for _, qc := range hist.Comments {
		if qc.ID == c.ID {
			d.Name = qc.AuthorName
		}
		d.Comments = append(d.Comments, view(qc, a.showsEmail()))
	}
	h.render(w, r, http.StatusOK, "author", d)
}
