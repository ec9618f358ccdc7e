package policy

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/model"
)

// settings returns a site's defaults changed by fn.
func settings(fn func(*model.SiteSettings)) model.SiteSettings {
	s := model.DefaultSiteSettings()
	if fn != nil {
		fn(&s)
	}
	return s
}

func mode(m string) func(*model.SiteSettings) {
	return func(s *model.SiteSettings) { s.Moderation = m }
}

func withWords(held, blocked []string) func(*model.SiteSettings) {
	return func(s *model.SiteSettings) { s.HeldWords, s.BlockedWords = held, blocked }
}

func TestDecide(t *testing.T) {
	guest := Facts{Author: Guest, Text: "Nice post.", HTML: "<p>Nice post.</p>"}
	text := func(f Facts, md string) Facts { f.Text, f.HTML = md, "<p>"+md+"</p>"; return f }
	known := guest
	known.PreviouslyApproved = true
	account := Facts{Author: Account, Text: "hi", HTML: "<p>hi</p>"}
	owner := account
	owner.Role = model.RoleOwner
	mod := account
	mod.Role = model.RoleModerator
	op := account
	op.Role = model.RoleOperator
	anon := Facts{Author: Anonymous, Text: "hi", HTML: "<p>hi</p>"}
	edit := guest
	edit.EditOfApproved = true
	spammy := withWords([]string{"casino"}, []string{"cheap pills", "jalape", "viagra"})
	twoLinks := "see https://a.example and https://b.example"
	twoLinksHTML := `<p>see <a href="https://a.example">a</a> and <a href="https://b.example">b</a></p>`
	links := func(f Facts) Facts { f.Text, f.HTML = twoLinks, twoLinksHTML; return f }

	cases := []struct {
		name   string
		set    func(*model.SiteSettings)
		facts  Facts
		status model.Status
		reason Reason
	}{
		// moderation modes alone
		{"none publishes a guest", nil, guest, model.StatusApproved, ReasonPublished},
		{"none publishes anonymous", nil, anon, model.StatusApproved, ReasonPublished},
		{"all holds a guest", mode(model.ModerationAll), guest, model.StatusPending, ReasonHoldAll},
		{"all holds a previously approved guest", mode(model.ModerationAll), known, model.StatusPending, ReasonHoldAll},
		{"all holds an account", mode(model.ModerationAll), account, model.StatusPending, ReasonHoldAll},
		{"all skips an owner", mode(model.ModerationAll), owner, model.StatusApproved, ReasonTrustedRole},
		{"all skips a moderator", mode(model.ModerationAll), mod, model.StatusApproved, ReasonTrustedRole},
		{"all skips the operator", mode(model.ModerationAll), op, model.StatusApproved, ReasonTrustedRole},
		{"first holds a new guest", mode(model.ModerationFirst), guest, model.StatusPending, ReasonFirstComment},
		{"first publishes a previously approved guest", mode(model.ModerationFirst), known, model.StatusApproved, ReasonPreviouslyApproved},
		{"first holds a new account", mode(model.ModerationFirst), account, model.StatusPending, ReasonFirstComment},
		{"first holds anonymous", mode(model.ModerationFirst), anon, model.StatusPending, ReasonFirstComment},
		{"guests holds a guest", mode(model.ModerationGuests), guest, model.StatusPending, ReasonGuest},
		{"guests holds anonymous", mode(model.ModerationGuests), anon, model.StatusPending, ReasonGuest},
		{"guests publishes an account", mode(model.ModerationGuests), account, model.StatusApproved, ReasonPublished},
		{"guests publishes a previously approved guest", mode(model.ModerationGuests), known, model.StatusApproved, ReasonPreviouslyApproved},
		// links
		{"one link passes", nil, text(guest, "see https://a.example"), model.StatusApproved, ReasonPublished},
		{"two bare URLs hold", nil, text(guest, twoLinks), model.StatusPending, ReasonLinks},
		{"two markdown links hold", nil, text(guest, "[a](https://a.example) [b](http://b.example/x)"), model.StatusPending, ReasonLinks},
		{"two www names hold", nil, text(guest, "www.a.example or www.b.example"), model.StatusPending, ReasonLinks},
		{"links in code count", nil, text(guest, "`https://a.example` and `https://b.example`"), model.StatusPending, ReasonLinks},
		{"email links count from the HTML", nil, Facts{Author: Guest, Text: "a@x.example b@x.example", HTML: `<a href="mailto:a@x.example">a</a> <a href="mailto:b@x.example">b</a>`}, model.StatusPending, ReasonLinks},
		{"limit 3 lets two pass", func(s *model.SiteSettings) { s.LinkLimit = 3 }, links(guest), model.StatusApproved, ReasonPublished},
		{"limit 0 turns the rule off", func(s *model.SiteSettings) { s.LinkLimit = 0 }, text(guest, strings.Repeat("https://a.example ", 9)), model.StatusApproved, ReasonPublished},
		{"limit 1 holds one link", func(s *model.SiteSettings) { s.LinkLimit = 1 }, text(guest, "https://a.example"), model.StatusPending, ReasonLinks},
		{"links hold a previously approved guest", nil, links(known), model.StatusPending, ReasonLinks},
		{"links hold an account", nil, links(account), model.StatusPending, ReasonLinks},
		{"links never hold an owner", nil, links(owner), model.StatusApproved, ReasonTrustedRole},
		{"links before first comment", mode(model.ModerationFirst), links(guest), model.StatusPending, ReasonLinks},
		// images
		{"an image passes by default", nil, text(guest, "![cat](https://x.example/cat.png)"), model.StatusApproved, ReasonPublished},
		{"an image holds where images are held", func(s *model.SiteSettings) { s.HoldImages = true }, text(guest, "look ![cat](https://x.example/cat.png)"), model.StatusPending, ReasonImage},
		{"a reference image holds", func(s *model.SiteSettings) { s.HoldImages = true }, text(guest, "![cat][1]\n\n[1]: https://x.example/c.png"), model.StatusPending, ReasonImage},
		{"a link is no image", func(s *model.SiteSettings) { s.HoldImages = true }, text(guest, "[cat](https://x.example/cat.png)"), model.StatusApproved, ReasonPublished},
		// held words
		{"a held word holds", spammy, text(guest, "Best Casino in town"), model.StatusPending, ReasonHeldWord},
		{"a held word in any case", spammy, text(guest, "CASINO!"), model.StatusPending, ReasonHeldWord},
		{"a held word inside another word passes", spammy, text(guest, "casinos and occasional"), model.StatusApproved, ReasonPublished},
		{"a held word holds a previously approved guest", spammy, text(known, "casino"), model.StatusPending, ReasonHeldWord},
		{"a held word never holds a moderator", spammy, text(mod, "casino"), model.StatusApproved, ReasonTrustedRole},
		// blocked words
		{"a blocked word is spam", spammy, text(guest, "buy viagra now"), model.StatusSpam, ReasonBlockedWord},
		{"a blocked phrase is spam", spammy, text(guest, "Cheap   Pills here"), model.StatusSpam, ReasonBlockedWord},
		{"a blocked phrase across a line break and punctuation", spammy, text(guest, "cheap\n-pills"), model.StatusSpam, ReasonBlockedWord},
		{"half a blocked phrase passes", spammy, text(guest, "cheap flights, no pills"), model.StatusApproved, ReasonPublished},
		{"jalapeño does not match jalape", spammy, text(guest, "I love jalapeño peppers"), model.StatusApproved, ReasonPublished},
		{"jalapeño decomposed does not match jalape", spammy, text(guest, "jalapen\u0303o"), model.StatusApproved, ReasonPublished},
		{"jalape alone matches", spammy, text(guest, "¡jalape!"), model.StatusSpam, ReasonBlockedWord},
		{"a blocked word in a URL is spam", spammy, text(guest, "https://viagra.example"), model.StatusSpam, ReasonBlockedWord},
		{"a blocked word beats previously approved", spammy, text(known, "viagra"), model.StatusSpam, ReasonBlockedWord},
		{"a blocked word beats moderation all", func(s *model.SiteSettings) { spammy(s); s.Moderation = model.ModerationAll }, text(guest, "viagra"), model.StatusSpam, ReasonBlockedWord},
		{"a blocked word beats links", spammy, text(guest, twoLinks+" viagra"), model.StatusSpam, ReasonBlockedWord},
		{"an owner may write a blocked word", spammy, text(owner, "viagra"), model.StatusApproved, ReasonTrustedRole},
		{"Unicode case folding", withWords(nil, []string{"straße"}), text(guest, "STRASSE"), model.StatusSpam, ReasonBlockedWord},
		{"Cyrillic words", withWords(nil, []string{"казино"}), text(guest, "Лучшее КАЗИНО"), model.StatusSpam, ReasonBlockedWord},
		// edits after approval
		{"an edit of an approved comment stays published", mode(model.ModerationFirst), edit, model.StatusApproved, ReasonPreviouslyApproved},
		{"an edit adding links is held", nil, links(edit), model.StatusPending, ReasonLinks},
		{"an edit adding a held word is held", spammy, text(edit, "casino"), model.StatusPending, ReasonHeldWord},
		{"an edit adding a blocked word is spam", spammy, text(edit, "viagra"), model.StatusSpam, ReasonBlockedWord},
		{"an edit under moderation all is held", mode(model.ModerationAll), edit, model.StatusPending, ReasonHoldAll},
		{"an edit by a guest under guests stays published", mode(model.ModerationGuests), edit, model.StatusApproved, ReasonPreviouslyApproved},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Decide(settings(c.set), c.facts)
			if got.Status != c.status || got.Reason != c.reason {
				t.Errorf("Decide = %s (%s), want %s (%s)", got.Status, got.Reason, c.status, c.reason)
			}
			if Sentence(string(got.Reason)) == "" {
				t.Errorf("reason %s has no sentence", got.Reason)
			}
		})
	}
}

