package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/clientip"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/stats"
	"github.com/parleyhq/parley/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// password is every test account's password; hashing it once keeps the
// many environments cheap.
const password = "correct horse battery"

var passwordHash = sync.OnceValue(func() string { return auth.HashPassword(password) })

// env is a server with the API and the dashboard on one store, two sites
// (a.example with held comments, b.example with one), and one account of
// each kind the dashboard knows.
type env struct {
	t        *testing.T
	st       *store.Store
	handler  http.Handler
	sessions *auth.Sessions
	dash     *admin.Handler

	siteA, siteB                         *model.Site
	owner, mod, stranger, operator       *model.User
	heldA1, heldA2, heldB                *model.Comment
	ownerTok, modTok, strangerTok, opTok string
}

// newEnv starts the environment; opts change the dashboard's Deps.
func newEnv(t *testing.T, dialect string, opts ...func(*admin.Deps)) *env {
	t.Helper()
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("admin-test-secret-admin-test-secret-admin"))
	if err != nil {
		t.Fatal(err)
	}
	var st *store.Store
	if dialect == "postgres" {
		st, err = store.OpenPostgres(ctx, pgtest.URL(t), sealer)
	} else {
		st, err = store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "parley.db"), sealer)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	comments := comment.NewService(st, markup.New(), time.Now)
	apiHandler := api.New(api.Deps{Store: st, Comments: comments, Sealer: sealer,
		Views: stats.NewViewCounter(st, time.Now, log), ClientIP: clientip.New(nil).IP, WriteRate: 1000, Burst: 1000, Log: log, Now: time.Now, PublicURL: "https://comments.example"})
	e := &env{t: t, st: st, sessions: auth.NewSessions(st, nil)}
	deps := admin.Deps{Store: st, Sessions: e.sessions, SignIn: apiHandler.SignIn, Changed: apiHandler.Changed, Comments: comments,
		SiteChanged: apiHandler.SiteSettingsChanged, Providers: []string{"github"},
		Accounts: apiHandler, PublicURL: "https://comments.example", Log: log}
	for _, opt := range opts {
		opt(&deps)
	}
	dash, err := admin.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dash.Close) // before the store closes: imports end first
	e.dash = dash
	e.handler = server.Handler(log, st, nil, apiHandler, dash)

	e.owner = e.user("owner@example.com", model.RoleCommenter)
	e.mod = e.user("mod@example.com", model.RoleCommenter)
	e.stranger = e.user("stranger@example.com", model.RoleCommenter)
	e.operator = e.user("operator@example.com", model.RoleOperator)
	settings := model.DefaultSiteSettings()
	settings.Moderation = model.ModerationAll
	e.siteA = &model.Site{Host: "a.example", OwnerID: e.owner.ID, Settings: settings}
	e.siteB = &model.Site{Host: "b.example", OwnerID: e.stranger.ID, Settings: settings}
	for _, s := range []*model.Site{e.siteA, e.siteB} {
		if err := st.CreateSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetSiteMember(ctx, e.siteA.ID, e.mod.ID, model.RoleModerator); err != nil {
		t.Fatal(err)
	}
	e.heldA1 = e.held(e.siteA, "/post", "First held.")
	e.heldA2 = e.held(e.siteA, "/post", "Second held.")
	e.heldB = e.held(e.siteB, "/other", "Held on B.")
	e.ownerTok, e.modTok = e.token(e.owner), e.token(e.mod)
	e.strangerTok, e.opTok = e.token(e.stranger), e.token(e.operator)
	return e
}

func (e *env) user(email string, role model.Role) *model.User {
	u := &model.User{Name: strings.Split(email, "@")[0], Email: email, Role: role, PasswordHash: passwordHash()}
	if err := e.st.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) held(site *model.Site, path, text string) *model.Comment {
	c := &model.Comment{SiteID: site.ID, GuestName: "Gus", GuestEmail: "gus@example.com", Text: text,
		HTML: "<p>" + text + "</p>", Status: model.StatusPending, HoldReason: "email_unverified", CreatedAt: time.Now()}
	if err := e.st.CreateComment(context.Background(), c, store.NewComment{Path: path}); err != nil {
		e.t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // distinct creation times: newest first is well defined
	return c
}

func (e *env) token(u *model.User) string {
	tok, _, err := e.sessions.CreateKind(context.Background(), u.ID, model.SessionDashboard, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// req is one request to the server.
type req struct {
	method, path string
	form         url.Values
	body         string // sent instead of form when set, with its Content-Type in header
	chunked      bool   // the body's length is not announced
	token        string // the dashboard cookie's value
	header       map[string]string
}

func (e *env) do(r req) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, "https://comments.example"+r.path, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.chunked {
		hr.ContentLength = -1
	}
	if r.token != "" {
		hr.AddCookie(&http.Cookie{Name: admin.CookieName, Value: r.token})
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, hr)
	return w
}

// doJSON posts a JSON body to the API.
func (e *env) doJSON(path, body string) *httptest.ResponseRecorder {
	hr := httptest.NewRequest("POST", "https://comments.example"+path, strings.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, hr)
	return w
}
