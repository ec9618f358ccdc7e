package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/captcha"
)

// TestProofOfWorkSettingsForm: the owner sets the site's proof of work in
// the settings form, within the CLI's bounds (captcha.MinDifficulty to
// captcha.MaxDifficulty); a mistake is shown next to its field with the
// typed value kept and nothing saved; what is saved is the setting the
// API reads (as `parley site spam --proof-of-work` stores it).
func TestProofOfWorkSettingsForm(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ctx := context.Background()
			path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
			post := func(change url.Values) *httptest.ResponseRecorder {
				return e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(change)})
			}
			bound := fmt.Sprintf("Enter a whole number from %d to %d.", captcha.MinDifficulty, captcha.MaxDifficulty)
			for _, tt := range []struct {
				change       url.Values
				field, error string
			}{
				{url.Values{"proof_of_work": {"custom"}, "pow_difficulty": {fmt.Sprint(captcha.MinDifficulty - 1)}}, "pow_difficulty", bound},
				{url.Values{"proof_of_work": {"custom"}, "pow_difficulty": {fmt.Sprint(captcha.MaxDifficulty + 1)}}, "pow_difficulty", bound},
				{url.Values{"proof_of_work": {"custom"}, "pow_difficulty": {"hard"}}, "pow_difficulty", bound},
				{url.Values{"proof_of_work": {"custom"}}, "pow_difficulty", bound},
				{url.Values{"proof_of_work": {"always"}}, "proof_of_work", "Choose off, on or a difficulty of the site&#39;s."},
			} {
				w := post(tt.change)
				if w.Code != http.StatusBadRequest {
					t.Errorf("%v: %d, want 400", tt.change, w.Code)
				}
				fieldError(t, w.Body.String(), tt.field, tt.error)
				if v := tt.change.Get("pow_difficulty"); v != "" && !strings.Contains(w.Body.String(), `value="`+v+`"`) {
					t.Errorf("%v: the typed difficulty is not kept", tt.change)
				}
				if site, _ := e.st.SiteByID(ctx, e.siteA.ID); site.Settings.ProofOfWork {
					t.Errorf("%v: saved despite the mistake", tt.change)
				}
			}

			for _, tt := range []struct {
				choice, difficulty string
				on                 bool
				stored             int
				checked            string
			}{
				{"custom", fmt.Sprint(captcha.MaxDifficulty), true, captcha.MaxDifficulty, `value="custom" checked`},
				{"custom", fmt.Sprint(captcha.MinDifficulty), true, captcha.MinDifficulty, `value="custom" checked`},
				{"on", "250000", true, 0, `value="on" checked`}, // the difficulty is read with custom only
				{"off", "", false, 0, `value="off" checked`},
			} {
				w := post(url.Values{"proof_of_work": {tt.choice}, "pow_difficulty": {tt.difficulty}})
				if w.Code != http.StatusSeeOther {
					t.Fatalf("save %s %s: %d %s", tt.choice, tt.difficulty, w.Code, w.Body)
				}
				site, _ := e.st.SiteByID(ctx, e.siteA.ID)
				if s := site.Settings; s.ProofOfWork != tt.on || s.ProofOfWorkDifficulty != tt.stored {
					t.Errorf("%s %s: stored %t at %d", tt.choice, tt.difficulty, s.ProofOfWork, s.ProofOfWorkDifficulty)
				}
				page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String()
				if !strings.Contains(page, tt.checked) {
					t.Errorf("%s: the settings page does not show it chosen", tt.choice)
				}
			}
		})
	}
}
