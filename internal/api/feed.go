package api

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/negotiate"
	"github.com/parleyhq/parley/internal/store"
)

// FeedSize is how many comments a feed holds: the newest approved ones.
const FeedSize = 50

// The feed formats of GET /api/v1/feed.
const (
	feedAtom = "atom" // Atom 1.0, RFC 4287 (the default)
	feedRSS  = "rss"  // RSS 2.0
)

// feed serves GET /api/v1/feed?site=HOST[&path=PATH][&format=rss]: the
// newest approved comments of a site or of one of its pages, as Atom or
// RSS, with names and rendered text only (no email, no IP).
func (h *Handler) feed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	site, ok := h.site(w, r, q.Get("site"))
	if !ok {
		return
	}
	format := q.Get("format")
	if format != "" && format != feedAtom && format != feedRSS {
		writeError(w, http.StatusBadRequest, "invalid_field", "format must be atom or rss", "format")
		return
	}
	path := q.Get("path")
	if path != "" {
		if err := comment.ValidatePath(path); err != nil {
			h.writeServiceError(w, r, err)
			return
		}
	}
	list, err := h.Store.FeedComments(r.Context(), site.ID, path, FeedSize)
	if err != nil {
		h.internal(w, r, "feed", err)
		return
	}
	f := newFeedInfo(site, path, h.PublicURL+r.URL.RequestURI(), list)
	if format == feedRSS {
		writeFeed(w, r, "application/rss+xml; charset=utf-8", f.updated, rssOf(f, list))
		return
	}
	writeFeed(w, r, "application/atom+xml; charset=utf-8", f.updated, atomOf(f, list))
}

// feedInfo is what both formats say about the feed itself.
type feedInfo struct {
	host, title, link, self string
	updated                 time.Time
}

func newFeedInfo(site *model.Site, path, self string, list []store.FeedComment) feedInfo {
	f := feedInfo{host: site.Host, title: "Comments on " + site.Host, link: "https://" + site.Host + "/", self: self, updated: site.CreatedAt}
	if path != "" {
		f.title, f.link = "Comments on "+site.Host+path, "https://"+site.Host+path
		if len(list) > 0 && list[0].PageTitle != "" {
			f.title = "Comments on " + list[0].PageTitle
		}
	}
	for _, c := range list {
		f.updated = later(f.updated, changedAt(c))
	}
	return f
}

func changedAt(c store.FeedComment) time.Time {
	if c.EditedAt != nil {
		return later(c.CreatedAt, *c.EditedAt)
	}
	return c.CreatedAt
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// commentURL is where a comment is read: its page, at the widget's anchor.
func commentURL(host string, c store.FeedComment) string {
	return "https://" + host + (&url.URL{Path: c.Path}).EscapedPath() + "#comment-" + strconv.FormatInt(c.ID, 10)
}

// entryTitle is a comment's title in a feed: who wrote it, on which page.
func entryTitle(c store.FeedComment) string {
	who := c.AuthorName
	if who == "" {
		who = "Anonymous"
	}
	where := c.PageTitle
	if where == "" {
		where = c.Path
	}
	return who + " on " + where
}

// writeFeed answers with an XML feed, or 304 when the client's ETag
// matches. Last-Modified is the newest comment's time, for information
// only: If-Modified-Since never gives 304, since a comment removed by a
// moderator changes the feed without any newer time.
func writeFeed(w http.ResponseWriter, r *http.Request, contentType string, updated time.Time, doc any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "something went wrong on our side", "")
		return
	}
	body, h := buf.Bytes(), w.Header()
	etag := etagOf(body)
	h.Set("ETag", etag)
	h.Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "no-cache")
	if match := r.Header.Get("If-None-Match"); match != "" && negotiate.ETagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
