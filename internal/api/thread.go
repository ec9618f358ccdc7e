package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// Thread page sizes. A thread response holds at most maxThreadLimit roots
// (plus the page's pinned ones), at most repliesPerRoot replies of each and
// at most maxThreadComments comments in all; the other replies of a root are
// fetched with GET /api/v1/thread/replies, repliesPageSize at a time.
const (
	defaultThreadLimit = 50
	maxThreadLimit     = 200
	repliesPerRoot     = 50
	maxThreadComments  = 1000
	repliesPageSize    = 100
)

// threadResponse is the body of GET /api/v1/thread. MyVotes must stay the
// last field: personalized fills it (and Me) into an encoded body.
type threadResponse struct {
	Site        string              `json:"site"`
	Page        wirePage            `json:"page"`
	Comments    []wireComment       `json:"comments"`
	Sort        string              `json:"sort"`
	NextCursor  *string             `json:"nextCursor"`
	MoreReplies map[string]wireMore `json:"moreReplies"`
	Settings    wireSettings        `json:"settings"`
	I18n        *wireMessages       `json:"i18n,omitempty"`
	// Me is the signed-in reader, in answers to a request with a valid
	// Bearer token only: such an answer is private and never cached.
	Me      *wireMe        `json:"me,omitempty"`
	MyVotes map[string]int `json:"myVotes"`
}

// wireMore is what is left of a root's replies: how many, and the cursor
// that fetches them.
type wireMore struct {
	Count  int    `json:"count"`
	Cursor string `json:"cursor"`
}

// wireSettings are the site's settings as the widget needs them: the login
// methods it may show, with the providers' button labels.
type wireSettings struct {
	model.SiteSettings
	LoginMethods []string       `json:"loginMethods"` // guest and local, when enabled
	Providers    []wireProvider `json:"providers"`    // enabled and configured
	// Live: the server streams the page's changes (GET /api/v1/stream), so
	// the widget loads its live module.
	Live bool `json:"live,omitempty"`

	// The spam policy is not the widget's business: these always-nil
	// fields shadow the embedded ones of the same JSON names, so that the
	// lists never tell a spammer what to avoid (docs/moderation.md).
	LinkLimit    *struct{} `json:"linkLimit,omitempty"`
	HoldImages   *struct{} `json:"holdImages,omitempty"`
	HeldWords    *struct{} `json:"heldWords,omitempty"`
	BlockedWords *struct{} `json:"blockedWords,omitempty"`
	// Nor is the Akismet failure policy.
	AkismetOnError *struct{} `json:"akismetOnError,omitempty"`
	// The widget solves a proof of work before posting as a guest when
	// ProofOfWork is true; the difficulty comes with the challenge.
	ProofOfWorkDifficulty *struct{} `json:"proofOfWorkDifficulty,omitempty"`
	// How long the site keeps IP addresses is its owner's business.
	IPRetentionDays *struct{} `json:"ipRetentionDays,omitempty"`
}

type wireMessages struct {
	Lang     string          `json:"lang"`
	Messages json.RawMessage `json:"messages"`
}

// threadRequest is a validated thread request.
type threadRequest struct {
	path, sort, cursor, lang string
	limit                    int
}

// thread serves GET /api/v1/thread: one page of a thread with everything the
// widget needs to render it.
func (h *Handler) thread(w http.ResponseWriter, r *http.Request) {
	site, tr, ok := h.parseThread(w, r)
	if !ok {
		return
	}
	entry, err := h.threadEntry(r.Context(), site, tr)
	if errors.Is(err, store.ErrInvalidSort) {
		writeError(w, http.StatusBadRequest, "invalid_field", "cursor is not valid for this sort; start again without it", "cursor")
		return
	} else if err != nil {
		h.internal(w, r, "load thread", err)
		return
	}
	var votes map[string]int
	if entry.hasVotes {
		if votes, err = h.myVotes(r, entry); err != nil {
			h.internal(w, r, "load votes", err)
			return
		}
	}
	var me *wireMe
	signedIn := r.Header.Get("Authorization") != ""
	if signedIn {
		if me, err = h.threadMe(r, site); err != nil {
			h.internal(w, r, "authenticate", err)
			return
		}
	}
	if tr.cursor == "" { // a view of the page; the next pages of its thread are not
		h.Views.Add(site.ID, tr.path, me != nil)
		h.m.views.Inc()
	}
	if votes != nil || signedIn { // also without a valid token: the answer depends on the header
		w.Header().Set("Cache-Control", cachePrivate)
		writePersonalized(w, r, entry, me, signedIn, votes)
		return
	}
	h.publicCache(w, site.ID, tr.path)
	writeEncoded(w, r, entry.body, entry.gz, entry.etag)
}

