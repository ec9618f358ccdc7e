package api

import (
	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/live"
)

// apiMetrics are the API's counters; their names are part of /metrics.
type apiMetrics struct {
	commentsApproved, commentsPending *metrics.Counter
	edits, deletes, votes             *metrics.Counter
	cacheHits, cacheMisses            *metrics.Counter
	threadLoads                       *metrics.Counter
	voteLookups                       *metrics.Counter // a reader's votes read from the database
	views, rateLimited                *metrics.Counter
}

func newAPIMetrics(set *metrics.Set, threads *threadCache, hub *live.Hub) *apiMetrics {
	if set == nil {
		set = metrics.NewSet() // counted, but not exported
	}
	if hub != nil {
		set.GetOrCreateGauge(`parley_streams_open`, func() float64 { return float64(hub.Stats().Open) })
		set.GetOrCreateGauge(`parley_streams_dropped_total`, func() float64 { return float64(hub.Stats().Dropped) })
		set.GetOrCreateGauge(`parley_streams_refused_total`, func() float64 { return float64(hub.Stats().Refused) })
	}
	set.GetOrCreateGauge(`parley_thread_cache_bytes`, func() float64 { b, _ := threads.size(); return float64(b) })
	set.GetOrCreateGauge(`parley_thread_cache_entries`, func() float64 { _, n := threads.size(); return float64(n) })
	for why, name := range missCauseNames {
		set.GetOrCreateGauge(`parley_thread_cache_miss_causes_total{cause="`+name+`"}`, func() float64 {
			return float64(threads.misses.n[why].Load())
		})
	}
	return &apiMetrics{
		commentsApproved: set.GetOrCreateCounter(`parley_comments_created_total{status="approved"}`),
		commentsPending:  set.GetOrCreateCounter(`parley_comments_created_total{status="pending"}`),
		edits:            set.GetOrCreateCounter(`parley_comment_edits_total`),
		deletes:          set.GetOrCreateCounter(`parley_comment_deletes_total`),
		votes:            set.GetOrCreateCounter(`parley_votes_total`),
		cacheHits:        set.GetOrCreateCounter(`parley_thread_cache_hits_total`),
		cacheMisses:      set.GetOrCreateCounter(`parley_thread_cache_misses_total`),
		threadLoads:      set.GetOrCreateCounter(`parley_thread_loads_total`),
		voteLookups:      set.GetOrCreateCounter(`parley_vote_lookups_total`),
		views:            set.GetOrCreateCounter(`parley_page_views_total`),
		rateLimited:      set.GetOrCreateCounter(`parley_rate_limited_total`),
	}
}
