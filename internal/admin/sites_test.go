package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The routes of sites, their settings, members and deletion, for the
// permission walk (permissions_test.go): settings, members and deletion
// are the owner's and the operator's only, a moderator gets 404.
func init() {
	site := func(pattern, method, suffix string, owner bool, form func(e *env) url.Values) {
		siteRoutes = append(siteRoutes, siteRoute{pattern, func(e *env, id int64) req {
			r := req{method: method, path: fmt.Sprintf("/dashboard/sites/%d%s", id, suffix)}
			if form != nil {
				r.form = form(e)
			}
			return r
		}})
		if owner {
			ownerOnlyRoutes[pattern] = true
		}
	}
	site("GET /dashboard/sites/{site}", "GET", "", false, nil)
	site("GET /dashboard/sites/{site}/settings", "GET", "/settings", true, nil)
	site("POST /dashboard/sites/{site}/settings", "POST", "/settings", true, func(*env) url.Values { return settingsForm(nil) })
	site("POST /dashboard/sites/{site}/settings/sso", "POST", "/settings/sso", true, func(*env) url.Values { return url.Values{"action": {"generate"}} })
	site("GET /dashboard/sites/{site}/members", "GET", "/members", true, nil)
	site("POST /dashboard/sites/{site}/members/invite", "POST", "/members/invite", true, func(*env) url.Values {
		return url.Values{"email": {"new.mod@example.com"}}
	})
	site("POST /dashboard/sites/{site}/members/remove", "POST", "/members/remove", true, func(e *env) url.Values {
		return url.Values{"user": {fmt.Sprint(e.mod.ID)}}
	})
	site("POST /dashboard/sites/{site}/members/cancel", "POST", "/members/cancel", true, func(e *env) url.Values {
		_, inv := e.inviteToSite(e.siteA, "someone@example.com")
		return url.Values{"invitation": {fmt.Sprint(inv.ID)}}
	})
	site("POST /dashboard/sites/{site}/members/transfer", "POST", "/members/transfer", true, func(e *env) url.Values {
		return url.Values{"user": {fmt.Sprint(e.mod.ID)}}
	})
	site("GET /dashboard/sites/{site}/delete", "GET", "/delete", true, nil)
	site("POST /dashboard/sites/{site}/delete", "POST", "/delete", true, func(*env) url.Values { return url.Values{"confirm": {"a.example"}} })

	accountRoutes = append(accountRoutes,
		otherRoute{"GET /dashboard/sites/new", func(*env) req { return req{method: "GET", path: "/dashboard/sites/new"} }, 0},
		otherRoute{"POST /dashboard/sites/new", func(*env) req {
			return req{method: "POST", path: "/dashboard/sites/new", form: url.Values{"host": {"new.example"}}}
		}, 0},
		// A link that names no invitation: every account gets the same 404.
		otherRoute{"POST /dashboard/join", func(*env) req {
			return req{method: "POST", path: "/dashboard/join", form: url.Values{"token": {"not-a-token"}}}
		}, http.StatusNotFound})
	publicRoutes = append(publicRoutes, otherRoute{"GET /dashboard/join", func(e *env) req {
		token, _ := e.inviteToSite(e.siteA, "invitee@example.com")
		return req{method: "GET", path: "/dashboard/join?token=" + token}
	}, 0})
}

// invite stores an invitation of email to site, as the dashboard does, and
// returns its link's token.
func (e *env) inviteToSite(site *model.Site, email string) (string, *store.SiteInvitation) {
	e.t.Helper()
	token, hash := auth.NewLinkToken()
	now := time.Now()
	inv := &store.SiteInvitation{SiteID: site.ID, Email: email, Role: model.RoleModerator, CreatedAt: now, ExpiresAt: now.Add(admin.InvitationLifetime)}
	m := model.Mail{Kind: "site-invitation", SiteID: site.ID, To: email, Subject: "Invitation", Text: "Join", HTML: "<p>Join</p>"}
	if err := e.st.CreateSiteInvitation(context.Background(), inv, hash, m); err != nil {
		e.t.Fatal(err)
	}
	return token, inv
}

