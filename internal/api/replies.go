package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// repliesResponse is the body of GET /api/v1/thread/replies.
type repliesResponse struct {
	Comments []wireComment  `json:"comments"`
	More     *wireMore      `json:"more"` // null when no replies are left
	MyVotes  map[string]int `json:"myVotes"`
}

// replies serves GET /api/v1/thread/replies?site=&path=&root=ID&cursor=C:
// the next replies of one root comment after those a thread response (or an
// earlier call) held, oldest first, repliesPageSize at a time. They are read
// from the database each time: the widget asks for them on a click.
func (h *Handler) replies(w http.ResponseWriter, r *http.Request) {
	site, tr, ok := h.parseThread(w, r)
	if !ok {
		return
	}
	root, err := strconv.ParseInt(r.URL.Query().Get("root"), 10, 64)
	if err != nil || root <= 0 {
		writeError(w, http.StatusBadRequest, "invalid_field", "root must be the id of a root comment", "root")
		return
	}
	page, _, err := h.Store.PageByPath(r.Context(), site.ID, tr.path)
	var list []model.Comment
	var more store.MoreReplies
	if err == nil {
		list, more, err = h.Store.Replies(r.Context(), store.RepliesQuery{PageID: page.ID, RootID: root, Cursor: tr.cursor, Limit: repliesPageSize})
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "comment_not_found", "no such root comment on this page", "root")
		return
	case errors.Is(err, store.ErrInvalidSort):
		writeError(w, http.StatusBadRequest, "invalid_field", "cursor is not valid; start again without it", "cursor")
		return
	case err != nil:
		h.internal(w, r, "load replies", err)
		return
	}
	authors, err := h.Store.Authors(r.Context(), site.ID, authorIDs(list))
	if err != nil {
		h.internal(w, r, "load authors", err)
		return
	}
	resp := repliesResponse{Comments: publicComments(make([]wireComment, 0, len(list)), list, authors), MyVotes: map[string]int{}}
	if more.Count > 0 {
		resp.More = &wireMore{Count: more.Count, Cursor: more.Cursor}
	}
	if votes, err := h.readMyVotes(r, page.ID, h.voter(r)); err != nil {
		h.internal(w, r, "load votes", err)
		return
	} else if votes != nil {
		resp.MyVotes = votes
		w.Header().Set("Cache-Control", cachePrivate)
	} else {
		h.publicCache(w, site.ID, tr.path)
	}
	writeCacheable(w, r, resp)
}
