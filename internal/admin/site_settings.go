package admin

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/captcha"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/store"
)

// MaxAkismetKeyLength bounds an Akismet API key (Akismet's are 12
// characters; longer ones are refused as mistakes).
const MaxAkismetKeyLength = 64

// option is one choice of a select or a group of radio buttons.
type option struct{ Value, Label string }

var (
	moderationOptions = []option{{model.ModerationNone, "Publish at once"},
		{model.ModerationFirst, "Hold each commenter's first comment"},
		{model.ModerationGuests, "Hold comments of guests and anonymous commenters"}, {model.ModerationAll, "Hold every comment"}}
	sortOptions = []option{{store.SortOldest, "Oldest first"}, {store.SortNewest, "Newest first"}, {store.SortTop, "Top rated first"}}
)

// settingsForm is the settings form as typed, shown again after a mistake.
type settingsForm struct {
	Logins                                       map[string]bool
	RequireEmail, Voting, Uploads                bool
	Moderation, DefaultSort                      string
	MaxLength, EditMinutes, MaxDepth, ClosedDays string
	IPDays                                       string // the site's IP retention (site_ip_retention.go)
	Origins                                      string
	Spam                                         spamForm
}

// settingsData is what site_settings.html shows.
type settingsData struct {
	frame
	Site        *model.Site
	Form        settingsForm
	Fields      map[string]string
	Saved       bool
	Providers   []string
	Moderations []option
	Sorts       []option
	OnErrors    []option // Akismet's failure policies
	Pows        []option // proof-of-work choices
	Limits      map[string]int
	Akismet     string // the stored key masked, "" when none
	SSO         bool   // the site has an SSO secret
	SSOSecret   string // shown on request (?show=sso) only
}

// settingsPage serves GET /dashboard/sites/{site}/settings (?show=sso
// also shows the SSO secret; ?saved=1 says the form was saved).
func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	d := h.newSettingsData(u, a.Site, formOf(a.Site))
	d.Saved = r.URL.Query().Get("saved") == "1"
	h.showSettings(w, r, d, r.URL.Query().Get("show") == "sso", http.StatusOK)
}

func (h *Handler) newSettingsData(u *model.User, site *model.Site, f settingsForm) settingsData {
	return settingsData{frame: frame{site.Host + " settings", u}, Site: site, Form: f, Fields: map[string]string{},
		Providers: h.Providers, Moderations: moderationOptions, Sorts: sortOptions, OnErrors: akismetOnErrorOptions, Pows: powOptions, Limits: map[string]int{
			"MaxLength": model.MaxCommentLengthLimit, "EditMinutes": model.MaxEditWindowSeconds / 60,
			"MaxDepth": model.MaxNestingDepth, "ClosedDays": model.MaxClosedAfterDays,
			"LinkLimit": policy.MaxLinkLimit, "PowMin": captcha.MinDifficulty, "PowMax": captcha.MaxDifficulty, "Entries": policy.MaxListEntries, "EntryLength": policy.MaxEntryLength,
			"IPDays": h.maxIPDays()}}
}

// showSettings adds the stored secrets' state to d and renders it.
func (h *Handler) showSettings(w http.ResponseWriter, r *http.Request, d settingsData, showSSO bool, status int) {
	key, err := h.Store.AkismetKey(r.Context(), d.Site.ID)
	if err != nil {
		h.fail(w, r, d.Account, "read akismet key", err)
		return
	}
	d.Akismet = mask(key)
	secret, err := h.Store.SSOSecret(r.Context(), d.Site.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, d.Account, "read sso secret", err)
		return
	}
	d.SSO = err == nil
	if showSSO {
		d.SSOSecret = secret
	}
	h.render(w, r, status, "site_settings", d)
}

// mask shows the last four characters of a secret, "" for none.
func mask(secret string) string {
	if len(secret) <= 4 {
		return strings.Repeat("•", len(secret))
	}
	return strings.Repeat("•", 8) + secret[len(secret)-4:]
}

// formOf is the settings form of a site as stored.
func formOf(site *model.Site) settingsForm {
	s := site.Settings
	f := settingsForm{Logins: map[string]bool{model.LoginAnonymous: s.AllowAnonymous}, RequireEmail: s.RequireEmail, Voting: s.Voting,
		Uploads: s.Uploads, Moderation: s.Moderation, DefaultSort: cmp.Or(s.DefaultSort, store.SortOldest), MaxLength: strconv.Itoa(s.MaxLength),
		EditMinutes: strconv.Itoa(s.EditWindowSeconds / 60), MaxDepth: strconv.Itoa(s.MaxDepth),
		ClosedDays: strconv.Itoa(s.ClosedAfterDays), Origins: strings.Join(site.Origins, "\n"), Spam: spamFormOf(s),
		IPDays: strconv.Itoa(s.IPRetentionDays)}
	for _, m := range s.Logins() {
		f.Logins[m] = true
	}
	return f
}

