package htmlmd

import (
	"regexp"
	"strings"
	"unicode"
)

// writer accumulates markdown. Text arrives word by word; white space is
// owed (pendingSpace, breaks) and written only before the next word, so
// that no line starts or ends with a space and no block ends with a break.
type writer struct {
	buf          strings.Builder
	collapse     bool
	keepNewlines bool
	inline       bool // inside emphasis or a link: no paragraphs
	pendingSpace bool
	breaks       int  // newlines owed: 1 line break, 2 paragraph
	started      bool // something was written
	lineStart    bool // the next word begins a line
	leadSpace    bool // white space came before the first word
}

// text writes a text node: escaped, its white space collapsed or, with
// keepNewlines, its newlines kept as breaks. A newline right after a <br>
// or a block's end is the same break, as WordPress displays it.
func (w *writer) text(s string) {
	if !w.keepNewlines {
		w.words(s)
		return
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	newlines := 0
	for i, line := range lines {
		if i > 0 {
			newlines++
		}
		if strings.TrimSpace(line) == "" && i < len(lines)-1 {
			continue
		}
		if newlines > 0 {
			w.breakAtLeast(min(newlines, 2))
			newlines = 0
		}
		w.words(line)
	}
	if newlines > 0 {
		w.breakAtLeast(min(newlines, 2))
	}
}

// breakAtLeast owes at least n newlines before the next word.
func (w *writer) breakAtLeast(n int) {
	if w.started {
		if w.inline {
			n = 1
		}
		w.breaks = max(w.breaks, n)
		w.pendingSpace = false
	}
}

func (w *writer) words(s string) {
	if s == "" {
		return
	}
	if unicode.IsSpace(rune(s[0])) {
		w.space()
	}
	fields := strings.Fields(s)
	for i, f := range fields {
		if i > 0 {
			w.space()
		}
		w.word(escapeWord(f, w.lineStart || !w.started || w.breaks > 0))
	}
	if len(fields) > 0 && unicode.IsSpace(rune(s[len(s)-1])) {
		w.space()
	}
}

// word writes already escaped markdown, after the white space owed.
func (w *writer) word(s string) {
	if s == "" {
		return
	}
	if w.started {
		switch {
		case w.breaks > 0:
			w.buf.WriteString(strings.Repeat("\n", w.breaks))
		case w.pendingSpace && !w.lineStart:
			w.buf.WriteByte(' ')
		}
	}
	w.breaks, w.pendingSpace = 0, false
	w.buf.WriteString(s)
	w.started, w.lineStart = true, false
}

// rawLines writes markdown that may span lines, as one word.
func (w *writer) rawLines(s string) {
	w.word(s)
	if strings.HasSuffix(s, "\n") {
		w.lineStart = true
	}
}

func (w *writer) space() {
	if !w.started {
		w.leadSpace = true
	}
	if w.started && !w.lineStart {
		w.pendingSpace = true
	}
}

func (w *writer) lineBreak() {
	if w.started {
		w.breaks = min(w.breaks+1, 2)
		w.pendingSpace = false
		if w.inline {
			w.breaks = 1
		}
	}
}

func (w *writer) paragraph() {
	if w.started {
		w.breaks = 2
		w.pendingSpace = false
		if w.inline {
			w.breaks = 1
		}
	}
}

// block writes a finished block of markdown as its own paragraph.
func (w *writer) block(s string) {
	if s == "" {
		return
	}
	w.paragraph()
	w.word(s)
	w.paragraph()
}

// finish returns the markdown with trailing blanks removed from each line
// and no blank runs longer than one line.
func (w *writer) finish() string {
	lines := strings.Split(w.buf.String(), "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}

// bareURL finds addresses that linkify will turn into links; escaping
// inside them would cut them short.
var bareURL = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s<>]+`)

// escapeWord backslash-escapes the characters that would make a word
// markdown syntax, leaving bare addresses alone.
func escapeWord(s string, lineStart bool) string {
	if !mayHoldURL(s) {
		if lineStart {
			return escapeLineStart(escapeText(s))
		}
		return escapeText(s)
	}
	locs := bareURL.FindAllStringIndex(s, -1)
	var b strings.Builder
	prev := 0
	for _, l := range locs {
		b.WriteString(escapeText(s[prev:l[0]]))
		b.WriteString(s[l[0]:l[1]])
		prev = l[1]
	}
	b.WriteString(escapeText(s[prev:]))
	out := b.String()
	if lineStart {
		out = escapeLineStart(out)
	}
	return out
}

// mayHoldURL is a cheap test before the bareURL expression.
func mayHoldURL(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	for i := 0; i+4 <= len(s); i++ {
		if s[i]|0x20 == 'w' && s[i+1]|0x20 == 'w' && s[i+2]|0x20 == 'w' && s[i+3] == '.' {
			return true
		}
	}
	return false
}

// entityLike matches text that markdown would read as a character reference.
var entityLike = regexp.MustCompile(`^&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// markdownSpecial marks the bytes escapeText may escape.
var markdownSpecial = func() (t [256]bool) {
	for _, c := range []byte("\\`*_[]<>~&|") {
		t[c] = true
	}
	return t
}()

func escapeText(s string) string {
	special := false
	for i := 0; i < len(s) && !special; i++ {
		special = markdownSpecial[s[i]]
	}
	if !special {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '~', '|':
			b.WriteByte('\\')
		case '&':
			if entityLike.MatchString(s[i:]) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(ch)
	}
	return b.String()
}

var orderedMarker = regexp.MustCompile(`^([0-9]{1,9})([.)])`)

// escapeLineStart keeps a line's first word from reading as a list item.
func escapeLineStart(s string) string {
	if s == "" || s[0] != '-' && s[0] != '+' && s[0] != '#' && (s[0] < '0' || s[0] > '9') {
		return s
	}
	if s == "-" || s == "+" || strings.HasPrefix(s, "- ") || s == "#" || strings.HasPrefix(s, "+ ") {
		return `\` + s
	}
	if m := orderedMarker.FindStringSubmatchIndex(s); m != nil && m[1] == len(s) {
		return s[:m[4]] + `\` + s[m[4]:]
	}
	return s
}
