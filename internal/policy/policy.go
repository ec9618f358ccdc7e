package policy

import (
	"regexp"
	"strings"

	"github.com/parleyhq/parley/internal/model"
)

// AuthorKind is how a comment's author identified themselves.
type AuthorKind int

// The kinds of author.
const (
	Anonymous AuthorKind = iota // no name, no account
	Guest                       // a name and perhaps an email, no account
	Account                     // signed in
)

// Facts are what the caller knows of a comment and its author.
type Facts struct {
	Author AuthorKind
	// Role is the author's role on the site (model.RoleOwner,
	// model.RoleModerator) or on the instance (model.RoleOperator); any
	// other value is an ordinary commenter.
	Role model.Role
	// PreviouslyApproved is true only for a proven identity with an
	// approved comment on the site: an account, a verified guest email, or
	// (EditOfApproved) the holder of the comment's edit token.
	PreviouslyApproved bool
	// EditOfApproved marks a new text for a comment that was approved.
	EditOfApproved bool
	Text           string // the markdown source
	HTML           string // its sanitized rendering
}

// Decision is the status a comment gets and why.
type Decision struct {
	Status model.Status // StatusApproved, StatusPending or StatusSpam
	Reason Reason
}

// Reason is a stable code saying why a comment got its status; it is
// stored as the comment's hold reason when the comment is not published.
type Reason string

// The reasons, in the order the rules are tried (Decide).
const (
	ReasonTrustedRole        Reason = "trusted_role"        // published: an owner, moderator or operator wrote it
	ReasonBlockedWord        Reason = "blocked_word"        // spam: a blocked word or phrase
	ReasonHoldAll            Reason = "moderation_all"      // held: the site holds every comment
	ReasonLinks              Reason = "links"               // held: LinkLimit links or more
	ReasonImage              Reason = "image"               // held: an image, where HoldImages
	ReasonHeldWord           Reason = "held_word"           // held: a held word or phrase
	ReasonFirstComment       Reason = "first_comment"       // held: not a proven commenter with an approved comment
	ReasonGuest              Reason = "guest"               // held: a guest or anonymous comment, where the site holds those
	ReasonPreviouslyApproved Reason = "previously_approved" // published: a proven author with an approved comment, where the site holds first or guest comments
	ReasonPublished          Reason = "published"           // published: no rule held it
)

// The reasons of a spam checker (internal/spam) that the comment service
// asks after the policy: the policy does not give them, but they are
// stored and shown as the policy's are.
const (
	ReasonCheckerSpam    Reason = "checker_spam"    // spam: the checker said so
	ReasonCheckerDiscard Reason = "checker_discard" // spam: the checker said it is blatant
	ReasonCheckerFailed  Reason = "checker_failed"  // held: the checker did not answer, and the operator holds such comments
)

// sentences are the reasons in words, for moderators.
var sentences = map[Reason]string{
	ReasonTrustedRole:        "its author is an owner or moderator of the site",
	ReasonBlockedWord:        "it contains a word or phrase of the site's blocked list",
	ReasonHoldAll:            "the site holds every comment for review",
	ReasonLinks:              "it has as many links as the site's limit, or more",
	ReasonImage:              "it contains an image",
	ReasonHeldWord:           "it contains a word or phrase of the site's held list",
	ReasonFirstComment:       "it is the first comment of its author, or its author's identity is not proven",
	ReasonGuest:              "the site holds comments of guests and anonymous commenters",
	ReasonPreviouslyApproved: "its author has an approved comment on the site",
	ReasonPublished:          "no rule of the site holds it",
	ReasonCheckerSpam:        "Akismet said it is spam",
	ReasonCheckerDiscard:     "Akismet said it is blatant spam",
	ReasonCheckerFailed:      "Akismet could not be asked; it waits for a person to look",
}

// Sentence returns the reason in words, "" for an unknown code.
func Sentence(code string) string { return sentences[Reason(code)] }

// Decide applies the site's policy to a comment. The rules, first match
// wins:
//
//  1. an owner, moderator or operator is published, whatever it says;
//  2. a blocked word or phrase makes it spam, whoever wrote it;
//  3. moderation "all" holds it (an edit of an approved comment too);
//  4. LinkLimit or more links, an image (HoldImages) or a held word hold
//     it, previously approved authors included;
//  5. moderation "first" holds it unless the author is PreviouslyApproved,
//     and "guests" holds a guest's or anonymous comment unless so;
//  6. anything else is published.
func Decide(set model.SiteSettings, f Facts) Decision {
	if trusted(f.Role) {
		return Decision{model.StatusApproved, ReasonTrustedRole}
	}
	// The text is split into words only for a site with word lists.
	var words *text
	match := func(entries []string) bool {
		if len(entries) == 0 {
			return false
		}
		if words == nil {
			t := newText(f.Text)
			words = &t
		}
		return words.matchAny(entries)
	}
	if match(set.BlockedWords) {
		return Decision{model.StatusSpam, ReasonBlockedWord}
	}
	if set.Moderation == model.ModerationAll {
		return held(ReasonHoldAll)
	}
	if set.LinkLimit > 0 && CountLinks(f.Text, f.HTML) >= set.LinkLimit {
		return held(ReasonLinks)
	}
	if set.HoldImages && HasImage(f.Text, f.HTML) {
		return held(ReasonImage)
	}
	if match(set.HeldWords) {
		return held(ReasonHeldWord)
	}
	proven := f.PreviouslyApproved || f.EditOfApproved
	switch {
	case set.Moderation == model.ModerationFirst && !proven:
		return held(ReasonFirstComment)
	case set.Moderation == model.ModerationGuests && f.Author != Account && !proven:
		return held(ReasonGuest)
	case proven && set.Moderation != model.ModerationNone:
		return Decision{model.StatusApproved, ReasonPreviouslyApproved}
	}
	return Decision{model.StatusApproved, ReasonPublished}
}

func held(r Reason) Decision { return Decision{model.StatusPending, r} }

func trusted(r model.Role) bool {
	return r == model.RoleOwner || r == model.RoleModerator || r == model.RoleOperator
}

// bareURL finds URLs in the source, wherever they are: in markdown links,
// autolinks, bare, and in code, where they are not clickable but still
// advertise.
var bareURL = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s<>"'()\[\]]+|\bwww\.[^\s<>"'()\[\]]+\.[^\s<>"'()\[\]]+`)

// anchor finds links in the rendered HTML.
var anchor = regexp.MustCompile(`(?i)<a\s[^>]*href=`)

// CountLinks counts the links of a comment: the larger of the URLs in its
// markdown source (markdown links, <autolinks>, bare URLs and www. names,
// also inside code) and the links of its HTML (which adds email links), so
// that one link is never counted twice.
func CountLinks(text, html string) int {
	return max(len(bareURL.FindAllStringIndex(text, -1)), len(anchor.FindAllStringIndex(html, -1)))
}

// image finds markdown images, inline ![alt](url) and by reference
// ![alt][ref]. The renderer shows them as links (nothing is loaded), but an
// image in a comment is still what the rule is about.
var image = regexp.MustCompile(`!\[[^\]\n]*\]\s?[(\[]`)

// HasImage reports whether the comment has an image in its markdown, or an
// img element in its HTML (which the renderer never writes today).
func HasImage(text, html string) bool {
	return image.MatchString(text) || strings.Contains(strings.ToLower(html), "<img")
}
