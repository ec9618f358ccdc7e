package admin

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/config"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
	webadmin "github.com/parleyhq/parley/web/admin"
)

// CookieName is the dashboard session's cookie, scoped to /dashboard.
const CookieName = "parley_dashboard"

// MaxFormBytes bounds the body of every dashboard form: the largest is a
// bulk action naming at most a page of comment ids.
const MaxFormBytes = 16 << 10

// CSP is the Content-Security-Policy of every dashboard response: no
// script at all, the dashboard's own stylesheet, forms posting only to
// Parley, never framed.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Deps are what the dashboard needs. SignIn and Changed are the API's
// (api.Handler.SignIn, api.Handler.Changed), so that both surfaces share
// one set of sign-in limits and one thread cache.
type Deps struct {
	Store    *store.Store
	Sessions *auth.Sessions
	// SignIn checks an email and password under the sign-in limits: the
	// account, auth.ErrBadCredentials or a *auth.RateLimitedError.
	SignIn func(r *http.Request, email, password string) (*model.User, error)
	// Changed drops the cached threads of a page (pageID 0: every page of
	// the site) after a moderation action.
	Changed func(ctx context.Context, siteID, pageID int64)
	// CommentsChanged does what Changed does for the pages of a moderation
	// or an edit and tells the pages' live streams what happened (kind of
	// internal/live) to which comments (api.Handler.CommentsChanged).
	// Optional: without it, Changed is called for each page.
	CommentsChanged func(ctx context.Context, siteID int64, pageIDs []int64, kind string, ids []int64)
	// Accounts is the API's account logic (*api.Handler): sign-up, reset,
	// confirmation and email change share its rules, limits and mails.
	Accounts Accounts
	// WakeMail wakes the mail worker after a mail was queued (nil: none).
	WakeMail func()
	// MailLogged: mails are printed to the log, not sent (PARLEY_SMTP_URL
	// is empty); the pages that promise a mail say where it is.
	MailLogged bool
	// Signup is PARLEY_SIGNUP: config.SignupOpen ("" too), SignupInvite or
	// SignupClosed.
	Signup string
	// Comments is the API's comment service: a moderator's edit is
	// validated and rendered exactly as an author's.
	Comments *comment.Service
	// SiteChanged tells the API that a site itself changed: added, its
	// settings, origins or owner, or removed (api.Handler.SiteSettingsChanged).
	// Optional.
	SiteChanged func(ctx context.Context, siteID int64)
	// Providers are the names of the operator's OAuth2/OpenID Connect
	// providers, which a site may offer as login methods.
	Providers []string
	// PublicURL is Parley's own origin; https makes the cookie Secure.
	PublicURL string
	// DBTimeout is each request's database deadline (0: store.DefaultTimeout).
	DBTimeout time.Duration

	// Imports configures the imports uploaded on the dashboard.
	Imports ImportSettings
	// Webhooks configures the sites' webhook pages.
	Webhooks WebhookSettings

	// Settings is the effective configuration the operator area shows,
	// secrets hidden (config.Config.Shown).
	Settings []config.Setting
	// Captcha verifies the contact form's proof of work (nil: off).
	Captcha *captcha.Service
	// AllowContact takes one contact form message from the request's
	// network, or says how long to wait (api.Handler.AllowContact).
	AllowContact func(r *http.Request) (bool, time.Duration)
	Log          *slog.Logger
	Now          func() time.Time
}

// Handler serves the dashboard.
type Handler struct {
	Deps
	pages map[string]*template.Template
	css   []byte

	imports *importRunner
}

// New returns the dashboard, its templates parsed.
func New(d Deps) (*Handler, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.SiteChanged == nil {
		d.SiteChanged = func(context.Context, int64) {}
	}
	if d.WakeMail == nil {
		d.WakeMail = func() {}
	}
	if d.CommentsChanged == nil {
		d.CommentsChanged = func(ctx context.Context, siteID int64, pageIDs []int64, _ string, _ []int64) {
			for _, p := range pageIDs {
				d.Changed(ctx, siteID, p)
			}
		}
	}
	h := &Handler{Deps: d, pages: map[string]*template.Template{}, imports: newImportRunner()}
	// Every template but the layout is a page, named after its file.
	names, err := fs.Glob(webadmin.Files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(webadmin.Files, "templates/layout.html", file)
		if err != nil {
			return nil, err
		}
		h.pages[name] = t
	}
	css, err := fs.ReadFile(webadmin.Files, "admin.css")
	if err != nil {
		return nil, err
	}
	h.css = css
	return h, nil
}

