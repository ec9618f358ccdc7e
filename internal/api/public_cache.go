package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/cdnpurge"
)

// CDN says how shared caches (a CDN, a caching proxy) may keep the answers
// of readers without a session: thread pages, replies and counts.
// Browsers are always told to ask again (max-age=0, answered 304 through
// the ETag): a reader who just posted and reloads must see their comment,
// and the widget reloads the thread after a sort change or a sign-out.
type CDN struct {
	// MaxAge is the s-maxage of such answers; 0 keeps them no-cache for
	// every cache (PARLEY_CDN_MAX_AGE).
	MaxAge time.Duration
	// Stale is how long past MaxAge a CDN may serve one while it fetches
	// a fresh one (PARLEY_CDN_STALE); it is told in CDN-Cache-Control
	// (RFC 9213) only, which browsers ignore.
	Stale time.Duration
	// Purge, optional, is told every write, to purge the CDN
	// (PARLEY_CDN_PURGE_URL).
	Purge func(cdnpurge.Change)
}

// publicCache lets shared caches keep an answer that is the same for every
// reader without a session, tagged with the pages it shows so that a write
// can purge it (package cdnpurge). The caller has made sure the answer holds
// nothing of this reader's: no session, no votes of theirs. Vary names
// Authorization, so that a cache that honours Vary never gives it to a
// signed-in reader.
func (h *Handler) publicCache(w http.ResponseWriter, siteID int64, paths ...string) {
	if h.CDN.MaxAge <= 0 {
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", "public, max-age=0, s-maxage="+seconds(h.CDN.MaxAge))
	hd.Set("CDN-Cache-Control", "public, max-age="+seconds(h.CDN.MaxAge)+", stale-while-revalidate="+seconds(h.CDN.Stale))
	hd.Add("Vary", "Authorization")
	tags := cdnpurge.Tags(siteID, paths...)
	hd.Set("Cache-Tag", strings.Join(tags, ","))     // Cloudflare
	hd.Set("Surrogate-Key", strings.Join(tags, " ")) // Fastly
	bunny := strings.Join(tags, ",")
	if len(bunny) > maxCDNTagBytes { // a counts answer of many pages: purged with its site
		bunny = strings.Join(tags[:2], ",")
	}
	hd.Set("CDN-Tag", bunny) // Bunny
}

// maxCDNTagBytes is the longest CDN-Tag header Bunny takes; a longer list
// of tags is replaced by the site's tag, so that purging the site (or
// waiting for the max age) refreshes that answer.
const maxCDNTagBytes = 1024

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// purgeCDN tells the CDN purge hook, when there is one, what a write changed.
func (h *Handler) purgeCDN(c cdnpurge.Change) {
	if h.CDN.Purge != nil {
		h.CDN.Purge(c)
	}
}
