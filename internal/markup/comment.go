package markup

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// The HTML of a stored comment is at most MaxHTMLRatio bytes per byte of
// its markdown, plus HTMLSlack. Prose renders to under 3 bytes per byte;
// links cost about 60 bytes of attributes each, and a quote 27 bytes per
// level, which the slack absorbs for a comment of ordinary length (a reply
// quoting 8 levels deep, a list of links). What reaches the bound is markup
// made to grow: thousands of empty quotes or list items (up to 22 bytes of
// HTML per byte), or of bare email addresses (10 per byte).
const (
	MaxHTMLRatio = 4
	HTMLSlack    = 2048
)

// MaxHTMLBytes is the most HTML a comment of n bytes of markdown may render to.
func MaxHTMLBytes(n int) int { return MaxHTMLRatio*n + HTMLSlack }

// Errors of RenderComment.
var (
	// ErrEmpty: the comment renders to nothing a reader can see, such as
	// "<script>x</script>" or only zero-width spaces.
	ErrEmpty = errors.New("markup: nothing visible")
	// ErrTooLarge: the comment renders to more than MaxHTMLBytes.
	ErrTooLarge = errors.New("markup: too much HTML for the length of the markdown")
)

// RenderComment renders src as Render does and checks that the result is
// fit to store as a comment: it has some visible text (else ErrEmpty) and
// is at most MaxHTMLBytes(len(src)) long (else an error wrapping
// ErrTooLarge that gives both sizes). Nothing is returned with an error:
// the comment is refused, never stored cut short or as something else.
func (r *Renderer) RenderComment(src string) (string, error) {
	return r.checkComment(src, r.Render(src))
}

// checkComment is RenderComment's check of out, the rendering of src.
func (r *Renderer) checkComment(src, out string) (string, error) {
	if limit := MaxHTMLBytes(len(src)); len(out) > limit {
		return "", fmt.Errorf("%w: %d bytes of HTML, at most %d", ErrTooLarge, len(out), limit)
	}
	if !htmlHasVisibleText(out) {
		return "", ErrEmpty
	}
	return out, nil
}

// htmlHasVisibleText reports whether the text of the sanitized HTML out,
// with character references decoded, is Visible, or out shows an image
// (only RenderCommentImages lets one through). Sanitized HTML escapes every
// '<' and '>' outside its tags, attribute values included, so the text is
// what lies between tags; only text with a character reference needs the
// tokenizer (tokenHasVisibleText), whose buffers cost more than the scan.
func htmlHasVisibleText(out string) bool {
	for rest := out; rest != ""; {
		text, tag, found := strings.Cut(rest, "<")
		if strings.IndexByte(text, '&') >= 0 {
			return tokenHasVisibleText(out)
		}
		if Visible(text) {
			return true
		}
		if !found {
			return false
		}
		var closed bool
		if tag, rest, closed = strings.Cut(tag, ">"); !closed {
			return tokenHasVisibleText(out)
		}
		if name, _, _ := strings.Cut(strings.TrimSuffix(tag, "/"), " "); strings.EqualFold(name, "img") {
			return true
		}
	}
	return false
}

// tokenHasVisibleText is htmlHasVisibleText by the HTML tokenizer.
func tokenHasVisibleText(out string) bool {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); string(name) == "img" {
				return true
			}
		case html.TextToken:
			if Visible(string(z.Text())) {
				return true
			}
		}
	}
}

// blankLetters are letters and symbols that fonts draw as nothing; they
// are favourite padding for names and comments that look empty.
var blankLetters = map[rune]bool{
	'\u115F': true, '\u1160': true, '\u3164': true, '\uFFA0': true, // Hangul fillers
	'\u2800': true, // Braille pattern blank
}

// Visible reports whether s has a character a reader can see: a letter,
// number, punctuation mark or symbol (Unicode categories L, N, P, S)
// other than the few that are drawn blank. Spaces, format and control
// characters (zero-width joiners, bidi controls) and combining marks alone
// are not visible.
func Visible(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) && !blankLetters[r] {
			return true
		}
	}
	return false
}
