package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSettingsTurnUploadsOn: the owner turns images in comments on and off
// in the site's settings; a site starts with them off, and a refused form
// keeps the box as ticked.
func TestSettingsTurnUploadsOn(t *testing.T) {
	e := newEnv(t, "sqlite")
	path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
	if page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String(); !strings.Contains(page, `id="uploads" name="uploads" type="checkbox" value="1" aria-describedby="uploads-hint">`) {
		t.Errorf("uploads are not off, unticked, at first:\n%s", page)
	}
	bad := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"uploads": {"1"}, "max_length": {"0"}})})
	if bad.Code != http.StatusBadRequest || !strings.Contains(bad.Body.String(), `aria-describedby="uploads-hint" checked>`) {
		t.Errorf("a refused form lost the ticked box: %d", bad.Code)
	}
	for _, on := range []bool{true, false} {
		change := url.Values{}
		if on {
			change.Set("uploads", "1")
		}
		if w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(change)}); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d", w.Code)
		}
		site, err := e.st.SiteByID(context.Background(), e.siteA.ID)
		if err != nil || site.Settings.Uploads != on {
			t.Errorf("saved uploads=%v, stored %v (%v)", on, site.Settings.Uploads, err)
		}
	}
}
