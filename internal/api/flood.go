package api

import (
	"crypto/sha256"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/model"
)

// The flood limits of comments (docs/moderation.md, "Flood and abuse
// limits"). They live in the memory of each server process: a restart
// forgets them, and the instances behind one load balancer each keep their
// own.
const (
	// DuplicateWindow is how long the same text by the same identity on
	// the same page is refused as a duplicate.
	DuplicateWindow = 24 * time.Hour
	// MaxFloodKeys bounds each memory of the flood limits (last comment per
	// identity, recent texts, sites in a burst); past it the oldest
	// entries are forgotten.
	MaxFloodKeys = 50_000
)

// FloodLimits are the flood limits of comments a server applies
// (PARLEY_COMMENT_INTERVAL, PARLEY_MIN_FILL_TIME); a zero field is off.
type FloodLimits struct {
	// Interval is the least time between two comments of one identity on
	// one site.
	Interval time.Duration
	// MinFillTime is the least time between the widget showing a comment
	// form and the comment being sent (the "elapsed" field): faster is a
	// script filling the form, not a person.
	MinFillTime time.Duration
	// DuplicateWindow is how long the same text by one identity on one
	// page is refused (DuplicateWindow in production).
	DuplicateWindow time.Duration
}

// The automatic raise of the proof-of-work: when BurstComments comments
// of a site are marked spam or refused by the flood limits within
// BurstWindow (counted from the first), every guest and anonymous comment
// on the site must carry a proof of work RaiseFactor times harder than the
// site's (captcha.MaxDifficulty at most), until RaiseDuration after the
// last such comment; even on a site that has proof-of-work off.
const (
	BurstComments = 10
	BurstWindow   = 10 * time.Minute
	RaiseDuration = 30 * time.Minute
	RaiseFactor   = 4
)

// flood remembers what the flood limits need. It is safe for concurrent
// use.
type flood struct {
	mu    sync.Mutex
	last  stamps // identity on a site → its last comment
	texts stamps // hash of site, page, identity and text → when posted
	burst map[int64]*siteBurst
}

type siteBurst struct {
	since       time.Time // the first counted comment of the window
	count       int
	raisedUntil time.Time
}

func newFlood() *flood {
	return &flood{last: stamps{}, texts: stamps{}, burst: map[int64]*siteBurst{}}
}

// stamps maps keys to times, at most MaxFloodKeys of them.
type stamps map[string]time.Time

// put records key at now, first forgetting entries older than keep when
// the map is full, then the oldest half if that was not enough.
func (s stamps) put(key string, now time.Time, keep time.Duration) {
	if _, ok := s[key]; !ok && len(s) >= MaxFloodKeys {
		var total time.Duration
		for k, at := range s {
			if now.Sub(at) > keep {
				delete(s, k)
			} else {
				total += now.Sub(at)
			}
		}
		if len(s) >= MaxFloodKeys {
			avg := total / time.Duration(len(s))
			for k, at := range s {
				if now.Sub(at) >= avg {
					delete(s, k)
				}
			}
		}
	}
	s[key] = now
}

// takeInterval reserves a comment of identity on site at now, or returns
// how long to wait until interval has passed since its last one.
func (f *flood) takeInterval(site int64, identity string, now time.Time, interval time.Duration) (bool, time.Duration) {
	if interval <= 0 {
		return true, 0
	}
	key := strconv.FormatInt(site, 10) + " " + identity
	f.mu.Lock()
	defer f.mu.Unlock()
	if at, ok := f.last[key]; ok && now.Sub(at) < interval {
		return false, interval - now.Sub(at)
	}
	f.last.put(key, now, interval)
	return true, 0
}

// releaseInterval undoes takeInterval of a comment that was not stored.
func (f *flood) releaseInterval(site int64, identity string, at time.Time) {
	key := strconv.FormatInt(site, 10) + " " + identity
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last[key].Equal(at) {
		delete(f.last, key)
	}
}

// textKey is the key of a comment's text in flood.texts: a hash, so that
// the memory holds no comment text.
func textKey(site int64, path, identity, text string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(site, 10) + "\x00" + path + "\x00" + identity + "\x00" + strings.TrimSpace(text)))
	return string(sum[:])
}

// duplicate reports whether key (textKey) was posted within window.
func (f *flood) duplicate(key string, now time.Time, window time.Duration) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	at, ok := f.texts[key]
	return ok && now.Sub(at) < window
}

// posted records a stored comment's textKey, kept for window.
func (f *flood) posted(key string, now time.Time, window time.Duration) {
	if window <= 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.texts.put(key, now, window)
}

// abuse counts a comment of site marked spam or refused by a flood limit,
// raising the site's proof-of-work for RaiseDuration from the
// BurstComments-th within BurstWindow.
func (f *flood) abuse(site int64, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.burst[site]
	if b == nil {
		if len(f.burst) >= MaxFloodKeys {
			for id, old := range f.burst {
				if now.After(old.raisedUntil) && now.Sub(old.since) > BurstWindow {
					delete(f.burst, id)
				}
			}
		}
		if len(f.burst) >= MaxFloodKeys {
			return // every remembered site is in a burst: the new one waits
		}
		b = &siteBurst{since: now}
		f.burst[site] = b
	}
	if now.Sub(b.since) > BurstWindow {
		b.since, b.count = now, 0
	}
	b.count++
	if b.count >= BurstComments || now.Before(b.raisedUntil) {
		b.raisedUntil = now.Add(RaiseDuration)
	}
}

// raised reports whether site's proof-of-work is raised at now.
func (f *flood) raised(site int64, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.burst[site]
	return b != nil && now.Before(b.raisedUntil)
}

// powDifficulty returns the proof-of-work a guest or anonymous comment on
// site must carry now, and whether it must carry one at all: the site's
// difficulty (the instance's when it sets none) when it requires one,
// RaiseFactor times that while a burst of spam raised it. Without the
// CAPTCHA (PARLEY_CAPTCHA=false) none is required.
func (h *Handler) powDifficulty(site *model.Site) (int, bool) {
	if h.Captcha == nil {
		return 0, false
	}
	d := site.Settings.ProofOfWorkDifficulty
	if d == 0 {
		d = h.Captcha.Difficulty()
	}
	if h.flood.raised(site.ID, h.Now()) {
		return d * RaiseFactor, true
	}
	return d, site.Settings.ProofOfWork
}
