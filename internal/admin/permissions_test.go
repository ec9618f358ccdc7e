package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/model"
)

// siteRoute is one route of a site, as a request on site A that succeeds
// for someone allowed.
type siteRoute struct {
	pattern string
	req     func(e *env, site int64) req
}

// who is a kind of visitor, and their dashboard token.
type who struct {
	name  string
	token func(e *env) string
}

// otherRoute is a route outside /dashboard/sites/{site}/: the request, and
// the status it gets when allowed (0: 200 for GET, 303 for POST).
type otherRoute struct {
	pattern string
	req     func(e *env) req
	want    int
}

// The routes outside a site, by who may use them. Each area's test file
// adds its routes in an init function. Account routes need any session
// (the anonymous are sent to sign in, or refused); operator routes answer
// 404 to every account but the operator's; public routes need no session.
var accountRoutes, operatorRoutes, publicRoutes []otherRoute

// ownerOnlyRoutes names the site routes that a moderator of the site may not
// use either: they answer 404, as to a stranger, and change nothing. Each
// area's test file adds its own in an init function.
var ownerOnlyRoutes = map[string]bool{}

// allowedStatus is what a request of an allowed visitor gets.
func allowedStatus(method string, want int) int {
	switch {
	case want != 0:
		return want
	case method == "POST":
		return http.StatusSeeOther
	}
	return http.StatusOK
}

var siteRoutes = []siteRoute{
	{"GET /dashboard/sites/{site}/moderation", func(e *env, site int64) req {
		return req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/moderation", site)}
	}},
	{"POST /dashboard/sites/{site}/moderation", func(e *env, site int64) req {
		return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/moderation", site),
			form: url.Values{"one": {fmt.Sprintf("approve %d", e.heldA1.ID)}}}
	}},
	{"GET /dashboard/sites/{site}/analytics", func(e *env, site int64) req {
		return req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/analytics?days=7", site)}
	}},
	{"GET /dashboard/sites/{site}/analytics.csv", func(e *env, site int64) req {
		return req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d/analytics.csv?days=30", site)}
	}},
	{"POST /dashboard/sites/{site}/pages/{page}/lock", func(e *env, site int64) req {
		return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/pages/%d/lock", site, e.heldA1.PageID),
			form: url.Values{"locked": {"1"}}}
	}},
}

// TestEveryRouteChecksPermissions walks every dashboard route as each kind
// of visitor: the anonymous are sent to sign in (GET) or refused (POST); a
// member of another site gets 404, as if site A did not exist, and changes
// nothing; the site's moderator and owner, and the operator, get through.
func TestEveryRouteChecksPermissions(t *testing.T) {
	e := newEnv(t, "sqlite")
	// The table must cover every route the dashboard serves.
	covered := []string{"GET /dashboard", "GET /dashboard/{$}", "GET /dashboard/signin", "POST /dashboard/signin",
		"POST /dashboard/signout", "GET /dashboard/static/admin.css", "/dashboard/"}
	for _, r := range siteRoutes {
		covered = append(covered, r.pattern)
	}
	for _, table := range [][]otherRoute{accountRoutes, operatorRoutes, publicRoutes} {
		for _, r := range table {
			covered = append(covered, r.pattern)
		}
	}
	dash, _ := admin.New(admin.Deps{})
	for _, p := range dash.Patterns() {
		if !slices.Contains(covered, p) {
			t.Errorf("route %q is not in the permission table", p)
		}
	}

	visitors := []who{
		{"anonymous", func(*env) string { return "" }},
		{"member of another site", func(e *env) string { return e.strangerTok }},
		{"moderator", func(e *env) string { return e.modTok }},
		{"owner", func(e *env) string { return e.ownerTok }},
		{"operator", func(e *env) string { return e.opTok }},
	}
	for _, route := range siteRoutes {
		for _, v := range visitors {
			t.Run(route.pattern+"/"+v.name, func(t *testing.T) {
				e := newEnv(t, "sqlite")
				r := route.req(e, e.siteA.ID)
				r.token = v.token(e)
				w := e.do(r)
				// A moderator on an owner-only route is refused as a stranger.
				as := v.name
				if as == "moderator" && ownerOnlyRoutes[route.pattern] {
					as = "member of another site"
				}
				switch as {
				case "anonymous":
					if r.method == "GET" && (w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard/signin") {
						t.Errorf("GET: %d to %q, want 303 to the sign-in page", w.Code, w.Header().Get("Location"))
					}
					if r.method == "POST" && w.Code != http.StatusForbidden {
						t.Errorf("POST: %d, want 403", w.Code)
					}
				case "member of another site":
					if w.Code != http.StatusNotFound {
						t.Errorf("%d, want 404", w.Code)
					}
				default:
					if want := allowedStatus(r.method, 0); w.Code != want {
						t.Errorf("%d, want %d: %s", w.Code, want, w.Body)
					}
				}
				if as == "anonymous" || as == "member of another site" {
					e.unchanged(t)
				}
			})
		}
	}

	walkOtherRoutes(t, visitors)

	// The same routes on a site id that does not exist: 404 for everyone
	// signed in, like a site of someone else.
	for _, route := range siteRoutes {
		r := route.req(e, e.siteB.ID+1000)
		r.token = e.opTok
		if w := e.do(r); w.Code != http.StatusNotFound {
			t.Errorf("%s on no site: %d, want 404", route.pattern, w.Code)
		}
	}
	// The rest: home and sign-out need a session; the sign-in page, its
	// form and the stylesheet do not; an unknown page is 404 once signed in.
	for _, tt := range []struct {
		r    req
		want int
	}{
		{req{method: "GET", path: "/dashboard"}, http.StatusSeeOther},
		{req{method: "GET", path: "/dashboard/"}, http.StatusSeeOther},
		{req{method: "GET", path: "/dashboard", token: e.strangerTok}, http.StatusOK},
		{req{method: "GET", path: "/dashboard/", token: e.strangerTok}, http.StatusOK},
		{req{method: "POST", path: "/dashboard/signout"}, http.StatusForbidden},
		{req{method: "GET", path: "/dashboard/signin"}, http.StatusOK},
		{req{method: "POST", path: "/dashboard/signin", form: url.Values{}}, http.StatusBadRequest},
		{req{method: "GET", path: "/dashboard/static/admin.css"}, http.StatusOK},
		{req{method: "GET", path: "/dashboard/nothing"}, http.StatusSeeOther},
		{req{method: "GET", path: "/dashboard/nothing", token: e.ownerTok}, http.StatusNotFound},
		{req{method: "POST", path: "/dashboard/signout", token: e.strangerTok}, http.StatusSeeOther},
	} {
		if w := e.do(tt.r); w.Code != tt.want {
			t.Errorf("%s %s (signed in: %v): %d, want %d", tt.r.method, tt.r.path, tt.r.token != "", w.Code, tt.want)
		}
	}
}

