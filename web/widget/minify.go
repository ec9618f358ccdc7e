package widget

import (
	"regexp"
	"strings"
)

// MinifyJS removes what a reader needs and a browser does not: full-line // comments,
// indentation and blank lines. It keeps every line break, so automatic semicolon insertion and
// string and regular-expression literals are never affected; it is therefore safe for any
// source that has no multi-line template literal (parley.js has none; a test checks this).
func MinifyJS(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	for line := range strings.Lines(src) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
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
