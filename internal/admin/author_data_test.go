package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// The owner's export and erasure of an author's data are owner-only: a
// moderator of the site gets 404, as for the site's settings.
func init() {
	author := func(method, rest string, form url.Values) siteRoute {
		return siteRoute{method + " /dashboard/sites/{site}/comments/{comment}/author/" + rest, func(e *env, site int64) req {
			return req{method: method, path: fmt.Sprintf("/dashboard/sites/%d/comments/%d/author/%s", site, e.heldA1.ID, rest), form: form}
		}}
	}
	for _, r := range []siteRoute{author("GET", "export", nil), author("GET", "erase", nil),
		author("POST", "erase", url.Values{"comments": {"delete"}})} {
		siteRoutes = append(siteRoutes, r)
		ownerOnlyRoutes[r.pattern] = true
	}
}

// TestOwnerExportsAndErasesAnAuthor: on both databases, the owner of site
// A downloads what a guest (Gus, two comments on A, one on B) and then an
// account wrote on A, and erases it; nothing of site B is exported or
// erased, and the audit log records both.
func TestOwnerExportsAndErasesAnAuthor(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ctx := context.Background()
			base := fmt.Sprintf("/dashboard/sites/%d/comments/%d/author", e.siteA.ID, e.heldA1.ID)
			if page := e.do(req{method: "GET", path: base, token: e.ownerTok}).Body.String(); !strings.Contains(page, base+"/export") || !strings.Contains(page, base+"/erase") {
				t.Error("the author page does not offer the owner export and erasure")
			}
			if page := e.do(req{method: "GET", path: base, token: e.modTok}).Body.String(); strings.Contains(page, base+"/erase") {
				t.Error("the author page offers a moderator the erasure")
			}

			w := e.do(req{method: "GET", path: base + "/export", token: e.ownerTok})
			var doc struct {
				Format   string
				Site     string
				Comments []struct {
					ID          int64
					Site, Email string
					Text        string
				}
			}
			if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != 200 || doc.Format != api.SiteAuthorFormat || doc.Site != "a.example" ||
				!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment;") || w.Header().Get("Cache-Control") != "private, no-store" {
				t.Fatalf("export: %d %v %v\n%s", w.Code, w.Header(), err, w.Body)
			}
			if len(doc.Comments) != 2 || doc.Comments[0].ID != e.heldA1.ID || doc.Comments[1].Email != "gus@example.com" {
				t.Errorf("exported comments: %+v, want Gus's two on a.example", doc.Comments)
			}
			if strings.Contains(w.Body.String(), "Held on B.") || strings.Contains(w.Body.String(), "b.example") {
				t.Error("the export holds site B's comment")
			}

			if w := e.do(req{method: "GET", path: base + "/erase", token: e.ownerTok}); w.Code != 200 || !strings.Contains(w.Body.String(), "This erases the 2 comments") {
				t.Errorf("erase page: %d\n%s", w.Code, w.Body)
			}
			w = e.do(req{method: "POST", path: base + "/erase", token: e.ownerTok, form: url.Values{"comments": {"shred"}}})
			if w.Code != http.StatusBadRequest {
				t.Errorf("erase without a valid choice: %d, want 400", w.Code)
			}
			fieldError(t, w.Body.String(), "comments", "Choose whether to delete the comments or keep them without their author.")
			w = e.do(req{method: "POST", path: base + "/erase", token: e.ownerTok, form: url.Values{"comments": {"delete"}}})
			if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "done=erase&n=2") {
				t.Fatalf("erase: %d %s", w.Code, w.Header().Get("Location"))
			}
			if page := e.do(req{method: "GET", path: w.Header().Get("Location"), token: e.ownerTok}).Body.String(); !strings.Contains(page, "2 comments erased with their author&#39;s data.") {
				t.Error("the queue does not say what was erased")
			}
			for _, id := range []int64{e.heldA1.ID, e.heldA2.ID} {
				if _, err := e.st.Comment(ctx, id); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("comment %d of Gus on A: %v, want it erased", id, err)
				}
			}
			if c, err := e.st.Comment(ctx, e.heldB.ID); err != nil || c.GuestEmail != "gus@example.com" || c.Text != "Held on B." {
				t.Errorf("Gus's comment on site B: %+v %v, want it untouched", c, err)
			}

			// An account's comments, kept without their author.
			c := &model.Comment{SiteID: e.siteA.ID, AuthorID: e.stranger.ID, Text: "Stranger's words.", HTML: "<p>Stranger's words.</p>",
				Status: model.StatusApproved, IP: "198.51.100.7", UserAgent: "agent"}
			if err := e.st.CreateComment(ctx, c, store.NewComment{Path: "/post"}); err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/dashboard/sites/%d/comments/%d/author/erase", e.siteA.ID, c.ID)
			if w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: url.Values{"comments": {"anonymize"}}}); w.Code != http.StatusSeeOther {
				t.Fatalf("anonymise: %d %s", w.Code, w.Body)
			}
			if got, err := e.st.Comment(ctx, c.ID); err != nil || got.AuthorID != 0 || got.IP != "" || got.UserAgent != "" || got.Text != "Stranger's words." {
				t.Errorf("anonymised comment: %+v %v", got, err)
			}
			if _, err := e.st.UserByID(ctx, e.stranger.ID); err != nil {
				t.Errorf("the account went with its comments on one site: %v", err)
			}

			log, err := e.st.AuditLog(ctx, e.siteA.ID, 10)
			if err != nil || len(log) != 3 {
				t.Fatalf("audit log: %+v %v, want export, erase, erase", log, err)
			}
			for i, want := range []struct{ action, detail string }{{"erase", "1 comment anonymised"}, {"erase", "2 comments deleted"}, {"export", ""}} {
				if log[i].Action != want.action || log[i].Detail != want.detail || log[i].ActorID != e.owner.ID {
					t.Errorf("audit entry %d: %+v, want %v by the owner", i, log[i], want)
				}
			}
		})
	}
}
