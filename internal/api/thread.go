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
	"github.com/parleyhq/parley/internal/negotiate"
	"github.com/parleyhq/parley/internal/store"
)

// Thread page sizes, in root comments.
const (
	defaultThreadLimit = 50
	maxThreadLimit     = 200
)

type threadResponse struct {
	Site       string         `json:"site"`
	Page       wirePage       `json:"page"`
	Comments   []wireComment  `json:"comments"`
	Sort       string         `json:"sort"`
	NextCursor *string        `json:"nextCursor"`
	MyVotes    map[string]int `json:"myVotes"`
	Settings   wireSettings   `json:"settings"`
	I18n       *wireMessages  `json:"i18n,omitempty"`
	// Me is the signed-in reader, in answers to a request with a valid
	// Bearer token only: such an answer is private and never cached.
	Me *wireMe `json:"me,omitempty"`
}

// wireSettings are the site's settings as the widget needs them: the login
// methods it may show, with the providers' button labels.
type wireSettings struct {
	model.SiteSettings
	LoginMethods []string       `json:"loginMethods"` // guest and local, when enabled
	Providers    []wireProvider `json:"providers"`    // enabled and configured
}

type wireMessages struct {
	Lang     string          `json:"lang"`
	Messages json.RawMessage `json:"messages"`
}

// thread serves GET /api/v1/thread: one page of a thread with everything the
// widget needs to render it.
func (h *Handler) thread(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	allowAnyOrigin(w, r)
	site, ok := h.site(w, r, q.Get("site"))
	if !ok || !checkReadOrigin(w, r, site) {
		return
	}
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
	lang := ""
	if h.Messages != nil {
		lang = q.Get("lang")
	}
	key := threadKey{site: site.ID, path: path, sort: sort, cursor: cursor, lang: lang, limit: limit}
	entry := h.threads.get(key)
	if entry != nil {
		h.m.cacheHits.Inc()
	} else {
		h.m.cacheMisses.Inc()
		var err error
		if entry, err = h.loadThread(r, site, key); errors.Is(err, store.ErrInvalidSort) {
			writeError(w, http.StatusBadRequest, "invalid_field", "cursor is not valid for this sort; start again without it", "cursor")
			return
		} else if err != nil {
			h.internal(w, r, "load thread", err)
			return
		}
		h.threads.put(key, entry)
	}
	if cursor == "" {
		h.Views.Add(site.ID, path)
		h.m.views.Inc()
	}
	mine, private := *entry.resp, false
	if entry.hasVotes {
		votes, err := h.Store.VotesOnPage(r.Context(), entry.pageID, h.voter(r))
		if err != nil {
			h.internal(w, r, "load votes", err)
			return
		}
		if len(votes) > 0 {
			mine.MyVotes = make(map[string]int, len(votes))
			for id, v := range votes {
				mine.MyVotes[strconv.FormatInt(id, 10)] = v
			}
			private = true
		}
	}
	if r.Header.Get("Authorization") != "" {
		if mine.Me, err = h.threadMe(r, site); err != nil {
			h.internal(w, r, "authenticate", err)
			return
		}
		private = true // also without a valid token: the answer depends on the header
	}
	if private {
		w.Header().Set("Cache-Control", cachePrivate)
		writeCacheable(w, r, &mine)
		return
	}
	writeEncoded(w, r, entry.body, entry.gz, entry.etag)
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

// loadThread reads a thread from the database into a cache entry that
// holds everything but the caller's own votes.
func (h *Handler) loadThread(r *http.Request, site *model.Site, k threadKey) (*cachedThread, error) {
	ctx := r.Context()
	gen, allGen := h.threads.generation(site.ID)
	resp := &threadResponse{
		Site: site.Host, Page: wirePage{Path: k.path}, Comments: []wireComment{}, Sort: k.sort,
		MyVotes: map[string]int{}, Settings: h.wireSettings(site),
	}
	if k.lang != "" {
		if tag, msgs, ok := h.Messages(k.lang); ok {
			resp.I18n = &wireMessages{Lang: tag, Messages: msgs}
		}
	}
	entry := &cachedThread{resp: resp, gen: gen, allGen: allGen}
	page, count, err := h.Store.PageByPath(ctx, site.ID, k.path)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if page != nil {
		resp.Page = wirePage{Path: page.Path, Title: page.Title, Locked: page.Locked, CommentCount: count}
		tp, err := h.Store.Thread(ctx, store.ThreadQuery{PageID: page.ID, Sort: k.sort, Cursor: k.cursor, Limit: k.limit})
		if err != nil {
			return nil, err
		}
		authors, err := h.Store.Authors(ctx, site.ID, authorIDs(tp.Comments))
		if err != nil {
			return nil, err
		}
		for i := range tp.Comments {
			c := &tp.Comments[i]
			resp.Comments = append(resp.Comments, publicComment(c, authors[c.AuthorID]))
		}
		if tp.NextCursor != "" {
			resp.NextCursor = &tp.NextCursor
		}
		entry.pageID = page.ID
		if entry.hasVotes, err = h.Store.PageHasVotes(ctx, page.ID); err != nil {
			return nil, err
		}
	}
	if entry.body, entry.etag, err = encode(resp); err != nil {
		return nil, err
	}
	entry.gz = gzipped(entry.body)
	return entry, nil
}

func (h *Handler) wireSettings(site *model.Site) wireSettings {
	ws := wireSettings{SiteSettings: site.Settings, LoginMethods: []string{}, Providers: h.loginProviders(site)}
	for _, m := range []string{model.LoginGuest, model.LoginLocal} {
		if site.Settings.AllowsLogin(m) {
			ws.LoginMethods = append(ws.LoginMethods, m)
		}
	}
	return ws
}

// encode returns the JSON body of v and its strong ETag.
func encode(v any) ([]byte, string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, "", err
	}
	body = append(body, '\n')
	sum := sha256.Sum256(body)
	return body, `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`, nil
}

// writeCacheable encodes v and answers as writeEncoded does.
func writeCacheable(w http.ResponseWriter, r *http.Request, v any) {
	body, etag, err := encode(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong on our side", "")
		return
	}
	var gz []byte
	if negotiate.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		gz = gzipped(body)
	}
	writeEncoded(w, r, body, gz, etag)
}

// writeEncoded answers with a strong ETag over the exact bytes, or 304 when
// the client already has them, gzip-compressed (gz, when not nil) for
// clients that accept it. Caches must revalidate every time: a thread
// changes whenever someone comments. A Cache-Control already set (private,
// for a thread with the caller's votes) is kept.
func writeEncoded(w http.ResponseWriter, r *http.Request, body, gz []byte, etag string) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	if h.Get("Cache-Control") == "" { // cachePrivate when the body is the caller's own
		h.Set("Cache-Control", "no-cache")
	}
	if gz != nil && negotiate.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = gz
		etag = etag[:len(etag)-1] + `-gz"` // a strong ETag names one representation
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && negotiate.ETagMatches(match, etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
