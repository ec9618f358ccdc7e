package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The stream's timing. Keep-alive comments go out every StreamKeepAlive so
// that proxies and browsers do not close an idle stream; each write must
// reach the client within streamWriteTimeout or the stream ends (the
// server's WriteTimeout does not apply: it would cut every stream). A
// client refused for the cap is told to wait StreamRetryAfter.
const (
	StreamKeepAlive    = 25 * time.Second
	streamWriteTimeout = 10 * time.Second
	StreamRetryAfter   = 30 * time.Second
	// streamRetry is the reconnection delay of the SSE "retry:" field, for
	// EventSource clients other than the widget (which keeps its own
	// backoff).
	streamRetry = "retry: 5000\n"
)

// DefaultMaxStreams is how many streams one server holds open at once
// unless PARLEY_MAX_STREAMS says otherwise.
const DefaultMaxStreams = 10000

// wireEvent is one event of a stream: its kind and the ids of the comments
// it concerns, nothing else (no text, no author: the widget fetches the
// public thread to show them).
type wireEvent struct {
	Kind string  `json:"kind"`
	IDs  []int64 `json:"ids,omitempty"`
}

// stream serves GET /api/v1/stream?site=&path=: the Server-Sent Events of
// one page's comments (created, approved, edited, deleted, changed), for the
// same origins that may read its thread. Past the cap of open streams it
// answers 503 busy, past a network's share (live.MaxPerNetwork) 429
// rate_limited, both with Retry-After; with live updates off, 404.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) {
	allowAnyOrigin(w, r)
	if h.live == nil {
		writeError(w, http.StatusNotFound, "live_off", "live updates are turned off on this server", "")
		return
	}
	sub, ok := h.subscribe(w, r)
	if !ok {
		return
	}
	defer h.live.Unsubscribe(sub)
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{}) // the server's ReadTimeout would cancel the request
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	if !writeStream(rc, w, []byte(streamRetry+"\n")) {
		return
	}
	tick := time.NewTicker(StreamKeepAlive)
	defer tick.Stop()
	for {
		var msg []byte
		select {
		case <-r.Context().Done():
			return
		case ev, open := <-sub.Events:
			if !open {
				return // dropped for falling behind, or the server is shutting down
			}
			msg = ev.Wire // encoded once for every stream
		case <-tick.C:
			msg = []byte(":\n\n")
		}
		if !writeStream(rc, w, msg) {
			return
		}
	}
}

// subscribe resolves and checks the stream's site and path, as a thread
// read does, and opens the subscription. It reads nothing from the database
// when the site is cached: opening a stream is as cheap as a cached read,
// even when every reader reconnects at once. On failure it has written the
// answer.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) (*live.Subscriber, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), cmpDBTimeout(h.DBTimeout))
	defer cancel()
	r = r.WithContext(ctx)
	q := r.URL.Query()
	site, ok := h.site(w, r, q.Get("site"))
	if !ok || !checkReadOrigin(w, r, site) {
		return nil, false
	}
	path := q.Get("path")
	if err := comment.ValidatePath(path); err != nil {
		h.writeServiceError(w, r, err)
		return nil, false
	}
	sub, err := h.live.Subscribe(site.ID, path, clientip.NetworkKey(h.ClientIP(r)))
	if errors.Is(err, live.ErrNetworkFull) {
		h.m.rateLimited.Inc()
		writeRateLimited(w, StreamRetryAfter)
		return nil, false
	}
	if err != nil { // live.ErrFull, or live.ErrClosed while shutting down
		setRetryAfter(w, StreamRetryAfter)
		writeError(w, http.StatusServiceUnavailable, "busy", "too many open live streams; try again later", "")
		return nil, false
	}
	return sub, true
}

// writeStream writes msg and flushes it within streamWriteTimeout; false
// means the client is gone or too slow, and the stream ends.
func writeStream(rc *http.ResponseController, w http.ResponseWriter, msg []byte) bool {
	if err := rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)); err != nil {
		return false
	}
	if _, err := w.Write(msg); err != nil {
		return false
	}
	return rc.Flush() == nil
}

// cmpDBTimeout is timeout, or store.DefaultTimeout when it is not set.
func cmpDBTimeout(timeout time.Duration) time.Duration {
	if timeout <= 0 {
		return store.DefaultTimeout
	}
	return timeout
}

// publish tells this process's open streams of the page at path about ev,
// encoded once for all of them.
func (h *Handler) publish(siteID int64, path string, ev live.Event) {
	if h.live == nil || ev.Kind == "" || path == "" {
		return
	}
	b, _ := json.Marshal(wireEvent{Kind: ev.Kind, IDs: ev.IDs})
	ev.Wire = slices.Concat([]byte("data: "), b, []byte("\n\n"))
	h.live.Publish(siteID, path, ev)
}

// CloseStreams ends every open stream and refuses new ones: serve calls it
// when shutdown begins, so that streams do not hold the graceful shutdown
// for its whole grace.
func (h *Handler) CloseStreams() {
	if h.live != nil {
		h.live.Close()
	}
}

// visibleEvent is an event of kind about c when readers of the thread can
// see c (it is approved), else none: a held comment's changes are nobody's
// business but its author's and the moderators'.
func visibleEvent(c *model.Comment, kind string) live.Event {
	if c.Status != model.StatusApproved {
		return live.Event{}
	}
	return live.Event{Kind: kind, IDs: []int64{c.ID}}
}