// api sends a request to the widget API from origin ("" for none) and
// returns the status and the decoded body.
func (e *env) api(method, path, origin string, body any) (int, map[string]any) {
	e.t.Helper()
	var b strings.Builder
	if body != nil {
		json.NewEncoder(&b).Encode(body)
	}
	hr := httptest.NewRequest(method, "https://comments.example"+path, strings.NewReader(b.String()))
	hr.Header.Set("Content-Type", "application/json")
	if origin != "" {
		hr.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, hr)
	var out map[string]any
	json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// errorCode is the code of an API error body.
func errorCode(body map[string]any) string {
	if e, ok := body["error"].(map[string]any); ok {
		return fmt.Sprint(e["code"])
	}
	return ""
}

// fieldError fails unless body shows msg next to field (the error's id
// named by the field's aria-describedby).
func fieldError(t *testing.T, body, field, msg string) {
	t.Helper()
	if !strings.Contains(body, fmt.Sprintf(`id="%s-error">%s`, field, msg)) {
		t.Errorf("no error %q next to %s", msg, field)
	}
	if !strings.Contains(body, field+`-error"`) || !strings.Contains(body, `aria-describedby="`) {
		t.Errorf("the field %s does not point at its error", field)
	}
}

// TestAddSite runs on both databases: the site that waits for its owner's
// confirmation goes live in the confirmation's transaction.
func TestAddSite(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) { testAddSite(t, newEnv(t, dialect)) })
	}
}

