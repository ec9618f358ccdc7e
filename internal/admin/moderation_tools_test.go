package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

func init() {
	comment := func(e *env, site int64, rest string) string {
		return fmt.Sprintf("/dashboard/sites/%d/comments/%d/%s", site, e.heldA1.ID, rest)
	}
	get := func(pattern string, path func(e *env, site int64) string) siteRoute {
		return siteRoute{pattern, func(e *env, site int64) req { return req{method: "GET", path: path(e, site)} }}
	}
	siteRoutes = append(siteRoutes,
		get("GET /dashboard/sites/{site}/comments/{comment}/edit", func(e *env, s int64) string { return comment(e, s, "edit") }),
		siteRoute{"POST /dashboard/sites/{site}/comments/{comment}/edit", func(e *env, site int64) req {
			return req{method: "POST", path: comment(e, site, "edit"), form: url.Values{"text": {"Edited."}}}
		}},
		get("GET /dashboard/sites/{site}/comments/{comment}/author", func(e *env, s int64) string { return comment(e, s, "author") }),
		get("GET /dashboard/sites/{site}/comments/{comment}/ban", func(e *env, s int64) string { return comment(e, s, "ban") }),
		siteRoute{"POST /dashboard/sites/{site}/comments/{comment}/ban", func(e *env, site int64) req {
			return req{method: "POST", path: comment(e, site, "ban"), form: url.Values{"scope": {"site"}, "duration": {"7"}}}
		}},
		siteRoute{"POST /dashboard/sites/{site}/comments/{comment}/block", func(e *env, site int64) req {
			c := e.withAddress(e.siteA, "203.0.113.77")
			return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/comments/%d/block", site, c.ID), form: url.Values{"duration": {"forever"}}}
		}},
		get("GET /dashboard/sites/{site}/bans", func(e *env, s int64) string { return fmt.Sprintf("/dashboard/sites/%d/bans", s) }),
		siteRoute{"POST /dashboard/sites/{site}/bans/{ban}/lift", func(e *env, site int64) req {
			return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/bans/%d/lift", site, e.banOnA().ID)}
		}},
		siteRoute{"POST /dashboard/sites/{site}/blocks", func(e *env, site int64) req {
			return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/blocks", site),
				form: url.Values{"address": {"203.0.113.0/24"}, "duration": {"30"}}}
		}},
		siteRoute{"POST /dashboard/sites/{site}/blocks/{block}/lift", func(e *env, site int64) req {
			return req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/blocks/%d/lift", site, e.blockOnA().ID)}
		}},
		get("GET /dashboard/sites/{site}/audit", func(e *env, s int64) string { return fmt.Sprintf("/dashboard/sites/%d/audit", s) }),
	)
}

// withAddress is an approved guest comment on site written from ip.
func (e *env) withAddress(site *model.Site, ip string) *model.Comment {
	e.t.Helper()
	c := &model.Comment{SiteID: site.ID, GuestName: "Ivy", Text: "From an address.", HTML: "<p>From an address.</p>",
		Status: model.StatusApproved, CreatedAt: time.Now(), IP: ip}
	if err := e.st.CreateComment(context.Background(), c, store.NewComment{Path: "/addr"}); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// banOnA and blockOnA are a ban and a block of site A, recorded in site B's
// audit log so that site A's stays empty for the permission walk.
func (e *env) banOnA() *store.Ban {
	e.t.Helper()
	b := &store.Ban{SiteID: e.siteA.ID, UserID: e.stranger.ID, CreatedAt: time.Now()}
	if err := e.st.CreateBan(context.Background(), store.Action{SiteID: e.siteB.ID}, b); err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) blockOnA() *store.IPBlock {
	e.t.Helper()
	b := &store.IPBlock{SiteID: e.siteA.ID, Prefix: netip.MustParsePrefix("198.51.100.0/24"), CreatedAt: time.Now()}
	if err := e.st.CreateIPBlock(context.Background(), store.Action{SiteID: e.siteB.ID}, b); err != nil {
		e.t.Fatal(err)
	}
	return b
}

// page gets a dashboard page and returns its status and body.
func (e *env) page(token, path string) (int, string) {
	e.t.Helper()
	w := e.do(req{method: "GET", path: path, token: token})
	return w.Code, w.Body.String()
}

func TestModerationSearch(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			queue := fmt.Sprintf("/dashboard/sites/%d/moderation?status=pending", e.siteA.ID)
			other := &model.Comment{SiteID: e.siteA.ID, GuestName: "Olga", GuestEmail: "olga@example.com", Text: "Other words.",
				HTML: "<p>Other words.</p>", Status: model.StatusPending, CreatedAt: time.Now()}
			if err := e.st.CreateComment(context.Background(), other, store.NewComment{Path: "/elsewhere"}); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				who, token, query string
				want, not         []string
			}{
				{"text", e.ownerTok, "&q=SECOND", []string{"Second held."}, []string{"First held.", "Other words."}},
				{"author name", e.modTok, "&author=olg", []string{"Other words."}, []string{"First held."}},
				{"exact email", e.ownerTok, "&author=" + url.QueryEscape("OLGA@example.com"), []string{"Other words."}, []string{"First held."}},
				{"part of an email is no email", e.ownerTok, "&author=" + url.QueryEscape("olga@"), nil, []string{"Other words.", "First held."}},
				{"the operator cannot search by email", e.opTok, "&author=" + url.QueryEscape("olga@example.com"), nil, []string{"Other words."}},
				{"page", e.ownerTok, "&path=%2Fpost", []string{"First held.", "Second held."}, []string{"Other words."}},
				{"combined", e.ownerTok, "&path=%2Fpost&q=first", []string{"First held."}, []string{"Second held.", "Other words."}},
			} {
				code, body := e.page(tt.token, queue+tt.query)
				if code != http.StatusOK {
					t.Errorf("%s: %d", tt.who, code)
				}
				for _, s := range tt.want {
					if !strings.Contains(body, s) {
						t.Errorf("%s: %q not found", tt.who, s)
					}
				}
				for _, s := range tt.not {
					if strings.Contains(body, s) {
						t.Errorf("%s: %q found", tt.who, s)
					}
				}
			}
			// The tabs and the bulk form keep the search.
			_, body := e.page(e.ownerTok, queue+"&q=held")
			if !strings.Contains(body, "status=spam&amp;q=held") || !strings.Contains(body, `<input type="hidden" name="q" value="held">`) {
				t.Errorf("the tabs or the form lost the search: %s", body)
			}
			long := strings.Repeat("é", admin.MaxSearchLength+1)
			code, body := e.page(e.ownerTok, queue+"&path=%2Fpost&author="+url.QueryEscape(long))
			if code != http.StatusBadRequest || !strings.Contains(body, `aria-describedby="author-error"`) ||
				!strings.Contains(body, fmt.Sprintf(`id="author-error">Use at most %d characters.`, admin.MaxSearchLength)) ||
				!strings.Contains(body, `value="/post"`) {
				t.Errorf("a search term too long: %d %s", code, body)
			}
		})
	}
}

