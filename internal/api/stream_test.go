package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// streamEvent is one decoded event of GET /api/v1/stream.
type streamEvent struct {
	Kind string  `json:"kind"`
	IDs  []int64 `json:"ids"`
}

// openStream opens the stream of path on srv with the site's origin and
// returns its events; the channel closes when the stream ends.
func openStream(t *testing.T, srv *httptest.Server, path string) <-chan streamEvent {
	t.Helper()
	resp := getStream(t, srv, path, origin)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("stream CORS: %q, want the site's origin", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	events := make(chan streamEvent, 100)
	go func() {
		defer close(events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var ev streamEvent
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Errorf("event %q: %v", data, err)
			}
			events <- ev
		}
	}()
	return events
}

func getStream(t *testing.T, srv *httptest.Server, path, from string) *http.Response {
	t.Helper()
	rq, _ := http.NewRequest("GET", srv.URL+"/api/v1/stream?site=blog.example&path="+path, nil)
	rq.Header.Set("Origin", from)
	resp, err := srv.Client().Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// next waits for the next event of a stream.
func next(t *testing.T, events <-chan streamEvent) streamEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return streamEvent{}
}

func wantEvent(t *testing.T, events <-chan streamEvent, kind string, id int64) {
	t.Helper()
	if ev := next(t, events); ev.Kind != kind || len(ev.IDs) != 1 || ev.IDs[0] != id {
		t.Errorf("event %+v, want %s of comment %d", ev, kind, id)
	}
}

// TestStreamTellsOfCommentChanges: a reader's open stream hears of a new
// comment on its page (even one whose page did not exist when the stream
// opened), of its edit and of its deletion; not of other pages.
func TestStreamTellsOfCommentChanges(t *testing.T) {
	eachDB(t, options{streams: 10}, func(t *testing.T, e *env) {
		srv := httptest.NewServer(e.handler)
		t.Cleanup(srv.Close)
		events := openStream(t, srv, "/live")
		other := openStream(t, srv, "/elsewhere")
		id, token := e.post("/live", 0, "first")
		wantEvent(t, events, live.Created, id)
		tok := map[string]string{"X-Parley-Edit-Token": token}
		if r := e.do(req{method: "PATCH", path: fmt.Sprintf("/api/v1/comments/%d", id), headers: tok, body: map[string]any{"text": "changed"}}); r.status != 200 {
			t.Fatalf("edit: %d %s", r.status, r.raw)
		}
		wantEvent(t, events, live.Edited, id)
		if r := e.do(req{method: "DELETE", path: fmt.Sprintf("/api/v1/comments/%d", id), headers: tok}); r.status != 204 {
			t.Fatalf("delete: %d %s", r.status, r.raw)
		}
		wantEvent(t, events, live.Deleted, id)
		// The other page's stream heard nothing: its first event is its own.
		otherID, _ := e.post("/elsewhere", 0, "there")
		wantEvent(t, other, live.Created, otherID)
	})
}

// TestStreamTellsOfApprovalNotOfHeldComments: a comment held for
// moderation is not announced (readers cannot see it); its approval on the
// dashboard is.
func TestStreamTellsOfApprovalNotOfHeldComments(t *testing.T) {
	held := func(s *model.SiteSettings) { s.Moderation = model.ModerationAll }
	eachDB(t, options{streams: 10, settings: held}, func(t *testing.T, e *env) {
		srv := httptest.NewServer(e.handler)
		t.Cleanup(srv.Close)
		events := openStream(t, srv, "/held")
		id, _ := e.post("/held", 0, "wait for it")
		mod := e.account("mod@example.org", "Mod")
		ctx := context.Background()
		pages, err := e.store.ModerateComments(ctx, store.Moderation{SiteID: e.site.ID, ActorID: mod.ID, Action: store.ActionApprove, CommentIDs: []int64{id}})
		if err != nil {
			t.Fatal(err)
		}
		e.api.CommentsChanged(ctx, e.site.ID, pages, live.Approved, []int64{id}) // as the dashboard does
		wantEvent(t, events, live.Approved, id)                                  // the first event: the held post told nothing
	})
}

