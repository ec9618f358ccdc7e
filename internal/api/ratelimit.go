package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parleyhq/parley/internal/clientip"
)

// maxLimiterKeys bounds the memory spent on rate limiting.
const maxLimiterKeys = 50_000

// limiter is a token bucket per client network (clientip.NetworkKey: the
// IPv4 address or the IPv6 /64) with bounded eviction.
type limiter struct {
	perSecond rate.Limit
	burst     int
	now       func() time.Time

	mu   sync.Mutex
	keys map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter allows perMinute events per key with the given burst; a rate of
// 0 disables limiting.
func newLimiter(perMinute float64, burst int, now func() time.Time) *limiter {
	return &limiter{perSecond: rate.Limit(perMinute / 60), burst: burst, now: now, keys: map[string]*bucket{}}
}

// allow takes one token for key, or returns how long to wait for one.
func (l *limiter) allow(key string) (bool, time.Duration) {
	if l.perSecond == 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxLimiterKeys {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.perSecond, l.burst)}
		l.keys[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// evict drops buckets that have refilled (idle long enough to be full), and
// if that is not enough, the least recently seen half.
func (l *limiter) evict(now time.Time) {
	full := time.Duration(float64(l.burst)/float64(l.perSecond)) * time.Second
	for k, b := range l.keys {
		if now.Sub(b.seen) > full {
			delete(l.keys, k)
		}
	}
	if len(l.keys) < maxLimiterKeys {
		return
	}
	var total time.Duration
	for _, b := range l.keys {
		total += now.Sub(b.seen)
	}
	avg := total / time.Duration(len(l.keys))
	for k, b := range l.keys {
		if now.Sub(b.seen) >= avg {
			delete(l.keys, k)
		}
	}
}

// limited wraps a write handler with the per-client limit, answering 429
// with Retry-After in whole seconds. A client is its network: every address
// of one IPv6 /64 shares one bucket.
func (h *Handler) limited(l *limiter, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.allow(clientip.NetworkKey(h.ClientIP(r)))
		if !ok {
			h.m.rateLimited.Inc()
			if origin := r.Header.Get("Origin"); origin != "" && h.sites.byOrigin(r.Context(), origin) != nil {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
			}
			writeRateLimited(w, wait)
			return
		}
		next(w, r)
	}
}

// writeRateLimited answers 429 rate_limited with Retry-After in whole seconds.
func writeRateLimited(w http.ResponseWriter, wait time.Duration) {
	setRetryAfter(w, wait)
	writeError(w, http.StatusTooManyRequests, "rate_limited", "too many requests; try again in a moment", "")
}

// setRetryAfter sets the Retry-After header to wait, rounded up to whole
// seconds, and returns those seconds.
func setRetryAfter(w http.ResponseWriter, wait time.Duration) int {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return secs
}