// parseThread resolves the site of a thread request (allowing its origin)
// and validates the query, writing the error when it is not valid.
func (h *Handler) parseThread(w http.ResponseWriter, r *http.Request) (*model.Site, threadRequest, bool) {
	q := r.URL.Query()
	tr := threadRequest{path: q.Get("path"), sort: q.Get("sort"), cursor: q.Get("cursor")}
	allowAnyOrigin(w, r)
	site, ok := h.site(w, r, q.Get("site"))
	if !ok || !checkReadOrigin(w, r, site) {
		return nil, tr, false
	}
	if err := comment.ValidatePath(tr.path); err != nil {
		h.writeServiceError(w, r, err)
		return nil, tr, false
	}
	switch tr.sort {
	case "": // the site's default; the cache key holds the sort so resolved
		tr.sort = cmp.Or(site.Settings.DefaultSort, store.SortOldest)
	case store.SortOldest, store.SortNewest, store.SortTop:
	default:
		writeError(w, http.StatusBadRequest, "invalid_field", "sort must be oldest, newest or top", "sort")
		return nil, tr, false
	}
	var err error
	if tr.limit, err = parseLimit(q.Get("limit")); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_field", err.Error(), "limit")
		return nil, tr, false
	}
	if h.Messages != nil {
		// Unknown languages get no translation: they are one variant, "".
		tr.lang, _, _ = h.Messages(q.Get("lang"))
	}
	return site, tr, true
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

// threadEntry returns the thread without the caller's votes. Only what the
// widget asks for first (the first page at the default limit) is cached:
// other pages, cursors and limits are read from the database each time, so
// that made-up variants cannot fill the cache. Concurrent misses of one
// cached variant share one database read, which outlives a caller who gives
// up (within its deadline).
func (h *Handler) threadEntry(ctx context.Context, site *model.Site, tr threadRequest) (*cachedThread, error) {
	if tr.cursor != "" || tr.limit != defaultThreadLimit {
		h.m.cacheMisses.Inc()
		h.threads.misses.count(missUncacheable)
		return h.loadThread(ctx, site, tr)
	}
	key := threadKey{pageKey: pageKey{site.ID, tr.path}, sort: tr.sort, lang: tr.lang}
	entry, hit, err := h.threads.getOrLoad(key, func() (*cachedThread, error) {
		shared, cancel := detach(ctx)
		defer cancel()
		entry, err := h.loadThread(shared, site, tr)
		if err == nil && entry.hasVotes {
			entry.votes, entry.votesHeld, err = h.Store.PageVotes(shared, entry.pageID, MaxCachedPageVotes)
			entry.head = newGzipHead(entry.body[:len(entry.body)-len(emptyVotesEnd)])
		}
		return entry, err
	})
	if hit {
		h.m.cacheHits.Inc()
	} else {
		h.m.cacheMisses.Inc()
	}
	return entry, err
}

// detach returns a context for work shared by several requests: it keeps
// ctx's values and deadline (the database deadline bounds the shared read
// too) but not its cancellation, so one reader going away does not fail
// the others.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	shared := context.WithoutCancel(ctx)
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(shared, d)
	}
	return shared, func() {}
}

