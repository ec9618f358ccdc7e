package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/admin"
	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/media"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/spam/akismettest"
)

// operatorKey is the operator's Akismet key in akismetEnv: the double
// refuses it, so a comment checked with it fails (and is held by default).
const operatorKey = "operator0key"

// akismetEnv is an env whose comment service asks a local Akismet double
// that accepts key only: with a site's own key, else with operatorKey,
// holding what it cannot check (the operator's default). Reports run in
// the background until the test ends.
func akismetEnv(t *testing.T, dialect, key string) (*env, *akismettest.Server) {
	s := akismettest.New(t, key)
	client := spam.NewAkismet(spam.AkismetOptions{Key: operatorKey, Endpoint: s.URL, Test: true,
		Timeout: 2 * time.Second, Dial: media.FetcherOptions{AllowLoopback: true}})
	e := newEnv(t, dialect, func(d *admin.Deps) {
		d.Comments.Checking = comment.Checking{Checker: client, Akismet: client, HoldOnError: true, Log: d.Log}
		go d.Comments.RunReports(t.Context())
	})
	return e, s
}

// postComment writes a guest comment on a.example through the widget API
// and returns its id.
func (e *env) postComment(name, text string) int64 {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"site": "a.example", "path": "/post", "text": text, "author": map[string]string{"name": name}})
	w := e.do(req{method: "POST", path: "/api/v1/comments", body: string(b),
		header: map[string]string{"Content-Type": "application/json", "Origin": "https://a.example", "User-Agent": "test-agent"}})
	var out struct{ Comment struct{ ID int64 } }
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != http.StatusCreated {
		e.t.Fatalf("comment: %d %s", w.Code, w.Body)
	}
	return out.Comment.ID
}

func (e *env) stored(id int64) *model.Comment {
	e.t.Helper()
	c, err := e.st.Comment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// TestSpamSettingsForm: the owner sets the spam policy in the dashboard;
// each mistake policy.Check finds is shown next to its field, the typed
// lists kept; what is saved, the API applies at once.
func TestSpamSettingsForm(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
			many := strings.Repeat("word\n", policy.MaxListEntries+1)
			for _, tt := range []struct {
				change       url.Values
				field, error string
			}{
				{url.Values{"link_limit": {fmt.Sprint(policy.MaxLinkLimit + 1)}}, "link_limit", "Enter a whole number from 0 to 100."},
				{url.Values{"link_limit": {"-1"}}, "link_limit", "Enter a whole number from 0 to 100."},
				{url.Values{"link_limit": {"two"}}, "link_limit", "Enter a whole number from 0 to 100."},
				{url.Values{"held_words": {many}}, "held_words", "This list may have at most 500 entries."},
				{url.Values{"held_words": {"fine\n!!!"}}, "held_words", "This list has an entry with no letters or digits"},
				{url.Values{"blocked_words": {"one two three four five six seven eight nine"}}, "blocked_words", "This list&#39;s entries may have at most 8 words"},
				{url.Values{"blocked_words": {strings.Repeat("x", policy.MaxEntryLength+1)}}, "blocked_words", "This list&#39;s entries may have at most 100 characters."},
				{url.Values{"akismet_on_error": {"maybe"}}, "akismet_on_error", "Choose one of the policies."},
				{url.Values{"moderation": {"some"}}, "moderation", "Choose one of the moderation policies."},
			} {
				w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(tt.change)})
				if w.Code != http.StatusBadRequest {
					t.Errorf("%.60v: %d, want 400", tt.change, w.Code)
				}
				fieldError(t, w.Body.String(), tt.field, tt.error)
				if v := tt.change.Get("held_words") + tt.change.Get("blocked_words"); v != "" && !strings.Contains(w.Body.String(), strings.TrimSuffix(v, "\n")) {
					t.Errorf("%.60v: the typed list is not kept", tt.change)
				}
			}
			big := settingsForm(url.Values{"held_words": {strings.Repeat("x", admin.MaxSettingsFormBytes)}})
			if w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: big}); w.Code != http.StatusBadRequest {
				t.Errorf("a form past MaxSettingsFormBytes: %d, want 400", w.Code)
			}

			full := strings.Repeat("jalapeño sauce\n", policy.MaxListEntries)
			w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"moderation": {"guests"},
				"link_limit": {"3"}, "hold_images": {"1"}, "held_words": {full}, "blocked_words": {"casino\r\n\r\n cheap pills \n"},
				"akismet_on_error": {"publish"}})})
			if w.Code != http.StatusSeeOther {
				t.Fatalf("save: %d %s", w.Code, w.Body)
			}
			site, _ := e.st.SiteByID(context.Background(), e.siteA.ID)
			if s := site.Settings; s.Moderation != model.ModerationGuests || s.LinkLimit != 3 || !s.HoldImages ||
				len(s.HeldWords) != policy.MaxListEntries || !slices.Equal(s.BlockedWords, []string{"casino", "cheap pills"}) || s.AkismetOnError != model.AkismetPublish {
				t.Errorf("stored settings %+v", s)
			}
			page := e.do(req{method: "GET", path: path, token: e.ownerTok}).Body.String()
			for _, want := range []string{`value="guests" checked`, `id="link_limit" name="link_limit" type="number" min="0" max="100" required value="3"`,
				`id="hold_images" name="hold_images" type="checkbox" value="1" checked`, "casino\ncheap pills</textarea>", `value="publish" checked`} {
				if !strings.Contains(page, want) {
					t.Errorf("the settings page lacks %q", want)
				}
			}
			// The API applies it: a blocked phrase is spam, a guest is held.
			if c := e.stored(e.postComment("Ann", "Cheap   PILLS here")); c.Status != model.StatusSpam || c.HoldReason != string(policy.ReasonBlockedWord) {
				t.Errorf("blocked phrase: %s (%s)", c.Status, c.HoldReason)
			}
			if c := e.stored(e.postComment("Ann", "Hello")); c.Status != model.StatusPending || c.HoldReason != string(policy.ReasonGuest) {
				t.Errorf("guest under guests: %s (%s)", c.Status, c.HoldReason)
			}
		})
	}
}