func testAddSite(t *testing.T, e *env) {
	ctx := context.Background()
	add := func(tok string, f url.Values) *httptest.ResponseRecorder {
		return e.do(req{method: "POST", path: "/dashboard/sites/new", token: tok, form: f})
	}
	if body := e.do(req{method: "GET", path: "/dashboard/sites/new", token: e.ownerTok}).Body.String(); !strings.Contains(body, `<label for="host">`) {
		t.Fatalf("the form: %s", body)
	}
	many := make([]string, admin.MaxSiteOrigins+1)
	for i := range many {
		many[i] = fmt.Sprintf("https://s%d.new.example", i)
	}
	for _, tt := range []struct {
		form         url.Values
		field, error string
	}{
		{url.Values{}, "host", "Enter a domain such as example.com"},
		{url.Values{"host": {"not a host"}}, "host", "Enter a domain such as example.com"},
		{url.Values{"host": {"example.com/path"}}, "host", "Enter a domain such as example.com"},
		{url.Values{"host": {"A.Example"}}, "host", "a.example is registered already."},
		{url.Values{"host": {"new.example"}, "origins": {"ftp://new.example"}}, "origins", "&#34;ftp://new.example&#34; must be an origin"},
		{url.Values{"host": {"new.example"}, "origins": {strings.Join(many, "\n")}}, "origins", fmt.Sprintf("a site has at most %d extra origins", admin.MaxSiteOrigins)},
	} {
		w := add(e.ownerTok, tt.form)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", tt.form, w.Code)
		}
		fieldError(t, w.Body.String(), tt.field, tt.error)
		if h := tt.form.Get("host"); h != "" && !strings.Contains(w.Body.String(), `value="`+h+`"`) {
			t.Errorf("%v: the typed domain is not kept", tt.form)
		}
	}
	if sites, _ := e.st.Sites(ctx); len(sites) != 2 {
		t.Fatalf("a refused form added a site: %d sites", len(sites))
	}

	// The owner's email is not confirmed: the site waits.
	w := add(e.ownerTok, url.Values{"host": {" New.Example "}, "origins": {"https://www.new.example/\nhttps://new.example, https://WWW.new.example"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	site, err := e.st.SiteByHost(ctx, "new.example")
	if err != nil || site.OwnerID != e.owner.ID || !site.Waiting || strings.Join(site.Origins, " ") != "https://www.new.example" {
		t.Fatalf("the new site: %+v, %v", site, err)
	}
	if w.Header().Get("Location") != fmt.Sprintf("/dashboard/sites/%d", site.ID) {
		t.Errorf("goes to %q, not the site's page", w.Header().Get("Location"))
	}
	page := e.do(req{method: "GET", path: w.Header().Get("Location"), token: e.ownerTok}).Body.String()
	snippet := `<pre class="snippet" tabindex="0" aria-label="Embed snippet"><code>&lt;div id=&#34;parley&#34;&gt;&lt;/div&gt;
&lt;script src=&#34;https://comments.example/js/parley.js&#34; data-site=&#34;new.example&#34; defer&gt;&lt;/script&gt;</code></pre>`
	if !strings.Contains(page, snippet) || !strings.Contains(page, "waiting for you to confirm your email address") {
		t.Errorf("the site's page lacks the snippet or the waiting notice: %s", page)
	}
	if home := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}).Body.String(); !strings.Contains(home, "waiting for you to confirm your email address") {
		t.Error("home does not say the site waits")
	}
	status, body := e.api("GET", "/api/v1/thread?site=new.example&path=/", "", nil)
	if status != http.StatusForbidden || errorCode(body) != "site_not_live" {
		t.Errorf("the widget on a waiting site: %d %v, want 403 site_not_live", status, body)
	}
	status, body = e.api("POST", "/api/v1/comments", "https://new.example", map[string]any{"site": "new.example", "path": "/", "text": "Hi", "author": map[string]string{"name": "A"}})
	if status != http.StatusForbidden || errorCode(body) != "site_not_live" {
		t.Errorf("a comment on a waiting site: %d %v", status, body)
	}

	// Confirming the email makes the site live, in the same transaction.
	token, hash := auth.NewLinkToken()
	now := time.Now()
	if err := e.st.CreateAccountToken(ctx, store.AccountToken{UserID: e.owner.ID, Purpose: store.TokenVerify, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, hash); err != nil {
		t.Fatal(err)
	}
	if w := e.do(req{method: "GET", path: "/auth/verify?token=" + token}); w.Code != http.StatusOK {
		t.Fatalf("verify: %d", w.Code)
	}
	if status, body := e.api("GET", "/api/v1/thread?site=new.example&path=/", "", nil); status != http.StatusOK {
		t.Errorf("the widget after the owner confirmed: %d %v", status, body)
	}
	if page := e.do(req{method: "GET", path: fmt.Sprintf("/dashboard/sites/%d", site.ID), token: e.ownerTok}).Body.String(); strings.Contains(page, "Not live yet") {
		t.Error("the site still shows as waiting")
	}

	// The operator's sites, and those of a confirmed account, are live at once.
	if w := add(e.opTok, url.Values{"host": {"op.example"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("operator's add: %d", w.Code)
	}
	if w := add(e.ownerTok, url.Values{"host": {"second.example:8080"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("confirmed owner's add: %d", w.Code)
	}
	for _, host := range []string{"op.example", "second.example:8080"} {
		if s, err := e.st.SiteByHost(ctx, host); err != nil || s.Waiting {
			t.Errorf("%s: %+v %v, want live", host, s, err)
		}
	}
}

func TestSitePagesList(t *testing.T) {
	e := newEnv(t, "sqlite")
	sitePage := fmt.Sprintf("/dashboard/sites/%d", e.siteA.ID)
	body := e.do(req{method: "GET", path: sitePage, token: e.modTok}).Body.String()
	if !strings.Contains(body, `<td class="path">/post</td>`) || !strings.Contains(body, "<td>open</td>") || strings.Contains(body, "/other") {
		t.Fatalf("the pages list: %s", body)
	}
	if strings.Contains(body, "/settings") {
		t.Error("a moderator is offered the settings")
	}
	lock := fmt.Sprintf("/dashboard/sites/%d/pages/%d/lock", e.siteA.ID, e.heldA1.PageID)
	w := e.do(req{method: "POST", path: lock, token: e.modTok, form: url.Values{"locked": {"1"}, "from": {"pages"}, "page": {"1"}}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != sitePage+"#pages" {
		t.Fatalf("lock from the list: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if body := e.do(req{method: "GET", path: sitePage, token: e.modTok}).Body.String(); !strings.Contains(body, "<td>locked</td>") || !strings.Contains(body, "Unlock /post") {
		t.Error("the list does not show the page locked")
	}
	if _, body := e.api("GET", "/api/v1/thread?site=a.example&path=/post", "", nil); !body["page"].(map[string]any)["locked"].(bool) {
		t.Error("the widget does not see the lock")
	}

	for i := range admin.SitePagesPageSize {
		e.held(e.siteA, fmt.Sprintf("/p/%03d", i), "Filler")
	}
	body = e.do(req{method: "GET", path: sitePage, token: e.ownerTok}).Body.String()
	if n := strings.Count(body, `<td class="path">`); n != admin.SitePagesPageSize || !strings.Contains(body, `rel="next"`) {
		t.Errorf("first page: %d pages listed, want %d and a next link", n, admin.SitePagesPageSize)
	}
	body = e.do(req{method: "GET", path: sitePage + "?page=2", token: e.ownerTok}).Body.String()
	if n := strings.Count(body, `<td class="path">`); n != 1 || !strings.Contains(body, "/post") || !strings.Contains(body, `rel="prev"`) {
		t.Errorf("second page: %d pages listed, want /post alone", n)
	}
	for _, q := range []string{"?page=0", "?page=x", fmt.Sprintf("?page=%d", admin.MaxSitePagesPage+1)} {
		if w := e.do(req{method: "GET", path: sitePage + q, token: e.ownerTok}); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, w.Code)
		}
	}
}

func TestDeleteSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	del := fmt.Sprintf("/dashboard/sites/%d/delete", e.siteA.ID)
	if body := e.do(req{method: "GET", path: del, token: e.ownerTok}).Body.String(); !strings.Contains(body, "Type <strong>a.example</strong> to confirm") {
		t.Fatalf("the form: %s", body)
	}
	for _, typed := range []string{"", "b.example", "a.exampl"} {
		w := e.do(req{method: "POST", path: del, token: e.ownerTok, form: url.Values{"confirm": {typed}}})
		if w.Code != http.StatusBadRequest {
			t.Errorf("confirm %q: %d, want 400", typed, w.Code)
		}
		fieldError(t, w.Body.String(), "confirm", "Type a.example to confirm.")
	}
	if w := e.do(req{method: "POST", path: del, token: e.modTok, form: url.Values{"confirm": {"a.example"}}}); w.Code != http.StatusNotFound {
		t.Errorf("the moderator deletes: %d, want 404", w.Code)
	}
	e.unchanged(t)
	if status, _ := e.api("GET", "/api/v1/thread?site=a.example&path=/post", "", nil); status != http.StatusOK {
		t.Fatalf("thread before: %d", status)
	}
	w := e.do(req{method: "POST", path: del, token: e.ownerTok, form: url.Values{"confirm": {" A.Example "}}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dashboard" {
		t.Fatalf("delete: %d to %q", w.Code, w.Header().Get("Location"))
	}
	if _, err := e.st.SiteByID(context.Background(), e.siteA.ID); err == nil {
		t.Error("the site is still there")
	}
	if _, err := e.st.Comment(context.Background(), e.heldA1.ID); err == nil {
		t.Error("its comments are still there")
	}
	if status, body := e.api("GET", "/api/v1/thread?site=a.example&path=/post", "", nil); status != http.StatusNotFound || errorCode(body) != "site_not_found" {
		t.Errorf("the widget after the deletion: %d %v", status, body)
	}
	if home := e.do(req{method: "GET", path: "/dashboard", token: e.ownerTok}).Body.String(); strings.Contains(home, "a.example") {
		t.Error("home still lists the site")
	}
}

// TestSiteFormsRefuseCrossOrigin: adding a site and accepting an
// invitation are refused from another origin with the account's cookie,
// and change nothing (the site routes' forms are walked by
// TestCrossOriginPostsAreRefused).
func TestSiteFormsRefuseCrossOrigin(t *testing.T) {
	e := newEnv(t, "sqlite")
	token, _ := e.inviteToSite(e.siteA, "stranger@example.com")
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		for _, r := range []req{
			{method: "POST", path: "/dashboard/sites/new", form: url.Values{"host": {"evil.example"}}},
			{method: "POST", path: "/dashboard/join", form: url.Values{"token": {token}}},
		} {
			r.token, r.header = e.strangerTok, h
			if w := e.do(r); w.Code != http.StatusForbidden {
				t.Errorf("%s with %v: %d, want 403", r.path, h, w.Code)
			}
		}
	}
	if _, err := e.st.SiteByHost(context.Background(), "evil.example"); err == nil {
		t.Error("a cross-origin form added a site")
	}
	if _, err := e.st.SiteRole(context.Background(), e.siteA.ID, e.stranger.ID); err == nil {
		t.Error("a cross-origin form accepted the invitation")
	}
}
