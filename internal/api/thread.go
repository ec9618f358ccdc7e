package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Thread page sizes, in root comments.
const (
	defaultThreadLimit = 50
	maxThreadLimit     = 200
)

type threadResponse struct {
	Site       string             `json:"site"`
	Page       wirePage           `json:"page"`
	Comments   []wireComment      `json:"comments"`
	Sort       string             `json:"sort"`
	NextCursor *string            `json:"nextCursor"`
	MyVotes    map[string]int     `json:"myVotes"`
	Settings   model.SiteSettings `json:"settings"`
	I18n       *wireMessages      `json:"i18n,omitempty"`
}

type wireMessages struct {
	Lang     string          `json:"lang"`
	Messages json.RawMessage `json:"messages"`
}

// thread serves GET /api/v1/thread: one page of a thread with everything the
// widget needs to render it.
func (h *Handler) thread(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	site, ok := h.site(w, r, q.Get("site"))
	if !ok {
		return
	}
	allowCORS(w, r, site)
	path, sort, cursor := q.Get("path"), q.Get("sort"), q.Get("cursor")
	if err := comment.ValidatePath(path); err != nil {
		h.writeServiceError(w, r, err)
		return
	}
	switch sort {
	case "":
		sort = store.SortOldest
	case store.SortOldest, store.SortNewest, store.SortTop:
	default:
		writeError(w, http.StatusBadRequest, "invalid_field", "sort must be oldest, newest or top", "sort")
		return
	}
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_field", err.Error(), "limit")
		return
	}
	resp, err := h.loadThread(r, site, path, sort, cursor, limit)
	if errors.Is(err, store.ErrInvalidSort) {
		writeError(w, http.StatusBadRequest, "invalid_field", "cursor is not valid for this sort; start again without it", "cursor")
		return
	}
	if err != nil {
		h.internal(w, r, "load thread", err)
		return
	}
	if cursor == "" {
		h.Views.Add(site.ID, path)
	}
	if m := h.Messages; m != nil && q.Get("lang") != "" {
		if tag, msgs, ok := m(q.Get("lang")); ok {
			resp.I18n = &wireMessages{Lang: tag, Messages: msgs}
		}
	}
	writeCacheable(w, r, resp)
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return defaultThreadLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxThreadLimit {
		return 0, errors.New("limit must be a number from 1 to " + strconv.Itoa(maxThreadLimit))
	}
	return n, nil
}

func (h *Handler) loadThread(r *http.Request, site *model.Site, path, sort, cursor string, limit int) (*threadResponse, error) {
	ctx := r.Context()
	resp := &threadResponse{
		Site: site.Host, Page: wirePage{Path: path}, Comments: []wireComment{}, Sort: sort,
		MyVotes: map[string]int{}, Settings: site.Settings,
	}
	page, count, err := h.Store.PageByPath(ctx, site.ID, path)
	if errors.Is(err, store.ErrNotFound) {
		return resp, nil
	}
	if err != nil {
		return nil, err
	}
	resp.Page = wirePage{Path: page.Path, Title: page.Title, Locked: page.Locked, CommentCount: count}
	tp, err := h.Store.Thread(ctx, store.ThreadQuery{PageID: page.ID, Sort: sort, Cursor: cursor, Limit: limit})
	if err != nil {
		return nil, err
	}
	for i := range tp.Comments {
		resp.Comments = append(resp.Comments, publicComment(&tp.Comments[i]))
	}
	if tp.NextCursor != "" {
		resp.NextCursor = &tp.NextCursor
	}
	votes, err := h.Store.VotesOnPage(ctx, page.ID, h.voter(r))
	if err != nil {
		return nil, err
	}
	for id, v := range votes {
		resp.MyVotes[strconv.FormatInt(id, 10)] = v
	}
	return resp, nil
}

// voter identifies a guest voter without a cookie: a keyed hash of the
// client IP and user agent.
func (h *Handler) voter(r *http.Request) []byte {
	return h.Sealer.VoterHash(h.ClientIP(r), r.UserAgent())
}

// writeCacheable answers with a strong ETag over the exact bytes, or 304
// when the client already has them. Caches must revalidate every time: a
// thread changes whenever someone comments.
func writeCacheable(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong on our side", "")
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(http.StatusOK)
	w.Write(append(body, '\n'))
}

// etagMatches implements If-None-Match's list and weak comparison.
func etagMatches(header, etag string) bool {
	for _, part := range splitComma(header) {
		if part == "*" || part == etag || part == "W/"+etag {
			return true
		}
	}
	return false
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			part := s[start:i]
			for len(part) > 0 && (part[0] == ' ' || part[0] == '\t') {
				part = part[1:]
			}
			for len(part) > 0 && (part[len(part)-1] == ' ' || part[len(part)-1] == '\t') {
				part = part[:len(part)-1]
			}
			if part != "" {
				out = append(out, part)
			}
			start = i + 1
		}
	}
	return out
}