// loadThread reads a thread from the database into an entry that holds
// everything but the caller's own votes.
func (h *Handler) loadThread(ctx context.Context, site *model.Site, tr threadRequest) (*cachedThread, error) {
	h.m.threadLoads.Inc()
	resp := &threadResponse{
		Site: site.Host, Page: wirePage{Path: tr.path}, Comments: []wireComment{}, Sort: tr.sort,
		MoreReplies: map[string]wireMore{}, MyVotes: map[string]int{}, Settings: h.wireSettings(site),
	}
	if tr.lang != "" {
		if tag, msgs, ok := h.Messages(tr.lang); ok {
			resp.I18n = &wireMessages{Lang: tag, Messages: msgs}
		}
	}
	entry := &cachedThread{}
	info, err := h.Store.PageForThread(ctx, site.ID, tr.path)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if info != nil {
		page := info.Page
		// A page closed by the site's ClosedAfterDays shows as locked.
		closed := info.OpenedAt.Before(site.Settings.ClosedBefore(h.Now()))
		resp.Page = wirePage{Path: page.Path, Title: page.Title, Locked: page.Locked || closed, CommentCount: info.CommentCount}
		tp, err := h.Store.Thread(ctx, store.ThreadQuery{PageID: page.ID, Sort: tr.sort, Cursor: tr.cursor, Limit: tr.limit, Size: info.CommentCount,
			Replies: repliesPerRoot, MaxComments: maxThreadComments})
		if err != nil {
			return nil, err
		}
		authors, err := h.Store.Authors(ctx, site.ID, authorIDs(tp.Comments))
		if err != nil {
			return nil, err
		}
		resp.Comments = publicComments(make([]wireComment, 0, len(tp.Comments)), tp.Comments, authors)
		for id, m := range tp.MoreReplies {
			resp.MoreReplies[strconv.FormatInt(id, 10)] = wireMore(m)
		}
		if tp.NextCursor != "" {
			resp.NextCursor = &tp.NextCursor
		}
		entry.pageID, entry.hasVotes = page.ID, info.HasVotes
	}
	if entry.body, err = encodeJSON(resp); err != nil {
		return nil, err
	}
	entry.etag = etagOf(entry.body)
	entry.gz = gzipped(entry.body)
	return entry, nil
}

func (h *Handler) wireSettings(site *model.Site) wireSettings {
	ws := wireSettings{SiteSettings: site.Settings, LoginMethods: []string{}, Providers: h.loginProviders(site)}
	ws.ProofOfWork = h.Captcha != nil && site.Settings.ProofOfWork
	ws.Live = h.live != nil
	for _, m := range []string{model.LoginGuest, model.LoginLocal} {
		if site.Settings.AllowsLogin(m) {
			ws.LoginMethods = append(ws.LoginMethods, m)
		}
	}
	return ws
}

// publicComments appends the public form of each comment to out, with the
// public profiles of the accounts among their authors.
func publicComments(out []wireComment, list []model.Comment, authors map[int64]*store.Author) []wireComment {
	for i := range list {
		out = append(out, publicComment(&list[i], authors[list[i].AuthorID]))
	}
	return out
}

// myVotes returns the caller's votes on the page of a thread entry keyed
// as the wire has them, or nil when there are none: from the votes the
// entry holds, or else from the database.
func (h *Handler) myVotes(r *http.Request, entry *cachedThread) (map[string]int, error) {
	voter := h.voter(r)
	if entry.votesHeld {
		held := entry.votes[string(voter.ID)]
		if len(held) == 0 {
			return nil, nil
		}
		out := make(map[string]int, len(held))
		for _, v := range held {
			out[strconv.FormatInt(v.CommentID, 10)] = int(v.Value)
		}
		return out, nil
	}
	return h.readMyVotes(r, entry.pageID, voter)
}

// readMyVotes returns voter's votes on a page from the database, keyed as
// the wire has them, or nil when there are none.
func (h *Handler) readMyVotes(r *http.Request, pageID int64, voter store.Voter) (map[string]int, error) {
	h.m.voteLookups.Inc()
	votes, err := h.Store.VotesOnPage(r.Context(), pageID, voter)
	if err != nil || len(votes) == 0 {
		return nil, err
	}
	out := make(map[string]int, len(votes))
	for id, v := range votes {
		out[strconv.FormatInt(id, 10)] = v
	}
	return out, nil
}
