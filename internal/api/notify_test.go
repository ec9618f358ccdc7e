package api_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
)

// TestSecondServerSeesWritesAtOnce runs two API servers on one PostgreSQL
// database: a comment posted through one shows on the other's cached thread
// without waiting for the cache to expire (their clocks stand still).
func TestSecondServerSeesWritesAtOnce(t *testing.T) {
	first := newEnv(t, "postgres", options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.OpenPostgres(ctx, first.dbURL, first.sealer)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := func() time.Time { return first.now }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := api.New(api.Deps{Store: st, Comments: comment.NewService(st, markup.New(), now), Sealer: first.sealer,
		Views: stats.NewViewCounter(st, now, log), ClientIP: clientip.New(nil).IP, Log: log, Now: now})
	listening := make(chan struct{}, 1)
	go st.ListenSiteChanges(ctx, func(ch store.SiteChange) {
		h.SiteChanged(ch)
		if ch.SiteID == 0 {
			listening <- struct{}{}
		}
	}, func(err error) { t.Log(err) })
	<-listening
	second := &env{t: t, store: st, site: first.site, handler: server.Handler(log, st, nil, h), now: first.now}

	if th := second.thread("path=/shared"); len(th.get("comments").([]any)) != 0 {
		t.Fatalf("fresh thread: %s", th.raw)
	}
	first.post("/shared", 0, "posted on the first server")
	deadline := time.Now().Add(5 * time.Second)
	for {
		th := second.thread("path=/shared")
		if strings.Contains(string(th.raw), "posted on the first server") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("second server still serves its stale cached thread: %s", th.raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
