package widget

import (
	"regexp"
	"strings"
)

// MinifyJS removes what a reader needs and a browser does not: // comments, indentation and
// blank lines. It keeps every line break, so automatic semicolon insertion and string and
// regular-expression literals are never affected; it is therefore safe for any source that has
// no multi-line template literal (parley.js has none; a test checks this). A comment after code
// is removed only where it starts with " // " outside every quote of its line (trailingComment).
func MinifyJS(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	for line := range strings.Lines(src) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		if i := trailingComment(line); i >= 0 {
			line = strings.TrimRight(line[:i], " ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// trailingComment returns where a comment after code begins in line, or -1: the first " // "
// that no ', " or ` quote of the line encloses (a URL in a string such as 'http://x' has no
// space before its slashes). Escaped quotes are skipped; a line holding a regular-expression
// literal with " // " in it would be cut wrongly, and parley.js has none.
func trailingComment(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case strings.HasPrefix(line[i:], " // "):
			return i
		}
	}
	return -1
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssSpace   = regexp.MustCompile(`\s+`)
	cssPunct   = regexp.MustCompile(` ?([{};,>]) ?`)
	cssColon   = regexp.MustCompile(`: `)
)

// MinifyCSS strips comments and the whitespace around { } ; , > and after a colon. Whitespace
// before a colon is kept (".a :focus" and ".a:focus" differ). It assumes no string literal in
// the stylesheet contains those characters, which holds for parley.css.
func MinifyCSS(src string) string {
	s := cssComment.ReplaceAllString(src, "")
	s = cssSpace.ReplaceAllString(s, " ")
	s = cssPunct.ReplaceAllString(s, "$1")
	s = cssColon.ReplaceAllString(s, ":")
	s = strings.ReplaceAll(s, ";}", "}")
	return strings.TrimSpace(s)
}
