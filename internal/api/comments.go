package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

type createRequest struct {
	Site     string `json:"site"`
	Path     string `json:"path"`
	Title    string `json:"title"`
	ParentID int64  `json:"parentId"`
	Text     string `json:"text"`
	// NotifyReplies opts in to mail about replies in the thread and about
	// the comment's approval; a guest's address is first confirmed by link.
	NotifyReplies bool `json:"notifyReplies"`
	Author        struct {
		Name    string `json:"name"`
		Email   string `json:"email"`
		Website string `json:"website"`
	} `json:"author"`
	floodFields
}

type createResponse struct {
	Comment       wireComment `json:"comment"`
	EditToken     string      `json:"editToken,omitempty"` // guests only: an account edits through its session
	EditableUntil time.Time   `json:"editableUntil"`
}

type commentResponse struct {
	Comment wireComment `json:"comment"`
}

// createComment serves POST /api/v1/comments. With a Bearer token the
// comment is the signed-in account's, and the author fields are ignored.
func (h *Handler) createComment(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if !decode(w, r, &req) {
		return
	}
	site, ok := h.site(w, r, req.Site)
	if !ok || !checkOrigin(w, r, site) {
		return
	}
	user, ok := h.optionalUser(w, r)
	if !ok || h.refuseBanned(w, r, site, user, req.Author.Email) {
		return
	}
	fc, ok := h.checkFlood(w, r, site, &req, user)
	if !ok {
		return
	}
	created, err := h.Comments.Create(r.Context(), comment.CreateInput{
		Site: site, Path: req.Path, Title: req.Title, ParentID: req.ParentID, Text: req.Text,
		Author: comment.Author{Name: req.Author.Name, Email: req.Author.Email, Website: req.Author.Website},
		User:   user, IP: h.ClientIP(r), UserAgent: r.UserAgent(), Referrer: r.Referer(), NotifyReplies: req.NotifyReplies,
	})
	if err != nil {
		h.commentStored(fc, nil)
		h.writeServiceError(w, r, err)
		return
	}
	h.commentStored(fc, created.Comment)
	h.commentNotifications(r, site, created.Comment)
	// The store told other servers in the comment's transaction; a held
	// comment is not shown, nor announced.
	ev := live.Event{}
	if created.Comment.Status == model.StatusApproved {
		ev = live.Event{Kind: live.Created, IDs: []int64{created.Comment.ID}}
		h.m.commentsApproved.Inc()
	} else {
		h.m.commentsPending.Inc()
	}
	h.announceHere(r.Context(), site.ID, created.Comment.PageID, req.Path, ev)
	author, err := h.authorOf(r.Context(), site, created.Comment)
	if err != nil {
		h.internal(w, r, "load author", err)
		return
	}
	writePrivateJSON(w, http.StatusCreated, createResponse{
		Comment: ownComment(created.Comment, author), EditToken: created.EditToken, EditableUntil: created.EditableUntil,
	})
}

// authorOf returns the account that wrote c, as its comments show it on
// site, or nil for a guest's comment.
func (h *Handler) authorOf(ctx context.Context, site *model.Site, c *model.Comment) (*store.Author, error) {
	if c.AuthorID == 0 {
		return nil, nil
	}
	authors, err := h.Store.Authors(ctx, site.ID, []int64{c.AuthorID})
	return authors[c.AuthorID], err
}

// writer returns who asks to change a comment as its author: the holder of
// the edit token the request carries, and the account its Bearer token signs
// in (and that account). It runs before the comment is looked up, so that a token that signs in
// no one gets the same 401 whatever the id. On failure it has written the answer.
func (h *Handler) writer(w http.ResponseWriter, r *http.Request) (comment.Writer, *model.User, bool) {
	cw := comment.Writer{EditToken: r.Header.Get("X-Parley-Edit-Token")}
	user, ok := h.optionalUser(w, r)
	if user != nil {
		cw.UserID = user.ID
	}
	return cw, user, ok
}

// writeOwnComment answers with c, for its author.
func (h *Handler) writeOwnComment(w http.ResponseWriter, r *http.Request, site *model.Site, c *model.Comment) {
	author, err := h.authorOf(r.Context(), site, c)
	if err != nil {
		h.internal(w, r, "load author", err)
		return
	}
	writePrivateJSON(w, http.StatusOK, commentResponse{Comment: ownComment(c, author)}) // the source text is for its author only
}

