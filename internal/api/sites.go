package api

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/cdnpurge"
	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// siteTTL bounds how long a change made by another process (a new site, new
// origins) takes to be seen; a miss reloads at once, at most once a second.
const siteTTL = 30 * time.Second

// siteCache keeps every site in memory: sites are few and read on every
// request, and preflight requests must find a site by origin alone.
type siteCache struct {
	store *store.Store
	now   func() time.Time

	mu       sync.Mutex
	byHostM  map[string]*model.Site
	loaded   time.Time
	lastMiss time.Time
}

func newSiteCache(st *store.Store, now func() time.Time) *siteCache {
	return &siteCache{store: st, now: now}
}

// byHost finds the site registered for host, or for host without its port.
func (c *siteCache) byHost(ctx context.Context, host string) (*model.Site, error) {
	if s := c.lookup(host); s != nil {
		return s, nil
	}
	if err := c.reload(ctx, true); err != nil {
		return nil, err
	}
	if s := c.lookup(host); s != nil {
		return s, nil
	}
	return nil, store.ErrNotFound
}

// byOrigin finds a site that allows origin, for preflight requests.
func (c *siteCache) byOrigin(ctx context.Context, origin string) *model.Site {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return nil
	}
	if s, err := c.byHost(ctx, u.Host); err == nil && s.AllowsOrigin(origin) {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.byHostM {
		if s.AllowsOrigin(origin) {
			return s
		}
	}
	return nil
}

func (c *siteCache) lookup(host string) *model.Site {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byHostM == nil || c.now().Sub(c.loaded) > siteTTL {
		return nil
	}
	if s, ok := c.byHostM[host]; ok {
		return s
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		return c.byHostM[h]
	}
	return nil
}

// reload reads all sites; after a miss it does so at most once a second so
// that requests for unknown hosts cannot hammer the database.
func (c *siteCache) reload(ctx context.Context, miss bool) error {
	c.mu.Lock()
	now := c.now()
	fresh := c.byHostM != nil && now.Sub(c.loaded) <= siteTTL
	if miss && fresh && now.Sub(c.lastMiss) < time.Second {
		c.mu.Unlock()
		return nil
	}
	if miss {
		c.lastMiss = now
	}
	c.mu.Unlock()
	sites, err := c.store.Sites(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]*model.Site, len(sites))
	for _, s := range sites {
		m[s.Host] = s
	}
	c.mu.Lock()
	c.byHostM, c.loaded = m, now
	c.mu.Unlock()
	return nil
}

// SiteChanged drops what is cached of a site: the threads of the page that
// changed (of every page when no page is named), and with ch.Settings the
// site list too. An event another server sent goes to this server's open
// streams of the page. The server calls it for each change another process reports
// (store.ListenSiteChanges).
func (h *Handler) SiteChanged(ch store.SiteChange) {
	if ch.Page() {
		h.threads.invalidate(ch.SiteID, ch.PageID, ch.Path)
		if !ch.Own {
			h.publish(ch.SiteID, ch.Path, live.Event{Kind: ch.Event, IDs: ch.CommentIDs})
		}
	} else {
		h.threads.invalidate(ch.SiteID, 0, "")
	}
	if ch.Settings {
		h.sites.mu.Lock()
		h.sites.byHostM = nil
		h.sites.mu.Unlock()
	}
}

// changed records a write to the comments of one page, named by id, by path
// or both (a new page): this process's cache at once, other servers on the
// same PostgreSQL through a notification. Other pages stay cached.
func (h *Handler) changed(r *http.Request, siteID, pageID int64, path string) {
	h.changedPage(r.Context(), siteID, pageID, path)
}

func (h *Handler) changedPage(ctx context.Context, siteID, pageID int64, path string) {
	h.announce(ctx, siteID, pageID, path, live.Event{})
}

// announce records a change to the comments of one page, as changedPage
// does, and when ev has a kind tells the page's open streams: this
// process's at once (announceHere), other servers' through the same
// notification.
func (h *Handler) announce(ctx context.Context, siteID, pageID int64, path string, ev live.Event) {
	path = h.announceHere(ctx, siteID, pageID, path, ev)
	ch := store.SiteChange{SiteID: siteID, PageID: pageID, Path: path, Event: ev.Kind, CommentIDs: ev.IDs}
	if err := h.Store.NotifySiteChanged(ctx, ch); err != nil {
		h.Log.WarnContext(ctx, "notify site changed", "err", err)
	}
}

// announceHere drops what a write changed from this server's caches and
// tells this server's open streams of ev (when it has a kind), without
// telling other servers: for a write whose store method told them in its
// own transaction (store.CreateComment), and as the first half of
// announce. Streams follow paths: a page named by id only has its path read
// first (one query per edit, deletion or moderation, never per stream). It
// returns the path, as given or as read.
func (h *Handler) announceHere(ctx context.Context, siteID, pageID int64, path string, ev live.Event) string {
	h.threads.invalidate(siteID, pageID, path)
	if ev.Kind != "" && path == "" && pageID != 0 && (h.live != nil || h.Store.Dialect() == "postgres") {
		var err error
		if path, err = h.Store.PagePath(ctx, pageID); err != nil {
			h.Log.WarnContext(ctx, "find the path of a changed page", "err", err)
		}
	}
	h.publish(siteID, path, ev)
	h.purgeCDN(cdnpurge.Change{SiteID: siteID, PageID: pageID, Path: path})
	return path
}

// byID finds a site by id, reloading once if it is not cached.
func (c *siteCache) byID(ctx context.Context, id int64) (*model.Site, error) {
	find := func() *model.Site {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, s := range c.byHostM {
			if s.ID == id {
				return s
			}
		}
		return nil
	}
	if s := find(); s != nil {
		return s, nil
	}
	if err := c.reload(ctx, false); err != nil {
		return nil, err
	}
	if s := find(); s != nil {
		return s, nil
	}
	return nil, store.ErrNotFound
}