// settingsSubmit serves POST /dashboard/sites/{site}/settings: every field
// is validated, each mistake shown next to its field; the site is saved
// only when all are right, and the API sees the change at once.
func (h *Handler) settingsSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	if !h.parseFormMax(w, r, u, MaxSettingsFormBytes) {
		return
	}
	f := r.PostForm
	d := h.newSettingsData(u, a.Site, typedForm(f))
	site := *a.Site
	site.Settings = h.readSettings(f, site.Settings, d.Fields)
	origins, err := parseOrigins(f.Get("origins"), &site)
	if err != nil {
		d.Fields["origins"] = err.Error()
	}
	site.Origins = origins
	key := strings.TrimSpace(f.Get("akismet"))
	if msg := h.akismetProblem(r.Context(), a.Site, key); msg != "" {
		d.Fields["akismet"] = msg
	}
	if len(d.Fields) > 0 {
		h.showSettings(w, r, d, false, http.StatusBadRequest)
		return
	}
	if err := h.saveSettings(r, &site, key, f.Get("akismet_remove") != ""); err != nil {
		h.fail(w, r, u, "save settings", err)
		return
	}
	h.SiteChanged(r.Context(), site.ID)
	http.Redirect(w, r, siteURL(site.ID)+"/settings?saved=1", http.StatusSeeOther)
}

// saveSettings stores the site and, when one was typed or its removal
// ticked, the Akismet key.
func (h *Handler) saveSettings(r *http.Request, site *model.Site, key string, remove bool) error {
	if err := h.Store.UpdateSite(r.Context(), site); err != nil {
		return err
	}
	if key != "" || remove {
		return h.Store.SetAkismetKey(r.Context(), site.ID, key)
	}
	return nil
}

func isAlnum(c rune) bool {
	return c < 128 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
}

// typedForm is the posted form as typed.
func typedForm(f url.Values) settingsForm {
	tf := settingsForm{Logins: map[string]bool{}, RequireEmail: f.Get("require_email") != "", Voting: f.Get("voting") != "",
		Uploads: f.Get("uploads") != "", Moderation: f.Get("moderation"), DefaultSort: f.Get("default_sort"), MaxLength: f.Get("max_length"),
		EditMinutes: f.Get("edit_minutes"), MaxDepth: f.Get("max_depth"), ClosedDays: f.Get("closed_days"), Origins: f.Get("origins"),
		Spam: typedSpamForm(f), IPDays: f.Get("ip_days")}
	for _, m := range f["login"] {
		tf.Logins[m] = true
	}
	return tf
}

// readSettings reads the posted settings over s, putting each mistake in
// problems under its field's name.
func (h *Handler) readSettings(f url.Values, s model.SiteSettings, problems map[string]string) model.SiteSettings {
	methods, anonymous, err := model.ParseLogins(f["login"], h.Providers)
	switch {
	case errors.Is(err, model.ErrLoginsEmpty):
		problems["login"] = "Choose guest, local accounts or a provider; anonymous comments need guest too."
	case err != nil:
		problems["login"] = "Choose among the methods listed."
	}
	s.LoginMethods, s.AllowAnonymous = methods, anonymous
	s.RequireEmail, s.Voting, s.Uploads = f.Get("require_email") != "", f.Get("voting") != "", f.Get("uploads") != ""
	s.Moderation = f.Get("moderation") // checked with the spam policy (readSpamSettings)
	if s.DefaultSort = f.Get("default_sort"); !slices.ContainsFunc(sortOptions, func(o option) bool { return o.Value == s.DefaultSort }) {
		problems["default_sort"] = "Choose one of the sort orders."
	}
	s.MaxLength = intField(f, "max_length", 1, model.MaxCommentLengthLimit, problems)
	s.EditWindowSeconds = 60 * intField(f, "edit_minutes", 0, model.MaxEditWindowSeconds/60, problems)
	s.MaxDepth = intField(f, "max_depth", 1, model.MaxNestingDepth, problems)
	s.ClosedAfterDays = intField(f, "closed_days", 0, model.MaxClosedAfterDays, problems)
	s.IPRetentionDays = h.readIPDays(f, problems)
	return readSpamSettings(f, s, problems)
}

// intField reads a whole number from min to max, or notes the mistake.
func intField(f url.Values, name string, min, max int, problems map[string]string) int {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
	if err != nil || n < min || n > max {
		problems[name] = fmt.Sprintf("Enter a whole number from %d to %d.", min, max)
	}
	return n
}

// ssoSubmit serves POST /dashboard/sites/{site}/settings/sso with
// action=generate (a secret if there is none), rotate (a new one: tokens
// signed with the old one stop working) or remove (site SSO off), as
// `parley site sso` does; it goes back to the settings, showing the new
// secret after generate and rotate.
func (h *Handler) ssoSubmit(w http.ResponseWriter, r *http.Request, u *model.User) {
	a, ok := h.manage(w, r, u)
	if !ok {
		return
	}
	back := siteURL(a.Site.ID) + "/settings"
	if !h.parseForm(w, r, u) {
		return
	}
	var err error
	switch r.PostForm.Get("action") {
	case "generate", "rotate":
		_, err = auth.SiteSSOSecret(r.Context(), h.Store, a.Site.ID, r.PostForm.Get("action") == "rotate")
		back += "?show=sso#sso"
	case "remove":
		err = h.Store.DeleteSSOSecret(r.Context(), a.Site.ID)
		back += "#sso"
	default:
		h.render(w, r, http.StatusBadRequest, "message", messageData{frame{"Bad request", u}, "action must be generate, rotate or remove."})
		return
	}
	if err != nil {
		h.fail(w, r, u, "sso secret", err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// numberField is a number input as site_settings.html's "number" shows it.
type numberField struct {
	Name, Label, Value string
	Min, Max           int
	Hint, Error        string
}

func init() {
	funcs["field"] = func(name, label, value string, min, max int, hint, problem string) numberField {
		if hint == "" {
			hint = fmt.Sprintf("From %d to %d.", min, max)
		}
		return numberField{name, label, value, min, max, hint, problem}
	}
}
