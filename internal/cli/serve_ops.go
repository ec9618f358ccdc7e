package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/cdnpurge"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
)

// exportPoolMetrics adds the database pools' statistics to /metrics, by
// pool (store.PoolStats): connections in use and idle, the most allowed,
// and how often and how long requests waited for a connection.
func exportPoolMetrics(set *metrics.Set, st *store.Store) {
	for pool := range st.PoolStats() {
		stat := func(f func(s sql.DBStats) float64) func() float64 {
			return func() float64 { return f(st.PoolStats()[pool]) }
		}
		label := `{pool="` + pool + `"`
		set.NewGauge(`parley_db_connections`+label+`,state="in_use"}`, stat(func(s sql.DBStats) float64 { return float64(s.InUse) }))
		set.NewGauge(`parley_db_connections`+label+`,state="idle"}`, stat(func(s sql.DBStats) float64 { return float64(s.Idle) }))
		set.NewGauge(`parley_db_max_open_connections`+label+`}`, stat(func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }))
		set.NewGauge(`parley_db_waits_total`+label+`}`, stat(func(s sql.DBStats) float64 { return float64(s.WaitCount) }))
		set.NewGauge(`parley_db_wait_seconds_total`+label+`}`, stat(func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }))
	}
}

// cdnSettings are the API's shared-cache settings, with the purge hook
// when PARLEY_CDN_PURGE_URL is set; run sends its purges until its context
// ends (it returns at once without a hook).
func cdnSettings(cfg *config.Config, st *store.Store, set *metrics.Set, log *slog.Logger) (c api.CDN, run func(context.Context)) {
	c = api.CDN{MaxAge: cfg.CDNMaxAge, Stale: cfg.CDNStale}
	if cfg.CDNPurgeURL == "" {
		return c, func(context.Context) {}
	}
	hook := cdnpurge.New(cfg.CDNPurgeURL, st.PagePath, set, log)
	c.Purge = hook.Changed
	return c, hook.Run
}

// listenPprof opens the operator's profiler listener (PARLEY_PPROF_LISTEN;
// config has checked it is loopback unless PARLEY_PPROF_ALLOW_REMOTE), or
// returns nil when none is configured.
func listenPprof(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (PARLEY_PPROF_LISTEN, --pprof-listen)", addr, err)
	}
	return ln, nil
}

// servePprof serves Go's profiles on ln until ctx ends.
func servePprof(ctx context.Context, ln net.Listener, log *slog.Logger) {
	log.Info("profiles served", "listen", ln.Addr().String())
	if err := server.Serve(ctx, ln, server.Pprof(), log, time.Second); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("serve profiles", "err", err)
	}
}
