package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
)

type createRequest struct {
	Site     string `json:"site"`
	Path     string `json:"path"`
	Title    string `json:"title"`
	ParentID int64  `json:"parentId"`
	Text     string `json:"text"`
	Author   struct {
		Name    string `json:"name"`
		Email   string `json:"email"`
		Website string `json:"website"`
	} `json:"author"`
}

type createResponse struct {
	Comment       wireComment `json:"comment"`
	EditToken     string      `json:"editToken"`
	EditableUntil time.Time   `json:"editableUntil"`
}

type commentResponse struct {
	Comment wireComment `json:"comment"`
}

// createComment serves POST /api/v1/comments.
func (h *Handler) createComment(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if !decode(w, r, &req) {
		return
	}
	site, ok := h.site(w, r, req.Site)
	if !ok || !checkOrigin(w, r, site) {
		return
	}
	created, err := h.Comments.Create(r.Context(), comment.CreateInput{
		Site: site, Path: req.Path, Title: req.Title, ParentID: req.ParentID, Text: req.Text,
		Author: comment.Author{Name: req.Author.Name, Email: req.Author.Email, Website: req.Author.Website},
		IP:     h.ClientIP(r), UserAgent: r.UserAgent(),
	})
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.changed(r, site.ID, created.Comment.PageID, req.Path)
	if created.Comment.Status == model.StatusApproved {
		h.m.commentsApproved.Inc()
	} else {
		h.m.commentsPending.Inc()
	}
	writeJSON(w, http.StatusCreated, createResponse{
		Comment: ownComment(created.Comment), EditToken: created.EditToken, EditableUntil: created.EditableUntil,
	})
}

type editRequest struct {
	Text string `json:"text"`
}

// editComment serves PATCH /api/v1/comments/{id}.
func (h *Handler) editComment(w http.ResponseWriter, r *http.Request) {
	site, id, ok := h.commentSite(w, r)
	if !ok {
		return
	}
	var req editRequest
	if !decode(w, r, &req) {
		return
	}
	c, err := h.Comments.Edit(r.Context(), site, id, r.Header.Get("X-Parley-Edit-Token"), req.Text)
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.changed(r, site.ID, c.PageID, "")
	h.m.edits.Inc()
	writeJSON(w, http.StatusOK, commentResponse{Comment: ownComment(c)})
}

// deleteComment serves DELETE /api/v1/comments/{id}.
func (h *Handler) deleteComment(w http.ResponseWriter, r *http.Request) {
	site, id, ok := h.commentSite(w, r)
	if !ok {
		return
	}
	pageID := h.pageOf(r, id) // before: the comment may be gone after
	if err := h.Comments.Delete(r.Context(), site, id, r.Header.Get("X-Parley-Edit-Token")); err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.changed(r, site.ID, pageID, "")
	h.m.deletes.Inc()
	w.WriteHeader(http.StatusNoContent)
}

type voteRequest struct {
	Value *int `json:"value"`
}

type voteResponse struct {
	Score     int `json:"score"`
	Upvotes   int `json:"upvotes"`
	Downvotes int `json:"downvotes"`
	MyVote    int `json:"myVote"`
}

// vote serves POST /api/v1/comments/{id}/vote.
func (h *Handler) vote(w http.ResponseWriter, r *http.Request) {
	site, id, ok := h.commentSite(w, r)
	if !ok {
		return
	}
	var req voteRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Value == nil {
		writeError(w, http.StatusBadRequest, "invalid_field", "value is required: 1, -1 or 0", "value")
		return
	}
	t, err := h.Comments.Vote(r.Context(), site, id, h.voter(r), *req.Value)
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.changed(r, site.ID, h.pageOf(r, id), "")
	h.m.votes.Inc()
	writeJSON(w, http.StatusOK, voteResponse{Score: t.Score, Upvotes: t.Upvotes, Downvotes: t.Downvotes, MyVote: *req.Value})
}

// commentSite reads the {id} path value, finds the comment's site and
// checks the request's origin against it.
func (h *Handler) commentSite(w http.ResponseWriter, r *http.Request) (*model.Site, int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusNotFound, "comment_not_found", "no such comment", "id")
		return nil, 0, false
	}
	siteID, err := h.Comments.SiteOf(r.Context(), id)
	if err != nil {
		h.writeServiceError(w, r, err)
		return nil, 0, false
	}
	site, err := h.sites.byID(r.Context(), siteID)
	if err != nil {
		h.internal(w, r, "resolve site", err)
		return nil, 0, false
	}
	if !checkOrigin(w, r, site) {
		return nil, 0, false
	}
	return site, id, true
}
