package admin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// settingsForm is a valid settings form (publish at once, guests, voting
// on), with the values of change replacing its own.
func settingsForm(change url.Values) url.Values {
	f := url.Values{"login": {"guest", "local"}, "moderation": {"none"}, "default_sort": {"oldest"}, "voting": {"1"},
		"max_length": {"10000"}, "edit_minutes": {"15"}, "max_depth": {"5"}, "closed_days": {"0"}, "link_limit": {"2"}}
	for k, v := range change {
		f[k] = v
	}
	return f
}

func TestSettingsFormErrors(t *testing.T) {
	e := newEnv(t, "sqlite")
	path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
	page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String()
	for _, s := range []string{`value="guest" checked`, `value="github"`, `id="moderation-all" name="moderation" type="radio" value="all" checked`,
		`value="10000"`, `value="15"`, "No key is stored.", "Site SSO is off."} {
		if !strings.Contains(page, s) {
			t.Errorf("the settings page lacks %q", s)
		}
	}
	for _, tt := range []struct {
		change       url.Values
		field, error string
	}{
		{url.Values{"login": nil}, "login", "Choose guest, local accounts or a provider"},
		{url.Values{"login": {"anonymous", "local"}}, "login", "Choose guest, local accounts or a provider"},
		{url.Values{"login": {"guest", "myspace"}}, "login", "Choose among the methods listed."},
		{url.Values{"moderation": {"some"}}, "moderation", "Choose one of the moderation policies."},
		{url.Values{"default_sort": {"random"}}, "default_sort", "Choose one of the sort orders."},
		{url.Values{"max_length": {"0"}}, "max_length", fmt.Sprintf("Enter a whole number from 1 to %d.", model.MaxCommentLengthLimit)},
		{url.Values{"max_length": {fmt.Sprint(model.MaxCommentLengthLimit + 1)}}, "max_length", "Enter a whole number from 1 to"},
		{url.Values{"max_length": {"many"}}, "max_length", "Enter a whole number from 1 to"},
		{url.Values{"edit_minutes": {"-1"}}, "edit_minutes", "Enter a whole number from 0 to"},
		{url.Values{"edit_minutes": {fmt.Sprint(model.MaxEditWindowSeconds/60 + 1)}}, "edit_minutes", "Enter a whole number from 0 to"},
		{url.Values{"max_depth": {fmt.Sprint(model.MaxNestingDepth + 1)}}, "max_depth", fmt.Sprintf("Enter a whole number from 1 to %d.", model.MaxNestingDepth)},
		{url.Values{"closed_days": {fmt.Sprint(model.MaxClosedAfterDays + 1)}}, "closed_days", "Enter a whole number from 0 to"},
		{url.Values{"akismet": {"not a key!"}}, "akismet", "An Akismet key is letters and digits"},
		{url.Values{"akismet": {strings.Repeat("k", 65)}}, "akismet", "An Akismet key is letters and digits, at most 64."},
		{url.Values{"origins": {"www.a.example"}}, "origins", "&#34;www.a.example&#34; must be an origin"},
	} {
		w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(tt.change)})
		if w.Code != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", tt.change, w.Code)
		}
		fieldError(t, w.Body.String(), tt.field, tt.error)
		for _, v := range tt.change[tt.field] {
			if tt.field != "login" && tt.field != "akismet" && tt.field != "moderation" && tt.field != "default_sort" && !strings.Contains(w.Body.String(), v) {
				t.Errorf("%v: the typed value is not kept", tt.change)
			}
		}
	}
	site, _ := e.st.SiteByID(context.Background(), e.siteA.ID)
	if site.Settings.Moderation != model.ModerationAll || site.Settings.MaxLength != 10000 {
		t.Errorf("a refused form changed the settings: %+v", site.Settings)
	}
	if w := e.do(req{method: "GET", path: path, token: e.modTok}); w.Code != http.StatusNotFound {
		t.Errorf("a moderator's settings page: %d, want 404", w.Code)
	}
}