// TestSiteAkismetKey: a key is verified with Akismet when saved, a refused
// one is not stored and Akismet's answer is shown next to the field; a
// site's key is used instead of the operator's, and removing it falls back
// to the operator's; the site's failure policy overrides the operator's.
func TestSiteAkismetKey(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			const siteKey = "site0key1234"
			e, s := akismetEnv(t, dialect, siteKey)
			ctx := context.Background()
			path := fmt.Sprintf("/dashboard/sites/%d/settings", e.siteA.ID)
			save := func(change url.Values) int {
				change.Set("moderation", "none")
				return e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(change)}).Code
			}
			// The key each comment-check was sent with, in order.
			keys := func() []string {
				var out []string
				for _, r := range s.Requests() {
					if r.Op == "comment-check" {
						out = append(out, r.Form.Get("api_key"))
					}
				}
				return out
			}

			w := e.do(req{method: "POST", path: path, token: e.ownerTok, form: settingsForm(url.Values{"akismet": {"wrong0key"}})})
			if w.Code != http.StatusBadRequest {
				t.Fatalf("a refused key: %d", w.Code)
			}
			fieldError(t, w.Body.String(), "akismet", "Akismet refused this key: "+akismettest.DebugHelp)
			if key, _ := e.st.AkismetKey(ctx, e.siteA.ID); key != "" {
				t.Errorf("a refused key was stored: %q", key)
			}
			if r := s.Requests()[0]; r.Op != "verify-key" || r.Form.Get("api_key") != "wrong0key" || r.Form.Get("blog") != "https://a.example/" {
				t.Errorf("verify-key request %+v", r)
			}

			// The operator's key: the double refuses it, so the comment is held.
			if save(url.Values{}) != http.StatusSeeOther {
				t.Fatal("save without a key")
			}
			if c := e.stored(e.postComment("Ann", "With the operator's key.")); c.Status != model.StatusPending || c.HoldReason != string(policy.ReasonCheckerFailed) {
				t.Errorf("operator's refused key: %s (%s)", c.Status, c.HoldReason)
			}
			if save(url.Values{"akismet_on_error": {"publish"}}) != http.StatusSeeOther {
				t.Fatal("save the failure policy")
			}
			if c := e.stored(e.postComment("Ann", "Let through.")); c.Status != model.StatusApproved {
				t.Errorf("the site's publish policy: %s (%s)", c.Status, c.HoldReason)
			}
			// The site's key wins; Akismet's answer stands.
			if save(url.Values{"akismet": {siteKey}}) != http.StatusSeeOther {
				t.Fatal("save a valid key")
			}
			if c := e.stored(e.postComment("Ann", "With the site's key.")); c.Status != model.StatusApproved {
				t.Errorf("ham with the site's key: %s (%s)", c.Status, c.HoldReason)
			}
			if c := e.stored(e.postComment(akismettest.SpamAuthor, "Buy.")); c.Status != model.StatusSpam || c.HoldReason != string(policy.ReasonCheckerSpam) {
				t.Errorf("spam with the site's key: %s (%s)", c.Status, c.HoldReason)
			}
			if save(url.Values{"akismet_remove": {"1"}}) != http.StatusSeeOther {
				t.Fatal("remove the key")
			}
			e.postComment("Ann", "Back to the operator's.")
			if want := []string{operatorKey, operatorKey, siteKey, siteKey, operatorKey}; !slices.Equal(keys(), want) {
				t.Errorf("keys sent %v, want %v", keys(), want)
			}
		})
	}
}

