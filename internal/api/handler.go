package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/live"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
)

// MaxBodyBytes limits every request body.
const MaxBodyBytes = 64 << 10

// Messages returns the widget's translations for a language, if it has
// them; the thread response carries them so that only the needed language
// travels.
type Messages func(lang string) (tag string, msgs json.RawMessage, ok bool)

// Deps are what the API needs.
type Deps struct {
	Store    *store.Store
	Comments *comment.Service
	Sealer   *privacy.Sealer
	Views    *stats.ViewCounter
	ClientIP func(*http.Request) string
	Messages Messages // optional
	// Logins runs OAuth2/OpenID Connect logins (optional: without it the
	// thread offers no provider and the login routes refuse).
	Logins    *auth.Logins
	WriteRate float64 // per minute per IP; 0 disables
	Burst     int
	// Flood are the flood limits of comments (flood.go); the zero value
	// turns them off, as tests of other things want.
	Flood FloodLimits
	// CacheBytes bounds the thread cache; 0 means DefaultThreadCacheBytes.
	CacheBytes int
	// MaxStreams bounds the live streams (GET /api/v1/stream) open at once
	// (PARLEY_MAX_STREAMS); 0 turns live updates off.
	MaxStreams int
	// StreamsPerNetwork bounds the live streams one client network holds
	// open (PARLEY_STREAMS_PER_NETWORK); 0: live.MaxPerNetwork.
	StreamsPerNetwork int
	Metrics           *metrics.Set // optional: where the API's counters are exported
	// DBTimeout is the deadline of each request's database work (0:
	// store.DefaultTimeout). Past it the request answers 503 unavailable.
	DBTimeout time.Duration
	Log       *slog.Logger
	Now       func() time.Time
	// PublicURL is Parley's own origin (PARLEY_PUBLIC_URL): the only
	// address account mails link to.
	PublicURL string
	// WakeMail, optional, tells the mail worker that mail was queued.
	WakeMail func()
	// WakeNotify, optional, tells the notifier that a comment may cause
	// notification mail (notify.Notifier.Wake).
	WakeNotify func()

	// Captcha verifies the proof-of-work of forms that require it (sign-up);
	// nil: the CAPTCHA is off (PARLEY_CAPTCHA=false).
	Captcha *captcha.Service

	// CDN says how shared caches may keep public answers, and whom to
	// tell about writes (public_cache.go); the zero value: no-cache.
	CDN CDN

	// Avatars imports pictures for accounts (site SSO); nil: the server's
	// own, fetching from public HTTPS addresses only, without Gravatar.
	Avatars *media.Avatars
}

// Handler serves the API.
type Handler struct {
	Deps
	sites    *siteCache
	threads  *threadCache
	writes   *limiter
	previews *limiter
	m        *apiMetrics

	sessions      *auth.Sessions
	logins        *limiter      // sign-ins per network
	accountLogins *limiter      // sign-ins per email address
	hashing       chan struct{} // one slot per password check running (MaxConcurrentPasswordChecks)
	captchas      *limiter      // challenges issued per network
	contacts      *limiter      // contact form messages per network (AllowContact)

	live    *live.Hub    // the open streams; nil: live updates are off
	privacy *privacyDesk // guests' export, erase and verify requests
	flood   *flood       // the flood limits of comments (flood.go)

	uploads  *limiter      // image uploads per network (uploads.go)
	decoding chan struct{} // one slot per picture being decoded (MaxConcurrentDecodes)
}

// New returns the API handler.
func New(d Deps) *Handler {
	if d.Avatars == nil {
		d.Avatars = &media.Avatars{Store: d.Store, Fetcher: media.NewFetcher(media.FetcherOptions{})}
	}
	threads := newThreadCache(d.Now, cmp.Or(d.CacheBytes, DefaultThreadCacheBytes))
	var hub *live.Hub
	if d.MaxStreams > 0 {
		hub = live.NewHub(d.MaxStreams, cmp.Or(d.StreamsPerNetwork, live.MaxPerNetwork))
	}
	return &Handler{
		Deps:     d,
		sites:    newSiteCache(d.Store, d.Now),
		threads:  threads,
		writes:   newLimiter(d.WriteRate, d.Burst, d.Now),
		previews: newLimiter(d.WriteRate*4, d.Burst*4, d.Now),
		m:        newAPIMetrics(d.Metrics, threads, hub),
		live:     hub,

		sessions:      auth.NewSessions(d.Store, d.Now),
		logins:        newLimiter(LoginsPerMinute, LoginBurst, d.Now),
		accountLogins: newLimiter(AccountLoginsPerMinute, AccountLoginBurst, d.Now),
		hashing:       make(chan struct{}, MaxConcurrentPasswordChecks),
		captchas:      newLimiter(CaptchaChallengesPerMinute, CaptchaChallengeBurst, d.Now),
		contacts:      newLimiter(ContactsPerHour/60.0, ContactBurst, d.Now),

		privacy: newPrivacyDesk(d.Now),
		flood:   newFlood(),

		uploads:  newLimiter(UploadsPerHour/60.0, UploadBurst, d.Now),
		decoding: make(chan struct{}, MaxConcurrentDecodes),
	}
}

// site resolves the site named in a request, writing a 404 when unknown.
func (h *Handler) site(w http.ResponseWriter, r *http.Request, host string) (*model.Site, bool) {
	if host == "" {
		writeError(w, http.StatusBadRequest, "invalid_field", "site is required", "site")
		return nil, false
	}
	site, err := h.sites.byHost(r.Context(), host)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "site_not_found", "no site is registered for this host", "site")
		return nil, false
	}
	if err != nil {
		h.internal(w, r, "resolve site", err)
		return nil, false
	}
	if site.Waiting {
		writeSiteNotLive(w)
		return nil, false
	}
	return site, true
}

// writeSiteNotLive answers a request for a site that is not live yet
// (model.Site.Waiting): 403 site_not_live, whose message the widget shows.
func writeSiteNotLive(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, "site_not_live",
		"Comments are not open on this site yet: its owner has not confirmed their email address.", "site")
}

// RetryAfter is what a 503 unavailable tells clients to wait before trying
// again (the Retry-After header, in whole seconds).
const RetryAfter = 5 * time.Second

// internal answers an error that is not the client's: 503 unavailable with
// Retry-After when the database could not be reached or did not answer in
// time (store.Unavailable), otherwise a logged 500 without details. Every
// handler's unexpected errors come here, so the mapping is in one place.
func (h *Handler) internal(w http.ResponseWriter, r *http.Request, msg string, err error) {
	if errors.Is(r.Context().Err(), context.Canceled) && (errors.Is(err, context.Canceled) || store.Unavailable(err)) {
		return // the client went away, and its query with it
	}
	if store.Unavailable(err) {
		h.Log.WarnContext(r.Context(), "database unavailable", "during", msg, "err", err, "path", r.URL.Path)
		setRetryAfter(w, RetryAfter)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the database is not answering; try again shortly", "")
		return
	}
	h.Log.ErrorContext(r.Context(), msg, "err", err, "path", r.URL.Path)
	writeError(w, http.StatusInternalServerError, "internal", "something went wrong on our side", "")
}

// withDBDeadline gives every request the database deadline: each query it
// runs, directly or through the comment service, ends by then.
func (h *Handler) withDBDeadline(next http.Handler) http.Handler {
	return server.WithDeadline(cmpDBTimeout(h.DBTimeout), next)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no such API route", "")
}
