package api_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

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
	second, _ := secondServer(t, first, nil)

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

// secondServer runs another API server (with its own cache, exporting its
// metrics to set) on first's PostgreSQL database, listening for the changes
// other servers report; it returns once it listens. The changes it heard
// come on the channel (the first one, "every site", is already taken).
func secondServer(t *testing.T, first *env, set *metrics.Set) (*env, <-chan store.SiteChange) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st, err := store.OpenPostgres(ctx, first.dbURL, first.sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return first.now }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := api.New(api.Deps{Store: st, Comments: comment.NewService(st, markup.New(), now), Sealer: first.sealer,
		Views: stats.NewViewCounter(st, now, log), ClientIP: clientip.New(nil).IP, Log: log, Now: now, Metrics: set})
	changes := make(chan store.SiteChange, 100)
	go st.ListenSiteChanges(ctx, func(ch store.SiteChange) {
		h.SiteChanged(ch)
		select {
		case changes <- ch:
		default: // nobody is looking
		}
	}, func(err error) { t.Log(err) })
	<-changes
	return &env{t: t, store: st, site: first.site, handler: server.Handler(log, st, nil, h), now: first.now}, changes
}
