package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
)

// TestSiteIPRetention: the owner may shorten how long the site keeps
// commenters' IP addresses, never beyond the operator's period (10 days
// here); the widget is not told. A moderator cannot reach the setting (the
// settings page is the owner's: 404).
func TestSiteIPRetention(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect, func(d *admin.Deps) { d.Imports.IPRetention = 10 * 24 * time.Hour })
			path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
			if page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String(); !strings.Contains(page, `id="ip_days" name="ip_days" type="number" min="0" max="10" required value="0"`) {
				t.Errorf("the settings page lacks the IP retention field:\n%s", page)
			}
			for _, typed := range []string{"11", "-1", "a week"} {
				w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"ip_days": {typed}})})
				if w.Code != http.StatusBadRequest {
					t.Errorf("ip_days=%s: %d, want 400", typed, w.Code)
				}
				fieldError(t, w.Body.String(), "ip_days", "Enter a whole number of days from 0 to 10, this server&#39;s longest.")
				if !strings.Contains(w.Body.String(), `value="`+typed+`"`) {
					t.Errorf("ip_days=%s: the typed value is not kept", typed)
				}
			}
			if w := e.do(req{method: "POST", path: path, token: e.modTok, form: settingsForm(url.Values{"ip_days": {"1"}})}); w.Code != http.StatusNotFound {
				t.Errorf("a moderator's change: %d, want 404", w.Code)
			}
			if w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"ip_days": {"3"}})}); w.Code != http.StatusSeeOther {
				t.Fatalf("ip_days=3: %d %s", w.Code, w.Body)
			}
			site, err := e.st.SiteByID(context.Background(), e.siteA.ID)
			if err != nil || site.Settings.IPRetentionDays != 3 || site.Settings.IPRetention(10*24*time.Hour) != 3*24*time.Hour {
				t.Fatalf("stored: %+v %v, want 3 days", site.Settings, err)
			}
			if page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String(); !strings.Contains(page, `name="ip_days" type="number" min="0" max="10" required value="3"`) {
				t.Error("the settings page does not show the stored 3 days")
			}
			if th := e.do(req{method: "GET", path: "/api/v1/thread?site=a.example&path=/post"}).Body.String(); strings.Contains(th, "ipRetention") || !strings.Contains(th, `"maxDepth"`) {
				t.Errorf("the widget is told the site's IP retention: %s", th)
			}
		})
	}
}
