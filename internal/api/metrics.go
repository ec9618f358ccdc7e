package api

import (
	"github.com/VictoriaMetrics/metrics"
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

func newAPIMetrics(set *metrics.Set, threads *threadCache) *apiMetrics {
	if set == nil {
		set = metrics.NewSet() // counted, but not exported
	}
	set.GetOrCreateGauge(`parley_thread_cache_bytes`, func() float64 { b, _ := threads.size(); return float64(b) })
	set.GetOrCreateGauge(`parley_thread_cache_entries`, func() float64 { _, n := threads.size(); return float64(n) })
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