// walkOtherRoutes checks the account, operator and public routes as each
// visitor, each request on a fresh environment.
func walkOtherRoutes(t *testing.T, visitors []who) {
	for _, tt := range []struct {
		scope  string
		routes []otherRoute
	}{{"account", accountRoutes}, {"operator", operatorRoutes}, {"public", publicRoutes}} {
		for _, route := range tt.routes {
			for _, v := range visitors {
				t.Run(tt.scope+"/"+route.pattern+"/"+v.name, func(t *testing.T) {
					e := newEnv(t, "sqlite")
					r := route.req(e)
					r.token = v.token(e)
					w := e.do(r)
					want := allowedStatus(r.method, route.want)
					switch {
					case tt.scope == "public":
					case v.name == "anonymous" && r.method == "GET":
						want = http.StatusSeeOther
					case v.name == "anonymous":
						want = http.StatusForbidden
					case tt.scope == "operator" && v.name != "operator":
						want = http.StatusNotFound
					}
					if w.Code != want {
						t.Errorf("%d, want %d: %.300s", w.Code, want, w.Body)
					}
				})
			}
		}
	}
}

// unchanged fails when site A's held comments or page changed.
func (e *env) unchanged(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if c, _ := e.st.Comment(ctx, e.heldA1.ID); c.Status != model.StatusPending {
		t.Errorf("a refused request changed the comment to %s", c.Status)
	}
	if p, _, _ := e.st.PageByPath(ctx, e.siteA.ID, "/post"); p.Locked {
		t.Error("a refused request locked the page")
	}
	if log, _ := e.st.AuditLog(ctx, e.siteA.ID, 10); len(log) != 0 {
		t.Errorf("a refused request is in the audit log: %+v", log)
	}
}

// TestCrossOriginPostsAreRefused: a form posted from another site, with
// the owner's cookie, changes nothing (http.CrossOriginProtection).
func TestCrossOriginPostsAreRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		for _, route := range siteRoutes {
			r := route.req(e, e.siteA.ID)
			if r.method == http.MethodGet {
				continue // reads change nothing; CrossOriginProtection lets them through
			}
			r.token, r.header = e.ownerTok, h
			if w := e.do(r); w.Code != http.StatusForbidden {
				t.Errorf("%s with %v: %d, want 403", route.pattern, h, w.Code)
			}
		}
		w := e.do(req{method: "POST", path: "/dashboard/signout", token: e.ownerTok, header: h})
		if w.Code != http.StatusForbidden {
			t.Errorf("sign-out with %v: %d, want 403", h, w.Code)
		}
		in := signIn("owner@example.com", password, false)
		in.header = h
		if w := e.do(in); w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
			t.Errorf("sign-in with %v: %d, cookies %v; want 403 and none", h, w.Code, w.Result().Cookies())
		}
	}
	e.unchanged(t)
	// The same origin passes.
	r := siteRoutes[1].req(e, e.siteA.ID)
	r.token, r.header = e.ownerTok, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "https://comments.example"}
	if w := e.do(r); w.Code != http.StatusSeeOther {
		t.Errorf("same-origin post: %d, want 303", w.Code)
	}
}

// TestSessionKindsDoNotCross: a widget session's token in the dashboard
// cookie signs in no one, and a dashboard token is no Bearer token.
func TestSessionKindsDoNotCross(t *testing.T) {
	e := newEnv(t, "sqlite")
	widget, _, err := e.sessions.Create(context.Background(), e.owner.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if w := e.do(req{method: "GET", path: "/dashboard", token: widget}); w.Code != http.StatusSeeOther {
		t.Errorf("widget token in the dashboard: %d, want 303 to sign in", w.Code)
	}
	w := e.do(req{method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": "Bearer " + e.ownerTok}})
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "not_signed_in") {
		t.Errorf("dashboard token as Bearer: %d %s, want 401 not_signed_in", w.Code, w.Body)
	}
}
