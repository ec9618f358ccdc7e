package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/model"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits of a site's word lists (model.SiteSettings HeldWords and
// BlockedWords), checked by ValidateWords.
const (
	MaxListEntries  = 500 // entries in one list
	MaxEntryLength  = 100 // characters in one entry
	MaxPhraseTokens = 8   // words in one entry
	MaxLinkLimit    = 100 // the highest LinkLimit; 0 turns the rule off
)

// tokens splits text into its words, compared case-insensitively: runs of
// letters, digits and combining marks after NFC normalization and Unicode
// case folding. Everything else (spaces, punctuation, symbols) is an edge,
// so "jalapeño" is one word, never "jalape" followed by something.
func tokens(text string) []string {
	// A Caser keeps state, so each call makes its own.
	text = cases.Fold().String(norm.NFC.String(text))
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// text is a comment's words, with where each word occurs, so that an entry
// is looked up rather than searched for.
type text struct {
	words []string
	at    map[string][]int
}

func newText(s string) text {
	t := text{words: tokens(s), at: map[string][]int{}}
	for i, w := range t.words {
		t.at[w] = append(t.at[w], i)
	}
	return t
}

// matchAny reports whether one of the entries, each a word or a phrase of
// several, appears in the text as whole words in a row.
func (t text) matchAny(entries []string) bool {
	for _, e := range entries {
		phrase := tokens(e)
		if len(phrase) == 0 {
			continue
		}
		for _, i := range t.at[phrase[0]] {
			if i+len(phrase) <= len(t.words) && slices.Equal(t.words[i:i+len(phrase)], phrase) {
				return true
			}
		}
	}
	return false
}

// Problem is one invalid setting: the JSON name of the field and why.
type Problem struct{ Field, Message string }

// Check validates the policy settings of a site and returns what is wrong,
// nothing when they are valid.
func Check(set model.SiteSettings) []Problem {
	var out []Problem
	switch set.Moderation {
	case model.ModerationNone, model.ModerationFirst, model.ModerationGuests, model.ModerationAll:
	default:
		out = append(out, Problem{"moderation", "moderation must be none, first, guests or all"})
	}
	if set.LinkLimit < 0 || set.LinkLimit > MaxLinkLimit {
		out = append(out, Problem{"linkLimit", fmt.Sprintf("linkLimit must be 0 (no limit) to %d", MaxLinkLimit)})
	}
	for field, list := range map[string][]string{"heldWords": set.HeldWords, "blockedWords": set.BlockedWords} {
		if msg := checkList(list); msg != "" {
			out = append(out, Problem{field, field + " " + msg})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func checkList(list []string) string {
	if len(list) > MaxListEntries {
		return fmt.Sprintf("may have at most %d entries", MaxListEntries)
	}
	for _, e := range list {
		switch n := len(tokens(e)); {
		case n == 0:
			return fmt.Sprintf("has an entry with no letters or digits: %q", e)
		case n > MaxPhraseTokens:
			return fmt.Sprintf("entries may have at most %d words: %q", MaxPhraseTokens, e)
		case utf8.RuneCountInString(e) > MaxEntryLength:
			return fmt.Sprintf("entries may have at most %d characters", MaxEntryLength)
		}
	}
	return ""
}
