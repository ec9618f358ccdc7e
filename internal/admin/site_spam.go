package admin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/policy"
	"github.com/parleyhq/parley/internal/spam"
	"github.com/parleyhq/parley/internal/store"
)

// MaxSettingsFormBytes bounds the body of the settings form: two full word
// lists (policy.MaxListEntries entries of policy.MaxEntryLength characters,
// up to 4 bytes each) and the rest of the form fit.
const MaxSettingsFormBytes = 2*policy.MaxListEntries*(policy.MaxEntryLength*4+2) + MaxFormBytes

// akismetOnErrorOptions are the choices of a site's Akismet failure policy;
// "" follows the operator's PARLEY_AKISMET_ON_ERROR.
var akismetOnErrorOptions = []option{{"", "As the server's default"},
	{model.AkismetHold, "Hold the comment for review"}, {model.AkismetPublish, "Let the site's rules decide alone"}}

// spamForm is the spam part of the settings form, as typed.
type spamForm struct {
	LinkLimit               string
	HoldImages              bool
	HeldWords, BlockedWords string // one entry a line
	AkismetOnError          string
	ProofOfWork, Difficulty string // site_pow.go
}

func spamFormOf(s model.SiteSettings) spamForm {
	f := spamForm{LinkLimit: strconv.Itoa(s.LinkLimit), HoldImages: s.HoldImages, HeldWords: strings.Join(s.HeldWords, "\n"),
		BlockedWords: strings.Join(s.BlockedWords, "\n"), AkismetOnError: s.AkismetOnError}
	f.ProofOfWork, f.Difficulty = powFormOf(s)
	return f
}

func typedSpamForm(f url.Values) spamForm {
	return spamForm{LinkLimit: f.Get("link_limit"), HoldImages: f.Get("hold_images") != "", HeldWords: f.Get("held_words"),
		BlockedWords: f.Get("blocked_words"), AkismetOnError: f.Get("akismet_on_error"),
		ProofOfWork: f.Get("proof_of_work"), Difficulty: f.Get("pow_difficulty")}
}

// spamFields are the form's names of policy.Check's fields.
var spamFields = map[string]string{"moderation": "moderation", "linkLimit": "link_limit", "heldWords": "held_words", "blockedWords": "blocked_words"}

// readSpamSettings reads the posted spam policy over s and checks it with
// policy.Check, putting each mistake in problems under its field's name.
func readSpamSettings(f url.Values, s model.SiteSettings, problems map[string]string) model.SiteSettings {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get("link_limit")))
	if err != nil {
		problems["link_limit"] = fmt.Sprintf("Enter a whole number from 0 to %d.", policy.MaxLinkLimit)
	}
	s.LinkLimit, s.HoldImages = n, f.Get("hold_images") != ""
	s.HeldWords, s.BlockedWords = wordLines(f.Get("held_words")), wordLines(f.Get("blocked_words"))
	for _, p := range policy.Check(s) {
		if name := spamFields[p.Field]; problems[name] == "" {
			problems[name] = spamMessage(p)
		}
	}
	switch s.AkismetOnError = f.Get("akismet_on_error"); s.AkismetOnError {
	case "", model.AkismetHold, model.AkismetPublish:
	default:
		problems["akismet_on_error"] = "Choose one of the policies."
	}
	return readProofOfWork(f, s, problems)
}

// spamMessage is a policy problem as the form says it, next to its field.
func spamMessage(p policy.Problem) string {
	switch p.Field {
	case "moderation":
		return "Choose one of the moderation policies."
	case "linkLimit":
		return fmt.Sprintf("Enter a whole number from 0 to %d.", policy.MaxLinkLimit)
	}
	_, why, _ := strings.Cut(p.Message, " ") // "heldWords may have…" → "may have…"
	if strings.HasPrefix(why, "entries ") {
		return "This list's " + why + "."
	}
	return "This list " + why + "."
}

// wordLines is a textarea's entries, one a line, blank lines skipped.
func wordLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// akismetProblem returns what to show next to the Akismet key field: ""
// for no key or a key Akismet accepts for site (verify-key), else why not.
func (h *Handler) akismetProblem(ctx context.Context, site *model.Site, key string) string {
	switch {
	case len(key) > MaxAkismetKeyLength || strings.ContainsFunc(key, func(c rune) bool { return !isAlnum(c) }):
		return fmt.Sprintf("An Akismet key is letters and digits, at most %d.", MaxAkismetKeyLength)
	case key == "":
		return ""
	}
	err := h.Comments.VerifyAkismetKey(ctx, site, key)
	var refused *spam.KeyError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &refused):
		return "Akismet refused this key: " + refused.Help
	case errors.Is(err, comment.ErrNoAkismet):
		return "This server cannot check keys with Akismet; the key was not saved."
	}
	h.Log.Warn("akismet key not verified", "err", err, "site_id", site.ID)
	return "Akismet could not be asked whether this key is valid; the key was not saved. Try again later."
}

// wordsField is a word list as site_settings.html's "words" shows it.
type wordsField struct {
	Name, Label, Value, Hint, Error string
	Entries, EntryLength            int
}

func init() {
	funcs["words"] = func(name, label, value, hint string, limits map[string]int, problem string) wordsField {
		return wordsField{name, label, value, hint, problem, limits["Entries"], limits["EntryLength"]}
	}
}

// reportOverrides hands the comments a moderator just approved or marked
// spam to the comment service, which tells the spam checker, in the
// background, where it was wrong (comment.Service.ReportOverrides).
func (h *Handler) reportOverrides(site *model.Site, action string, ids []int64) {
	switch action {
	case store.ActionApprove:
		h.Comments.ReportOverrides(site, model.StatusApproved, ids)
	case store.ActionSpam:
		h.Comments.ReportOverrides(site, model.StatusSpam, ids)
	}
}