// TestSameNameAnotherEmail: the policy knows no names; a new guest who types
// the name of a previously approved one is a new guest, since the caller
// proves identity by verified email only.
func TestSameNameAnotherEmail(t *testing.T) {
	set := settings(mode(model.ModerationFirst))
	approved := Decide(set, Facts{Author: Guest, PreviouslyApproved: true, Text: "Ann here", HTML: "<p>Ann here</p>"})
	stranger := Decide(set, Facts{Author: Guest, Text: "Ann here", HTML: "<p>Ann here</p>"})
	if approved.Status != model.StatusApproved || stranger.Status != model.StatusPending {
		t.Errorf("previously approved %s, same name with another email %s", approved.Status, stranger.Status)
	}
}

func TestCheck(t *testing.T) {
	long := strings.Repeat("a", MaxEntryLength+1)
	many := make([]string, MaxListEntries+1)
	for i := range many {
		many[i] = "w"
	}
	cases := []struct {
		name  string
		set   func(*model.SiteSettings)
		field string
	}{
		{"defaults", nil, ""},
		{"guests mode", mode(model.ModerationGuests), ""},
		{"unknown mode", mode("some"), "moderation"},
		{"negative link limit", func(s *model.SiteSettings) { s.LinkLimit = -1 }, "linkLimit"},
		{"link limit past the maximum", func(s *model.SiteSettings) { s.LinkLimit = MaxLinkLimit + 1 }, "linkLimit"},
		{"link limit at the maximum", func(s *model.SiteSettings) { s.LinkLimit = MaxLinkLimit }, ""},
		{"an entry of punctuation", withWords([]string{"!!"}, nil), "heldWords"},
		{"an entry too long", withWords(nil, []string{long}), "blockedWords"},
		{"a phrase of too many words", withWords(nil, []string{strings.Repeat("w ", MaxPhraseTokens+1)}), "blockedWords"},
		{"too many entries", withWords(many, nil), "heldWords"},
		{"as many entries as allowed", withWords(many[1:], nil), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Check(settings(c.set))
			switch {
			case c.field == "" && len(got) > 0:
				t.Errorf("Check = %v, want nothing", got)
			case c.field != "" && (len(got) != 1 || got[0].Field != c.field):
				t.Errorf("Check = %v, want one problem with %s", got, c.field)
			}
		})
	}
}

func FuzzDecide(f *testing.F) {
	f.Add("jalapeño https://x.example ![a](b)", "cheap pills")
	f.Fuzz(func(t *testing.T, text, word string) {
		set := settings(withWords(nil, []string{word}))
		d := Decide(set, Facts{Author: Guest, Text: text})
		if !d.Status.Valid() || Sentence(string(d.Reason)) == "" {
			t.Fatalf("Decide = %+v", d)
		}
	})
}

func BenchmarkDecide(b *testing.B) {
	words := make([]string, MaxListEntries)
	for i := range words {
		words[i] = "word" + strings.Repeat("x", i%20) + " phrase"
	}
	set := settings(withWords(words, words))
	text := strings.Repeat("Some ordinary comment text with https://example.org links. ", 160)
	for b.Loop() {
		Decide(set, Facts{Author: Guest, Text: text})
	}
}
