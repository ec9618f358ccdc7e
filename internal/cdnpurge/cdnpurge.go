package cdnpurge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Limits of the webhook.
const (
	// QueueSize is how many changes may wait to be sent; past it a change
	// is dropped (logged and counted in parley_cdn_purges_total).
	QueueSize = 1024
	// MaxTags is the most tags one POST names; more changes wait for the
	// next POST.
	MaxTags = 100
	// gather is how long the webhook waits for more changes after the
	// first, so a burst of writes makes one POST.
	gather = 50 * time.Millisecond
	// timeout bounds one POST, its answer read.
	timeout = 10 * time.Second
	// lookupTimeout bounds finding the path of a page named by id; past
	// it the change purges the page's site.
	lookupTimeout = 5 * time.Second
)

// AllTag is on every public answer: purging it empties the CDN of Parley.
const AllTag = "parley"

// SiteTag is on every public answer of a site.
func SiteTag(siteID int64) string { return "parley-s" + strconv.FormatInt(siteID, 10) }

// PathTag is on the public answers that show the page at path: its thread
// and every counts answer that names it. The path is hashed: tags are
// tokens, paths can hold anything.
func PathTag(siteID int64, path string) string {
	sum := sha256.Sum256([]byte(path))
	return SiteTag(siteID) + "-" + hex.EncodeToString(sum[:8])
}

// Tags are the cache tags of a public answer of site showing the pages at
// paths.
func Tags(siteID int64, paths ...string) []string {
	tags := make([]string, 0, 2+len(paths))
	tags = append(tags, AllTag, SiteTag(siteID))
	for _, p := range paths {
		tags = append(tags, PathTag(siteID, p))
	}
	return tags
}

// Change is one write: a page (by path, or by id when the path is not at
// hand), a whole site (no page), or everything (SiteID 0).
type Change struct {
	SiteID, PageID int64
	Path           string
}

// Body is what the webhook receives: the tags to purge.
type Body struct {
	Tags []string `json:"tags"`
}

// Hook sends changes to the operator's webhook.
type Hook struct {
	url      string
	client   *http.Client
	pagePath func(ctx context.Context, pageID int64) (string, error)
	log      *slog.Logger
	queue    chan Change

	sent, failed, dropped *metrics.Counter
}

// New returns a hook posting to url. pagePath finds the path of a page
// named by id only.
func New(url string, pagePath func(context.Context, int64) (string, error), set *metrics.Set, log *slog.Logger) *Hook {
	if set == nil {
		set = metrics.NewSet()
	}
	return &Hook{url: url, client: &http.Client{Timeout: timeout}, pagePath: pagePath, log: log,
		queue:   make(chan Change, QueueSize),
		sent:    set.GetOrCreateCounter(`parley_cdn_purges_total{result="sent"}`),
		failed:  set.GetOrCreateCounter(`parley_cdn_purges_total{result="failed"}`),
		dropped: set.GetOrCreateCounter(`parley_cdn_purges_total{result="dropped"}`),
	}
}

// Changed queues a change without waiting; a full queue drops it.
func (h *Hook) Changed(c Change) {
	select {
	case h.queue <- c:
	default:
		h.dropped.Inc()
		h.log.Warn("cdn purge queue full", "queue_size", QueueSize)
	}
}

// Run sends the queued changes until ctx ends.
func (h *Hook) Run(ctx context.Context) {
	for {
		var first Change
		select {
		case <-ctx.Done():
			return
		case first = <-h.queue:
		}
		tags := h.gather(ctx, first)
		if err := h.post(ctx, tags); err != nil {
			h.failed.Inc()
			h.log.Warn("cdn purge", "err", err, "tags", len(tags))
			continue
		}
		h.sent.Inc()
	}
}

// gather collects the tags of first and of the changes that follow it
// within the gathering time, up to MaxTags.
func (h *Hook) gather(ctx context.Context, first Change) []string {
	seen := map[string]bool{}
	var tags []string
	add := func(c Change) {
		t := h.tag(ctx, c)
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	add(first)
	timer := time.NewTimer(gather)
	defer timer.Stop()
	for len(tags) < MaxTags {
		select {
		case c := <-h.queue:
			add(c)
		case <-timer.C:
			return tags
		case <-ctx.Done():
			return tags
		}
	}
	return tags
}

// tag is the one tag a change makes stale. A page whose path cannot be
// found stands for its whole site.
func (h *Hook) tag(ctx context.Context, c Change) string {
	switch {
	case c.SiteID == 0:
		return AllTag
	case c.Path != "":
		return PathTag(c.SiteID, c.Path)
	case c.PageID != 0:
		ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
		defer cancel()
		if p, err := h.pagePath(ctx, c.PageID); err == nil {
			return PathTag(c.SiteID, p)
		}
	}
	return SiteTag(c.SiteID)
}

func (h *Hook) post(ctx context.Context, tags []string) error {
	body, err := json.Marshal(Body{Tags: tags})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("cdnpurge: webhook answered %d", resp.StatusCode)
	}
	return nil
}
