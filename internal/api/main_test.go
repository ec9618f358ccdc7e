package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const origin = "https://blog.example"

// publicURL is where the API under test says browsers reach it (mailed links).
const publicURL = "https://comments.example"

// env is a whole API over a real database, driven without a network.
type env struct {
	t       testing.TB
	store   *store.Store
	site    *model.Site
	handler http.Handler
	api     *api.Handler
	views   *stats.ViewCounter
	logs    *bytes.Buffer
	dbURL   string // PostgreSQL only
	dbFile  string // SQLite only
	sealer  *privacy.Sealer
	now     time.Time
}

type options struct {
	writeRate float64
	burst     int
	settings  func(*model.SiteSettings)
	pgURL     string        // PostgreSQL database to use instead of a new one of pgtest.URL
	noCaptcha bool          // Deps.Captcha nil (PARLEY_CAPTCHA=false)
	dbTimeout time.Duration // Deps.DBTimeout
	cache     int           // bytes of thread cache; 0: the default
	streams   int           // Deps.MaxStreams; 0: live updates off
	// streamsPerNetwork is Deps.StreamsPerNetwork (0: live.MaxPerNetwork).
	streamsPerNetwork int
	metrics           *metrics.Set      // where the API's metrics go; nil: nowhere
	providers         []config.Provider // login providers (Deps.Logins)
	publicURL         string            // Deps.PublicURL, where account mails link to
	cdn               api.CDN           // Deps.CDN; zero: answers are no-cache

	checking comment.Checking // the comment service's spam checker; zero: none
	flood    api.FloodLimits  // Deps.Flood; zero: off

	fetcher  *media.Fetcher // how account pictures are fetched; nil: the server's
	gravatar string         // media.Avatars.Gravatar, with fetcher
}

func newEnv(t testing.TB, dialect string, opts options) *env {
	t.Helper()
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("api-test-secret-api-test-secret-api-test"))
	if err != nil {
		t.Fatal(err)
	}
	var st *store.Store
	var dbURL, dbFile string
	if dialect == "postgres" {
		dbURL = opts.pgURL
		if dbURL == "" {
			dbURL = pgtest.URL(t)
		}
		st, err = store.OpenPostgres(ctx, dbURL, sealer)
	} else {
		dbFile = filepath.Join(t.TempDir(), "parley.db")
		st, err = store.OpenSQLite(ctx, dbFile, sealer)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, dbURL: dbURL, dbFile: dbFile, sealer: sealer, logs: &bytes.Buffer{}, now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	now := func() time.Time { return e.now }
	st.SetClock(now)
	e.site = &model.Site{Host: "blog.example", Origins: []string{"http://localhost:4000"}, Settings: model.DefaultSiteSettings()}
	if opts.settings != nil {
		opts.settings(&e.site.Settings)
	}
	if err := st.CreateSite(ctx, e.site); err != nil {
		t.Fatal(err)
	}
	if opts.burst == 0 {
		opts.burst = 1000
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.views = stats.NewViewCounter(st, now, log)
	var avatars *media.Avatars
	if opts.fetcher != nil {
		avatars = &media.Avatars{Store: st, Fetcher: opts.fetcher, Gravatar: opts.gravatar}
	}
	pub := cmp.Or(opts.publicURL, publicURL)
	comments := comment.NewService(st, markup.WithImages(media.UploadURLPattern(pub)), now)
	comments.UploadID = func(dest string) (string, bool) { return media.UploadIDOf(pub, dest) }
	comments.Checking = opts.checking
	h := api.New(api.Deps{
		Store: st, Comments: comments, Sealer: sealer, Views: e.views,
		ClientIP: clientip.New(nil).IP, WriteRate: opts.writeRate, Burst: opts.burst, Log: log, Now: now, DBTimeout: opts.dbTimeout, Flood: opts.flood,
		CacheBytes: opts.cache, MaxStreams: opts.streams, StreamsPerNetwork: opts.streamsPerNetwork, Metrics: opts.metrics, PublicURL: pub, Avatars: avatars,
		Captcha: testCaptcha(t, opts, sealer, st, now), CDN: opts.cdn,
		Messages: func(lang string) (string, json.RawMessage, bool) {
			if lang == "de" {
				return "de", json.RawMessage(`{"reply":"Antworten"}`), true
			}
			return "", nil, false
		},
	})
	if opts.providers != nil {
		h.Logins = &auth.Logins{Providers: auth.NewProviders(opts.providers, "https://comments.example", nil),
			Store: st, Sessions: auth.NewSessions(st, now), Avatars: &media.Avatars{Store: st, Fetcher: media.NewFetcher(media.FetcherOptions{AllowLoopback: true})}, Now: now}
	}
	e.handler, e.api = server.Handler(log, st, nil, h), h
	return e
}

// eachDB runs a scenario on SQLite and on PostgreSQL.
func eachDB(t *testing.T, opts options, fn func(t *testing.T, e *env)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { fn(t, newEnv(t, d, opts)) })
	}
}

// req describes one request.
type req struct {
	method, path string
	body         any
	origin       string // default: the site's origin; "-" for none
	headers      map[string]string
	ip           string // default 192.0.2.1
}

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

func (e *env) do(r req) *resp {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		body = bytes.NewReader(buf)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	switch r.origin {
	case "":
		hr.Header.Set("Origin", origin)
	case "-":
	default:
		hr.Header.Set("Origin", r.origin)
	}
	hr.Header.Set("User-Agent", "test-agent")
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	hr.RemoteAddr = "192.0.2.1:5555"
	if r.ip != "" {
		hr.RemoteAddr = r.ip + ":5555"
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, hr)
	out := &resp{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if len(out.raw) > 0 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") && rec.Header().Get("Content-Encoding") == "" {
		if err := json.Unmarshal(out.raw, &out.json); err != nil {
			e.t.Fatalf("%s %s: response is not JSON: %v\n%s", r.method, r.path, err, out.raw)
		}
	}
	if c := rec.Header().Get("Set-Cookie"); c != "" {
		e.t.Errorf("%s %s set a cookie: %s", r.method, r.path, c)
	}
	return out
}

// get follows a dotted path into decoded JSON: "comment.author.name", "comments.0.id".
func (r *resp) get(path string) any {
	var cur any = r.json
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[part]
		case []any:
			i := 0
			for _, ch := range part {
				i = i*10 + int(ch-'0')
			}
			if i >= len(v) {
				return nil
			}
			cur = v[i]
		default:
			return nil
		}
	}
	return cur
}

func (r *resp) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

func (r *resp) num(path string) int64 {
	f, _ := r.get(path).(float64)
	return int64(f)
}

// post creates a comment and returns its id and edit token.
func (e *env) post(path string, parent int64, text string) (int64, string) {
	e.t.Helper()
	body := map[string]any{"site": "blog.example", "path": path, "text": text, "author": map[string]any{"name": "Ann", "email": "ann@example.com"}}
	if parent != 0 {
		body["parentId"] = parent
	}
	r := e.do(req{method: "POST", path: "/api/v1/comments", body: body})
	if r.status != http.StatusCreated {
		e.t.Fatalf("post comment: %d %s", r.status, r.raw)
	}
	return r.num("comment.id"), r.str("editToken")
}

func (e *env) thread(query string) *resp {
	e.t.Helper()
	return e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&" + query})
}