// TestSearchPagesKeepTheSearch: a search of more than a page links to its
// next page with the same search.
func TestSearchPagesKeepTheSearch(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range admin.QueuePageSize + 1 {
		e.held(e.siteA, "/many", fmt.Sprint("Needle ", i))
	}
	_, body := e.page(e.ownerTok, fmt.Sprintf("/dashboard/sites/%d/moderation?q=needle", e.siteA.ID))
	next := fmt.Sprintf(`href="/dashboard/sites/%d/moderation?status=pending&amp;page=2&amp;q=needle" rel="next"`, e.siteA.ID)
	if !strings.Contains(body, next) || strings.Contains(body, "First held.") {
		t.Fatalf("first page of the search: %s", body)
	}
	_, body = e.page(e.ownerTok, fmt.Sprintf("/dashboard/sites/%d/moderation?q=needle&page=2", e.siteA.ID))
	if !strings.Contains(body, "Needle 0") || strings.Contains(body, "First held.") {
		t.Errorf("second page of the search: %s", body)
	}
}

func TestEditCommentForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	edit := fmt.Sprintf("/dashboard/sites/%d/comments/%d/edit", e.siteA.ID, e.heldA1.ID)
	if _, err := e.st.ModerateComments(ctx, store.Moderation{SiteID: e.siteA.ID, Action: store.ActionApprove, CommentIDs: []int64{e.heldA1.ID}}); err != nil {
		t.Fatal(err)
	}
	thread := func() string {
		return e.do(req{method: "GET", path: "/api/v1/thread?site=a.example&path=/post"}).Body.String()
	}
	if !strings.Contains(thread(), "First held.") { // and now it is cached
		t.Fatal("the approved comment is not in the thread")
	}
	if code, body := e.page(e.modTok, edit); code != http.StatusOK || !strings.Contains(body, ">First held.</textarea>") {
		t.Errorf("edit page: %d %s", code, body)
	}
	w := e.do(req{method: "POST", path: edit, token: e.modTok, form: url.Values{"text": {"  <b></b>  "}}})
	if body := w.Body.String(); w.Code != http.StatusBadRequest || !strings.Contains(body, `aria-describedby="text-error"`) ||
		!strings.Contains(body, `id="text-error">the comment has nothing visible in it`) || !strings.Contains(body, "&lt;b&gt;&lt;/b&gt;") {
		t.Errorf("a text the API refuses: %d %s", w.Code, body)
	}
	w = e.do(req{method: "POST", path: edit, token: e.modTok, form: url.Values{"text": {"Now **bold** <script>x</script>"}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", w.Code, w.Body)
	}
	if body := thread(); !strings.Contains(body, `Now \u003cstrong\u003ebold\u003c/strong\u003e`) || strings.Contains(body, "script") {
		t.Errorf("the widget's thread does not show the edit rendered and sanitized: %s", body)
	}
	if log, _ := e.st.AuditLog(ctx, e.siteA.ID, 1); len(log) != 1 || log[0].Action != store.ActionEdit || log[0].ActorID != e.mod.ID {
		t.Errorf("audit: %+v", log)
	}
	foreign := fmt.Sprintf("/dashboard/sites/%d/comments/%d/edit", e.siteA.ID, e.heldB.ID)
	if w := e.do(req{method: "POST", path: foreign, token: e.ownerTok, form: url.Values{"text": {"x"}}}); w.Code != http.StatusNotFound {
		t.Errorf("a comment of site B through site A: %d", w.Code)
	}
}

func TestAuthorHistoryPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	code, body := e.page(e.modTok, fmt.Sprintf("/dashboard/sites/%d/comments/%d/author", e.siteA.ID, e.heldA1.ID))
	if code != http.StatusOK || !strings.Contains(body, "First held.") || !strings.Contains(body, "Second held.") ||
		!strings.Contains(body, `Pending <span class="count">2</span>`) || strings.Contains(body, "Held on B.") {
		t.Errorf("history: %d %s", code, body)
	}
	if _, body := e.page(e.opTok, fmt.Sprintf("/dashboard/sites/%d/comments/%d/author", e.siteA.ID, e.heldA1.ID)); strings.Contains(body, "gus@example.com") {
		t.Error("the operator sees an email in the history")
	}
}
