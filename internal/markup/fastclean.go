package markup

import (
	"bytes"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// fastClean returns what the allow-list policy (newPolicy) makes of raw,
// byte for byte, when raw is made only of what this package's goldmark
// renderers write for a comment without an image: the elements, attributes
// and character references of the policy, in goldmark's spelling. ok is
// false for anything else (another comment, another element or attribute, a
// link whose URL the policy would rewrite or drop, an unusual reference),
// and render then sanitizes with bluemonday as before. It does what
// bluemonday does to such HTML: keeps every tag as written, and writes text
// and attribute values again with x/net/html's escaping, and drops the
// comment goldmark writes for raw HTML. It is a shortcut,
// not a second policy: it accepts only what the policy leaves as it is, and
// TestFastCleanAgreesWithThePolicy and FuzzFastClean hold it to that.
// bluemonday tokenizes every comment with x/net/html, which cost a fifth
// of rendering one.
func fastClean(raw []byte) (string, bool) {
	var out strings.Builder
	out.Grow(len(raw) + len(raw)/8)
	for len(raw) > 0 {
		lt := bytes.IndexByte(raw, '<')
		if lt < 0 {
			lt = len(raw)
		}
		if !writeText(&out, raw[:lt]) {
			return "", false
		}
		raw = raw[lt:]
		if len(raw) == 0 {
			break
		}
		n, ok := writeTag(&out, raw)
		if !ok {
			return "", false
		}
		raw = raw[n:]
	}
	return out.String(), true
}

// writeText writes a text run, its references read and written again as
// x/net/html escapes text; false for a byte or reference goldmark does not
// write in text.
func writeText(out *strings.Builder, text []byte) bool {
	for len(text) > 0 {
		c := text[0]
		switch c {
		case '\r', 0, '>':
			return false // the tokenizer changes \r and NUL; goldmark writes &gt;
		case '\'':
			out.WriteString("&#39;")
		case '"':
			out.WriteString("&#34;")
		case '&':
			ref, n := reference(text)
			if n == 0 {
				return false
			}
			out.WriteString(ref)
			text = text[n:]
			continue
		default:
			out.WriteByte(c)
		}
		text = text[1:]
	}
	return true
}

// reference reads the character reference at the start of s, one of those
// goldmark writes to escape text, and returns it as x/net/html writes that
// character, with its length; 0 for any other.
func reference(s []byte) (string, int) {
	for _, r := range [...]struct{ in, out string }{
		{"&amp;", "&amp;"}, {"&lt;", "&lt;"}, {"&gt;", "&gt;"}, {"&quot;", "&#34;"},
	} {
		if bytes.HasPrefix(s, []byte(r.in)) {
			return r.out, len(r.in)
		}
	}
	return "", 0
}

// keptElements are the elements of the policy (newPolicy), <a> included.
var keptElements = func() map[string]bool {
	m := map[string]bool{"a": true}
	for _, e := range policyElements {
		m[e] = true
	}
	return m
}()

// omittedHTML is what goldmark writes for raw HTML in the markdown.
const omittedHTML = "<!-- raw HTML omitted -->"

// linkTail is what goldmark writes after a link's href (linkRenderer).
const linkTail = `" rel="` + linkRel + `" target="_blank">`

// writeTag writes the tag at the start of s (which starts with '<') and
// returns its length; false for one the policy would change or drop.
func writeTag(out *strings.Builder, s []byte) (int, bool) {
	if bytes.HasPrefix(s, []byte(omittedHTML)) {
		return len(omittedHTML), true // the policy drops comments
	}
	end := bytes.IndexByte(s, '>')
	if end < 0 {
		return 0, false
	}
	tag := string(s[1:end])
	if name, ok := strings.CutPrefix(tag, "/"); ok {
		if !keptElements[name] {
			return 0, false
		}
		out.WriteString("</" + name + ">")
		return end + 1, true
	}
	name, attrs, _ := strings.Cut(tag, " ")
	switch {
	case !keptElements[name]:
		return 0, false
	case attrs == "" && name != "a":
		out.WriteString("<" + name + ">")
		return end + 1, true
	case name == "code":
		return end + 1, writeValued(out, name, "class", attrs, codeClass)
	case name == "ol":
		return end + 1, writeValued(out, name, "start", attrs, listStart)
	case name == "a":
		return writeLink(out, s)
	}
	return 0, false
}

// writeValued writes <name attr="value"> when attrs is exactly that one
// attribute and its value matches allowed.
func writeValued(out *strings.Builder, name, attr, attrs string, allowed *regexp.Regexp) bool {
	value, ok := strings.CutPrefix(attrs, attr+`="`)
	if !ok || !strings.HasSuffix(value, `"`) {
		return false
	}
	value = value[:len(value)-1]
	if !allowed.MatchString(value) { // nothing in either pattern needs escaping
		return false
	}
	out.WriteString("<" + name + " " + attr + `="` + value + `">`)
	return true
}

// writeLink writes a link's start tag as linkRenderer writes it, when the
// policy keeps its URL as it is: parseable, absolute, of an allowed
// scheme, and written back by url.URL.String unchanged.
func writeLink(out *strings.Builder, s []byte) (int, bool) {
	rest, ok := bytes.CutPrefix(s, []byte(`<a href="`))
	if !ok {
		return 0, false
	}
	q := bytes.IndexByte(rest, '"')
	if q < 0 || !bytes.HasPrefix(rest[q:], []byte(linkTail)) {
		return 0, false
	}
	var href strings.Builder
	if !writeText(&href, rest[:q]) {
		return 0, false
	}
	escaped := href.String()
	raw := unescapeFive(escaped)
	if strings.ContainsAny(raw, " \t\n\r\x00") {
		return 0, false
	}
	u, err := url.Parse(raw)
	if err != nil || !slices.Contains(linkSchemes, u.Scheme) || u.String() != raw {
		return 0, false
	}
	out.WriteString(`<a href="` + escaped + linkTail)
	return len(`<a href="`) + q + len(linkTail), true
}

// unescapeFive reverses writeText's escaping.
var unescapeFive = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace
