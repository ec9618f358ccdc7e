package api

import (
	"crypto/sha256"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parleyhq/parley/internal/clientip"
)

// maxLimiterKeys bounds the memory spent by each limiter: past it, buckets
// that have refilled are dropped, then the least recently seen half.
const maxLimiterKeys = 50_000

// PrefixShare is how many clients' worth of writes one wide prefix
// (clientip.PrefixKey: an IPv4 /24, an IPv6 /48) may make through limited:
// enough for a few households or an office behind one provider's range,
// not for a bot that rotates through a range's addresses.
const PrefixShare = 8

// limiter is a token bucket per key (a client network, clientip.NetworkKey:
// the IPv4 address or the IPv6 /64; a wide prefix; an account session) with
// bounded eviction.
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
func (l *limiter) allow(key string) (bool, time.Duration) { return l.allowShare(key, 1) }

// allowShare is allow for a key that stands for share clients: its bucket
// fills share times faster and holds share times more.
func (l *limiter) allowShare(key string, share int) (bool, time.Duration) {
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
		b = &bucket{lim: rate.NewLimiter(l.perSecond*rate.Limit(share), l.burst*share)}
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

// limited wraps a write handler with the per-client limits of l, answering
// 429 with Retry-After in whole seconds. A request takes a token from
// three buckets, and waits for the emptiest: its client's network (every
// address of one IPv6 /64 shares one bucket), its wide prefix (an IPv4 /24
// or IPv6 /48, PrefixShare times the allowance) and, when it carries a
// session (Authorization), that session's, wherever its requests come
// from.
func (h *Handler) limited(l *limiter, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip := h.ClientIP(r)
		ok, wait := l.allow(clientip.NetworkKey(ip))
		if ok {
			ok, wait = l.allowShare("prefix "+clientip.PrefixKey(ip), PrefixShare)
		}
		if token := r.Header.Get("Authorization"); ok && token != "" {
			sum := sha256.Sum256([]byte(token))
			ok, wait = l.allow("session " + string(sum[:16]))
		}
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