// getOwnComment serves GET /api/v1/comments/{id}: the comment with its source text, for the
// holder of its edit token or the account that wrote it, so the widget never has to keep the
// text in the browser.
func (h *Handler) getOwnComment(w http.ResponseWriter, r *http.Request) {
	who, _, ok := h.writer(w, r)
	if !ok {
		return
	}
	site, target, ok := h.target(w, r)
	if !ok {
		return
	}
	c, err := h.Comments.Own(site, target, who)
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.writeOwnComment(w, r, site, c)
}

type editRequest struct {
	Text string `json:"text"`
}

// editComment serves PATCH /api/v1/comments/{id}.
func (h *Handler) editComment(w http.ResponseWriter, r *http.Request) {
	var req editRequest
	if !decode(w, r, &req) {
		return
	}
	who, user, ok := h.writer(w, r)
	if !ok {
		return
	}
	site, target, ok := h.target(w, r)
	if !ok {
		return
	}
	// Banned or not is told only to the comment's author.
	if _, err := h.Comments.Own(site, target, who); err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	if h.refuseBanned(w, r, site, user, target.GuestEmail) {
		return
	}
	c, err := h.Comments.Edit(r.Context(), site, target, who, req.Text)
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.announce(r.Context(), site.ID, c.PageID, "", visibleEvent(c, live.Edited))
	h.m.edits.Inc()
	h.writeOwnComment(w, r, site, c)
}

// deleteComment serves DELETE /api/v1/comments/{id}.
func (h *Handler) deleteComment(w http.ResponseWriter, r *http.Request) {
	who, _, ok := h.writer(w, r)
	if !ok {
		return
	}
	site, target, ok := h.target(w, r)
	if !ok {
		return
	}
	if err := h.Comments.Delete(r.Context(), site, target, who); err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.announce(r.Context(), site.ID, target.PageID, "", visibleEvent(target, live.Deleted))
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
	var req voteRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Value == nil {
		writeError(w, http.StatusBadRequest, "invalid_field", "value is required: 1, -1 or 0", "value")
		return
	}
	site, target, ok := h.target(w, r)
	if !ok {
		return
	}
	voter, err := h.sessions.Authenticate(r.Context(), bearerToken(r))
	if err != nil && !errors.Is(err, auth.ErrNoSession) {
		h.internal(w, r, "authenticate", err)
		return
	}
	// A guest vote needs no session: a stale token only means the account's
	// bans are not looked up. A comment that takes no votes answers 404 to
	// everyone, the banned too.
	if target.Status == model.StatusApproved && h.refuseBanned(w, r, site, voter, "") {
		return
	}
	t, err := h.Comments.Vote(r.Context(), site, target, h.voter(r), *req.Value)
	if err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	h.changed(r, site.ID, target.PageID, "")
	h.m.votes.Inc()
	writePrivateJSON(w, http.StatusOK, voteResponse{Score: t.Score, Upvotes: t.Upvotes, Downvotes: t.Downvotes, MyVote: *req.Value})
}

// target finds the comment named by the {id} path value and its site, for
// a write. The request's Origin must belong to some site (else 403, the
// same for every id); a comment that does not exist or whose site does not
// allow that origin answers the one 404 that the service's ErrNotFound
// does, CORS headers included, so that no answer tells whether an id exists.
func (h *Handler) target(w http.ResponseWriter, r *http.Request) (*model.Site, *model.Comment, bool) {
	origin := r.Header.Get("Origin")
	allowed := h.sites.byOrigin(r.Context(), origin)
	if allowed == nil {
		w.Header().Add("Vary", "Origin")
		writeOriginNotAllowed(w)
		return nil, nil, false
	}
	allowCORS(w, r, allowed)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.writeServiceError(w, r, comment.ErrNotFound)
		return nil, nil, false
	}
	c, err := h.Comments.Lookup(r.Context(), id)
	if err != nil {
		h.writeServiceError(w, r, err)
		return nil, nil, false
	}
	site, err := h.sites.byID(r.Context(), c.SiteID)
	if err != nil {
		h.internal(w, r, "resolve site", err)
		return nil, nil, false
	}
	if !site.AllowsOrigin(origin) {
		h.writeServiceError(w, r, comment.ErrNotFound)
		return nil, nil, false
	}
	if site.Waiting {
		writeSiteNotLive(w)
		return nil, nil, false
	}
	return site, c, true
}