// TestAkismetOverridesReported: a moderator marking spam a comment Akismet
// passed sends submit-spam, approving one it called spam sends submit-ham,
// with the comment's fields, once; the approved comment no longer shows
// why it was held. A comment whose IP was purged is not reported.
func TestAkismetOverridesReported(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			const siteKey = "site0key1234"
			e, s := akismetEnv(t, dialect, siteKey)
			ctx := context.Background()
			if err := e.st.SetAkismetKey(ctx, e.siteA.ID, siteKey); err != nil {
				t.Fatal(err)
			}
			e.siteA.Settings.Moderation = model.ModerationNone
			if err := e.st.UpdateSite(ctx, e.siteA); err != nil {
				t.Fatal(err)
			}
			e.dash.SiteChanged(ctx, e.siteA.ID)
			ham, spammy := e.postComment("Ann", "A fine comment."), e.postComment(akismettest.SpamAuthor, "Cheap pills.")
			purged := e.postComment("Ben", "Old and fine.")
			moderate := func(action string, id int64) {
				t.Helper()
				w := e.do(req{method: "POST", path: fmt.Sprintf("/dashboard/sites/%d/moderation", e.siteA.ID), token: e.modTok,
					form: url.Values{"one": {fmt.Sprintf("%s %d", action, id)}}})
				if w.Code != http.StatusSeeOther {
					t.Fatalf("%s %d: %d", action, id, w.Code)
				}
			}
			// reports waits for n submit requests and returns them all.
			reports := func(n int) []akismettest.Request {
				t.Helper()
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					var out []akismettest.Request
					for _, r := range s.Requests() {
						if strings.HasPrefix(r.Op, "submit-") {
							out = append(out, r)
						}
					}
					if len(out) >= n {
						return out
					}
				}
				t.Fatalf("fewer than %d reports reached akismet: %+v", n, s.Requests())
				return nil
			}

			moderate("spam", ham)
			moderate("approve", spammy)
			got := reports(2)
			if got[0].Op != "submit-spam" || got[1].Op != "submit-ham" {
				t.Fatalf("reports %s, %s; want submit-spam, submit-ham", got[0].Op, got[1].Op)
			}
			for i, want := range []map[string]string{
				{"comment_content": "A fine comment.", "comment_author": "Ann"},
				{"comment_content": "Cheap pills.", "comment_author": akismettest.SpamAuthor},
			} {
				want["api_key"], want["blog"], want["permalink"], want["user_ip"] = siteKey, "https://a.example/", "https://a.example/post", "192.0.2.1"
				want["comment_type"], want["is_test"], want["user_agent"] = "comment", "1", "test-agent"
				for k, v := range want {
					if got[i].Form.Get(k) != v {
						t.Errorf("%s: %s=%q, want %q", got[i].Op, k, got[i].Form.Get(k), v)
					}
				}
				if got[i].Form.Get("comment_date_gmt") == "" {
					t.Errorf("%s lacks the comment's date: %v", got[i].Op, got[i].Form)
				}
			}
			if c := e.stored(spammy); c.Status != model.StatusApproved || c.HoldReason != "" {
				t.Errorf("the approved comment: %s, hold reason %q", c.Status, c.HoldReason)
			}

			// Approving it again, and marking spam a comment whose IP was
			// purged, report nothing: the next report is that of a new
			// comment marked spam after them (one worker sends in order).
			moderate("approve", spammy)
			if _, err := e.st.PurgeIPs(ctx, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			moderate("spam", purged)
			moderate("spam", e.postComment("Cy", "After the purge."))
			got = reports(3)
			if len(got) != 3 || got[2].Form.Get("comment_content") != "After the purge." {
				t.Errorf("reports after a repeated approval and a purged IP: %d, the last %v", len(got), got[len(got)-1].Form)
			}
		})
	}
}
