package cdnpurge

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// webhook records the bodies it receives.
func webhook(t *testing.T, status int) (url string, bodies <-chan Body) {
	ch := make(chan Body, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b Body
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook got %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		ch <- b
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

func pagePaths(_ context.Context, id int64) (string, error) {
	if id == 7 {
		return "/seven", nil
	}
	return "", errors.New("no such page")
}

func counter(set *metrics.Set, result string) uint64 {
	return set.GetOrCreateCounter(`parley_cdn_purges_total{result="` + result + `"}`).Get()
}

// TestHookPostsTheTagsOfABurstOnce: the changes of a burst of writes reach
// the webhook as one POST naming each stale tag once; a page named by id is
// found by its path, one that cannot be found stands for its site, and a
// change of every site purges everything.
func TestHookPostsTheTagsOfABurstOnce(t *testing.T) {
	url, bodies := webhook(t, http.StatusOK)
	set := metrics.NewSet()
	h := New(url, pagePaths, set, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.Changed(Change{SiteID: 1, Path: "/a"})
	h.Changed(Change{SiteID: 1, Path: "/a"})
	h.Changed(Change{SiteID: 1, PageID: 7})
	h.Changed(Change{SiteID: 2, PageID: 99})
	h.Changed(Change{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.Run(ctx)
	b := <-bodies
	want := []string{PathTag(1, "/a"), PathTag(1, "/seven"), SiteTag(2), AllTag}
	if !slices.Equal(b.Tags, want) {
		t.Errorf("webhook got tags %v, want %v", b.Tags, want)
	}
	for counter(set, "sent") != 1 {
		time.Sleep(time.Millisecond)
	}
}

// TestHookNeverBlocksAWrite: past QueueSize waiting changes, a change is
// dropped and counted, and a webhook that fails is counted too.
func TestHookNeverBlocksAWrite(t *testing.T) {
	url, bodies := webhook(t, http.StatusInternalServerError)
	set := metrics.NewSet()
	h := New(url, pagePaths, set, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i := range QueueSize + 3 {
		h.Changed(Change{SiteID: 1, Path: "/p" + string(rune('a'+i%26))})
	}
	if got := counter(set, "dropped"); got != 3 {
		t.Errorf("%d changes dropped, want 3", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.Run(ctx)
	if b := <-bodies; len(b.Tags) != 26 {
		t.Errorf("first POST named %d tags, want the 26 distinct pages", len(b.Tags))
	}
	for counter(set, "failed") == 0 {
		time.Sleep(time.Millisecond)
	}
}

func TestTags(t *testing.T) {
	tags := Tags(3, "/a b,c", "/d")
	if len(tags) != 4 || tags[0] != AllTag || tags[1] != "parley-s3" {
		t.Fatalf("Tags = %v", tags)
	}
	for _, tag := range tags {
		for _, r := range tag {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				t.Errorf("tag %q holds %q: tags must be tokens whatever the path", tag, r)
			}
		}
	}
	if PathTag(3, "/a") == PathTag(4, "/a") || PathTag(3, "/a") == PathTag(3, "/b") {
		t.Error("tags of different pages are equal")
	}
}
