package comment

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/markup"
)

// Limits of guest fields.
const (
	MaxNameLength    = 100
	MaxEmailLength   = 254
	MaxWebsiteLength = 2048
	MaxPathLength    = 512 // bytes: every path a read names may become a page row
	MaxTitleLength   = 300
)

// Author is a guest author as typed into the widget.
type Author struct {
	Name    string
	Email   string
	Website string
}

// ValidateText checks comment markdown against the site's maximum length
// (in characters) and returns it with surrounding blank space trimmed.
func ValidateText(text string, maxLength int) (string, error) {
	text = strings.TrimSpace(cleanText(text))
	if text == "" {
		return "", fieldErr("text", "the comment is empty")
	}
	if !utf8.ValidString(text) {
		return "", fieldErr("text", "the comment is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n > maxLength {
		return "", fieldErr("text", fmt.Sprintf("the comment has %d characters; the maximum is %d", n, maxLength))
	}
	return text, nil
}

// ValidatePath checks a page path: it starts with /, is at most
// MaxPathLength bytes and has no control characters.
func ValidatePath(path string) error {
	switch {
	case path == "":
		return fieldErr("path", "path is required")
	case !strings.HasPrefix(path, "/"):
		return fieldErr("path", "path must start with /")
	case len(path) > MaxPathLength:
		return fieldErr("path", fmt.Sprintf("path is longer than %d bytes", MaxPathLength))
	case !utf8.ValidString(path) || strings.IndexFunc(path, unicode.IsControl) >= 0:
		return fieldErr("path", "path has invalid characters")
	}
	return nil
}

// validateAuthor normalises and checks a guest author under the site's
// rules. A name loses its format characters (see stripFormat); one that
// had characters but has nothing visible left is refused, also on sites
// that allow anonymous comments: its writer meant to give a name.
func validateAuthor(a Author, requireEmail, allowAnonymous bool) (Author, error) {
	typed := a.Name
	a.Name = strings.Join(strings.Fields(stripFormat(stripControl(a.Name))), " ")
	a.Email = strings.TrimSpace(a.Email)
	a.Website = strings.TrimSpace(a.Website)
	switch {
	case strings.TrimSpace(typed) != "" && !markup.Visible(a.Name):
		return a, fieldErr("author.name", "the name has no visible characters")
	case a.Name == "" && !allowAnonymous:
		return a, fieldErr("author.name", "your name is required")
	case utf8.RuneCountInString(a.Name) > MaxNameLength:
		return a, fieldErr("author.name", fmt.Sprintf("the name is longer than %d characters", MaxNameLength))
	}
	if a.Email == "" && requireEmail {
		return a, fieldErr("author.email", "this site requires an email address")
	}
	if a.Email != "" && !ValidEmail(a.Email) {
		return a, fieldErr("author.email", "this is not a valid email address")
	}
	if a.Website != "" {
		w, err := normalizeWebsite(a.Website)
		if err != nil {
			return a, err
		}
		a.Website = w
	}
	return a, nil
}

// ValidEmail reports whether email is an address a guest could give: a
// plain addr-spec of at most MaxEmailLength bytes with a dotted domain.
func ValidEmail(email string) bool {
	if len(email) > MaxEmailLength {
		return false
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return false
	}
	_, domain, ok := strings.Cut(email, "@")
	return ok && strings.Contains(domain, ".") && !strings.ContainsAny(email, " <>\"")
}

func normalizeWebsite(raw string) (string, error) {
	if len(raw) > MaxWebsiteLength {
		return "", fieldErr("author.website", fmt.Sprintf("the website address is longer than %d characters", MaxWebsiteLength))
	}
	if strings.IndexFunc(raw, isFormat) >= 0 {
		// A hidden character in a link is never what its writer meant to
		// show; removing it would change where the link goes.
		return "", fieldErr("author.website", "the website address has invisible characters")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return "", fieldErr("author.website", "the website must be an http:// or https:// address")
	}
	return u.String(), nil
}

// cleanText normalises line ends and drops control characters other than
// newline and tab: NUL cannot be stored in PostgreSQL text, and the others
// only hide content.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// stripFormat removes the Unicode format characters (category Cf) from a
// name: zero-width spaces and joiners, bidi controls such as U+202E
// (right-to-left override) that would reverse the text after the name,
// soft hyphens, tag characters. A single zero-width joiner or non-joiner
// between two other characters stays, because Persian and Indic names
// and emoji sequences (👩‍💻) need them; a run of them does not.
func stripFormat(s string) string {
	if strings.IndexFunc(s, isFormat) < 0 {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		joiner := (r == '\u200c' || r == '\u200d') && i > 0 && i+1 < len(rs) && isShown(rs[i-1]) && isShown(rs[i+1])
		if !isFormat(r) || joiner {
			out = append(out, r)
		}
	}
	return string(out)
}

func isFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }

// isShown reports whether r takes part in the text a joiner joins.
func isShown(r rune) bool { return !isFormat(r) && !unicode.IsSpace(r) && !unicode.IsControl(r) }

func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
}

// cleanTitle keeps a page title printable and within MaxTitleLength characters.
func cleanTitle(title string) string {
	title = strings.Join(strings.Fields(stripControl(title)), " ")
	if utf8.RuneCountInString(title) > MaxTitleLength {
		title = string([]rune(title)[:MaxTitleLength])
	}
	return title
}