// TestSettingsAreEnforced: what the owner saves, the widget API applies at
// once, on both databases.
func TestSettingsAreEnforced(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ctx := context.Background()
			path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
			save := func(change url.Values) {
				t.Helper()
				if w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(change)}); w.Code != http.StatusSeeOther {
					t.Fatalf("save %v: %d %s", change, w.Code, w.Body)
				}
			}
			const origin = "https://a.example"
			post := func(p, text string) (int, map[string]any) {
				return e.api("POST", "/api/v1/comments", origin, map[string]any{"site": "a.example", "path": p, "text": text, "author": map[string]string{"name": "Ann"}})
			}
			save(url.Values{"max_length": {"20"}, "default_sort": {"newest"}})
			status, first := post("/open", "The first comment.")
			if status != http.StatusCreated || fmt.Sprint(first["comment"].(map[string]any)["status"]) != "approved" {
				t.Fatalf("comment: %d %v", status, first)
			}
			post("/open", "The second one.")
			if status, body := post("/open", strings.Repeat("x", 21)); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "the maximum is 20") {
				t.Errorf("a comment past the maximum length: %d %v", status, body)
			}

			// Default sort: the thread's sort when the request names none.
			_, thread := e.api("GET", "/api/v1/thread?site=a.example&path=/open", "", nil)
			comments := thread["comments"].([]any)
			if thread["sort"] != "newest" || comments[0].(map[string]any)["html"] != "<p>The second one.</p>" {
				t.Errorf("default sort: %v, first %v", thread["sort"], comments[0])
			}
			if _, oldest := e.api("GET", "/api/v1/thread?site=a.example&path=/open&sort=oldest", "", nil); oldest["sort"] != "oldest" {
				t.Errorf("a named sort: %v", oldest["sort"])
			}
			if thread["settings"].(map[string]any)["voting"] != true {
				t.Error("the thread does not say voting is on")
			}
			vote := fmt.Sprintf("/api/v1/comments/%v/vote", first["comment"].(map[string]any)["id"])
			if status, body := e.api("POST", vote, origin, map[string]int{"value": 1}); status != http.StatusOK {
				t.Fatalf("vote while voting is on: %d %v", status, body)
			}

			// Voting off: refused, and the thread says so.
			save(url.Values{"voting": nil, "closed_days": {"2"}})
			if status, body := e.api("POST", vote, origin, map[string]int{"value": -1}); status != http.StatusForbidden || errorCode(body) != "voting_off" {
				t.Errorf("vote while voting is off: %d %v, want 403 voting_off", status, body)
			}
			if _, thread := e.api("GET", "/api/v1/thread?site=a.example&path=/open", "", nil); thread["settings"].(map[string]any)["voting"] != false {
				t.Error("the thread does not say voting is off")
			}

			// Closed after 2 days: a page whose first comment is 3 days old
			// shows locked and takes no comment; a recent page is open.
			old := &model.Comment{SiteID: e.siteA.ID, GuestName: "Old", Text: "Old", HTML: "<p>Old</p>", Status: model.StatusApproved,
				CreatedAt: time.Now().Add(-3 * 24 * time.Hour)}
			if err := e.st.CreateComment(ctx, old, store.NewComment{Path: "/old"}); err != nil {
				t.Fatal(err)
			}
			if _, thread := e.api("GET", "/api/v1/thread?site=a.example&path=/old", "", nil); thread["page"].(map[string]any)["locked"] != true {
				t.Errorf("an old page is not shown locked: %v", thread["page"])
			}
			if status, body := post("/old", "Too late."); status != http.StatusForbidden || errorCode(body) != "page_locked" {
				t.Errorf("a comment on an old page: %d %v, want 403 page_locked", status, body)
			}
			if status, body := post("/open", "Still open."); status != http.StatusCreated {
				t.Errorf("a comment on a recent page: %d %v", status, body)
			}
			if _, thread := e.api("GET", "/api/v1/thread?site=a.example&path=/open", "", nil); thread["page"].(map[string]any)["locked"] != false {
				t.Error("a recent page is shown locked")
			}
			save(url.Values{"closed_days": {"0"}})
			if status, _ := post("/old", "Open again."); status != http.StatusCreated {
				t.Errorf("0 days (never) still closes the old page: %d", status)
			}
		})
	}
}

func TestSettingsSecrets(t *testing.T) {
	e, _ := akismetEnv(t, "sqlite", "abc123def456")
	ctx := context.Background()
	path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
	if w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"akismet": {"abc123def456"}})}); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", w.Code)
	}
	if key, err := e.st.AkismetKey(ctx, e.siteA.ID); err != nil || key != "abc123def456" {
		t.Errorf("stored key %q, %v", key, err)
	}
	page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String()
	if strings.Contains(page, "abc123def456") || !strings.Contains(page, "••••••••f456") {
		t.Error("the key is not shown masked")
	}
	// An empty field keeps the key; the box removes it.
	e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(nil)})
	if key, _ := e.st.AkismetKey(ctx, e.siteA.ID); key != "abc123def456" {
		t.Errorf("saving without a key dropped it: %q", key)
	}
	e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"akismet_remove": {"1"}})})
	if key, _ := e.st.AkismetKey(ctx, e.siteA.ID); key != "" {
		t.Errorf("the key was not removed: %q", key)
	}

	sso := func(action string) string {
		t.Helper()
		w := e.do(req{method: "POST", path: path + "/sso", token: e.ownerTok, form: url.Values{"action": {action}}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d", action, w.Code)
		}
		loc, _, _ := strings.Cut(w.Header().Get("Location"), "#") // a browser sends no fragment
		return loc
	}
	shown := e.do(req{method: "GET", path: sso("generate"), token: e.ownerTok}).Body.String()
	secret, err := e.st.SSOSecret(ctx, e.siteA.ID)
	if err != nil || !strings.Contains(shown, `<code class="secret">`+secret+`</code>`) {
		t.Fatalf("the new secret is not shown: %v %s", err, shown)
	}
	if page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String(); strings.Contains(page, secret) || !strings.Contains(page, "Site SSO is on") {
		t.Error("the settings page shows the secret without being asked, or not that SSO is on")
	}
	sso("generate")
	if again, _ := e.st.SSOSecret(ctx, e.siteA.ID); again != secret {
		t.Error("generate replaced an existing secret")
	}
	sso("rotate")
	if rotated, _ := e.st.SSOSecret(ctx, e.siteA.ID); rotated == secret || rotated == "" {
		t.Error("rotate kept the secret")
	}
	sso("remove")
	if _, err := e.st.SSOSecret(ctx, e.siteA.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("remove: %v", err)
	}
	if w := e.do(req{method: "POST", path: path + "/sso", token: e.ownerTok, form: url.Values{"action": {"burn"}}}); w.Code != http.StatusBadRequest {
		t.Errorf("an unknown action: %d", w.Code)
	}
}