// funcs are the helpers every template may call.
var funcs = template.FuncMap{}

// frame is what the layout shows around every page.
type frame struct {
	Title   string
	Account *model.User // nil before sign-in
}

// render writes a page with status, under the dashboard's CSP; nothing it
// shows is cached anywhere.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		h.Log.ErrorContext(r.Context(), "render dashboard page", "err", err, "page", name)
		http.Error(w, "the page failed to render", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// messageData is what message.html shows.
type messageData struct {
	frame
	Message string
}

// notFound answers 404 for a site the account may not see, exactly as for
// one that does not exist.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, u *model.User) {
	h.render(w, r, http.StatusNotFound, "message", messageData{frame{"Not found", u}, "There is nothing here."})
}

// fail answers an error that is not the user's: a logged 500, or 503 with
// Retry-After when the database did not answer.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, u *model.User, during string, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong on our side."
	if store.Unavailable(err) {
		status, msg = http.StatusServiceUnavailable, "The database is not answering; try again shortly."
		w.Header().Set("Retry-After", "5")
	}
	h.Log.ErrorContext(r.Context(), "dashboard", "during", during, "err", err, "path", r.URL.Path)
	h.render(w, r, status, "message", messageData{frame{"Error", u}, msg})
}

// account returns the account of the request's dashboard cookie, or nil.
func (h *Handler) account(r *http.Request) (*model.User, error) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, nil
	}
	_, u, err := h.Sessions.SessionOf(r.Context(), c.Value, model.SessionDashboard)
	if errors.Is(err, auth.ErrNoSession) {
		return nil, nil
	}
	return u, err
}

// signedIn wraps a handler that needs an account. Without one, a GET is
// sent to the sign-in page and anything else gets 403.
func (h *Handler) signedIn(next func(http.ResponseWriter, *http.Request, *model.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := h.account(r)
		if err != nil {
			h.fail(w, r, nil, "authenticate", err)
			return
		}
		if u == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dashboard/signin", http.StatusSeeOther)
				return
			}
			h.render(w, r, http.StatusForbidden, "message", messageData{frame{"Signed out", nil}, "Your session has ended. Sign in again."})
			return
		}
		next(w, r, u)
	}
}

// siteAccess is a site and the role the account has on it.
type siteAccess struct {
	Site *model.Site
	Role model.Role // RoleOwner, RoleModerator, or RoleOperator for an operator with no role of their own
}

// showsEmail reports whether the role may see commenters' email addresses:
// the site's owners and moderators only.
func (a siteAccess) showsEmail() bool {
	return a.Role == model.RoleOwner || a.Role == model.RoleModerator
}

// site resolves the {site} of the path for u: its owner, a member or an
// operator. Anyone else, and a site that does not exist, get the same 404
// (written here).
func (h *Handler) site(w http.ResponseWriter, r *http.Request, u *model.User) (siteAccess, bool) {
	id, err := strconv.ParseInt(r.PathValue("site"), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(w, r, u)
		return siteAccess{}, false
	}
	site, err := h.Store.SiteByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, u)
		return siteAccess{}, false
	}
	if err != nil {
		h.fail(w, r, u, "load site", err)
		return siteAccess{}, false
	}
	role, err := h.role(r.Context(), site, u)
	if err != nil {
		h.fail(w, r, u, "load role", err)
		return siteAccess{}, false
	}
	if role == "" {
		h.notFound(w, r, u)
		return siteAccess{}, false
	}
	return siteAccess{Site: site, Role: role}, true
}

// role is u's role on site, "" for none.
func (h *Handler) role(ctx context.Context, site *model.Site, u *model.User) (model.Role, error) {
	if site.OwnerID == u.ID {
		return model.RoleOwner, nil
	}
	role, err := h.Store.SiteRole(ctx, site.ID, u.ID)
	switch {
	case err == nil && (role == model.RoleOwner || role == model.RoleModerator):
		return role, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return "", err
	case u.Role == model.RoleOperator:
		return model.RoleOperator, nil
	}
	return "", nil
}

// secure reports whether the dashboard is served over https, so that its
// cookie is sent over https only.
func (h *Handler) secure() bool { return strings.HasPrefix(h.PublicURL, "https://") }