// TestStreamRefusals: another site's page may not open a stream (403, as
// for its thread); past PARLEY_MAX_STREAMS the answer is 503 busy with
// Retry-After; with live updates off, 404 live_off.
func TestStreamRefusals(t *testing.T) {
	set := metrics.NewSet()
	e := newEnv(t, "sqlite", options{streams: 1, metrics: set})
	srv := httptest.NewServer(e.handler)
	t.Cleanup(srv.Close)
	if r := getStream(t, srv, "/p", "https://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("foreign origin: %d, want 403", r.StatusCode)
	}
	openStream(t, srv, "/p")
	var b strings.Builder
	set.WritePrometheus(&b)
	if !strings.Contains(b.String(), "parley_streams_open 1\n") {
		t.Errorf("metrics do not count the open stream:\n%s", b.String())
	}
	r := getStream(t, srv, "/q", origin)
	var body struct {
		Error struct{ Code string }
	}
	json.NewDecoder(r.Body).Decode(&body)
	if r.StatusCode != http.StatusServiceUnavailable || body.Error.Code != "busy" || r.Header.Get("Retry-After") != "30" {
		t.Errorf("past the cap: %d %q Retry-After %q, want 503 busy 30", r.StatusCode, body.Error.Code, r.Header.Get("Retry-After"))
	}
	off := newEnv(t, "sqlite", options{})
	offSrv := httptest.NewServer(off.handler)
	t.Cleanup(offSrv.Close)
	if r := getStream(t, offSrv, "/p", origin); r.StatusCode != http.StatusNotFound {
		t.Errorf("live updates off: %d, want 404", r.StatusCode)
	}
	if th := off.thread("path=/p"); th.get("settings.live") != nil {
		t.Errorf("live updates off, yet the thread says live: %s", th.raw)
	}
	if th := e.thread("path=/p"); th.get("settings.live") != true {
		t.Errorf("the thread does not tell the widget to go live: %s", th.raw)
	}
}

// TestStreamOutlivesServerTimeouts: the server's read and write timeouts
// (60 s and 30 s in serve) do not cut a stream; closing the streams, as
// serve does when it shuts down, ends it.
func TestStreamOutlivesServerTimeouts(t *testing.T) {
	e := newEnv(t, "sqlite", options{streams: 10})
	srv := httptest.NewUnstartedServer(e.handler)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 200*time.Millisecond, 200*time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	events := openStream(t, srv, "/long")
	time.Sleep(600 * time.Millisecond) // three times both timeouts
	id, _ := e.post("/long", 0, "still there?")
	wantEvent(t, events, live.Created, id)
	e.api.CloseStreams()
	select {
	case _, open := <-events:
		if open {
			t.Error("an event after the streams closed")
		}
	case <-time.After(5 * time.Second):
		t.Error("the stream stayed open after CloseStreams")
	}
}

// TestStreamNetworkShare: one client network holds at most its share of
// streams (PARLEY_STREAMS_PER_NETWORK, here 3); the next gets 429
// rate_limited with Retry-After, while another network still opens its own.
func TestStreamNetworkShare(t *testing.T) {
	const share = 3
	e := newEnv(t, "sqlite", options{streams: share + 10, streamsPerNetwork: share})
	srv := httptest.NewServer(e.handler)
	t.Cleanup(srv.Close)
	for range share {
		if r := getStream(t, srv, "/p", origin); r.StatusCode != http.StatusOK {
			t.Fatalf("stream within the share: %d", r.StatusCode)
		}
	}
	r := getStream(t, srv, "/p", origin)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "30" {
		t.Errorf("one past the share: %d Retry-After %q, want 429 and 30", r.StatusCode, r.Header.Get("Retry-After"))
	}
	// httptest's clients all come from 127.0.0.1: another network is a recorded request (whose
	// writer cannot stream, so the handler returns after the headers).
	rq := httptest.NewRequest("GET", "/api/v1/stream?site=blog.example&path=/p", nil)
	rq.RemoteAddr = "198.51.100.7:5555"
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, rq)
	if rec.Code != http.StatusOK {
		t.Errorf("another network: %d, want 200", rec.Code)
	}
}
