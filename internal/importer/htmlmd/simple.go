package htmlmd

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// simpleTree builds the nodes html.ParseFragment (in a body) would return
// for src, when src is of the plain form most exported comments take:
// paragraphs, line breaks, emphasis, code, spans and links, each closed
// in the order opened, with quoted attributes and the common character
// references. For that form the HTML5 tree builder adds, moves and
// closes nothing, so the tree is the tags as written; anything else
// (another element, a comment, a stray or missing end tag, a paragraph
// or link inside another, any other reference) reports false, and the
// caller parses src in full. Building the tree this way takes a tenth of
// the parser's time and none of its buffers (4 KiB a fragment);
// TestSimpleTreeAgreesWithTheParser and FuzzSimpleTree compare the two.
func simpleTree(src string) ([]*html.Node, bool) {
	if strings.IndexByte(src, 0) >= 0 || strings.IndexByte(src, '\r') >= 0 || !utf8.ValidString(src) {
		return nil, false
	}
	root := &html.Node{Type: html.ElementNode}
	cur := root
	openP, openA, depth := 0, 0, 0 // to refuse a p in a p and an a in an a
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			lt = len(src) - i
		}
		if lt > 0 {
			text, ok := unescapeSimple(src[i:i+lt], false)
			if !ok {
				return nil, false
			}
			if last := cur.LastChild; last != nil && last.Type == html.TextNode {
				last.Data += text
			} else {
				cur.AppendChild(&html.Node{Type: html.TextNode, Data: text})
			}
			i += lt
			continue
		}
		end := strings.IndexByte(src[i:], '>')
		if end < 0 {
			return nil, false
		}
		tag := src[i+1 : i+end]
		i += end + 1
		if strings.HasPrefix(tag, "/") {
			a, name, ok := simpleName(tag[1:])
			if !ok || a == atom.Br || cur == root || cur.DataAtom != a || cur.Data != name {
				return nil, false
			}
			switch a {
			case atom.P:
				openP--
			case atom.A:
				openA--
			}
			depth--
			cur = cur.Parent
			continue
		}
		n, void, ok := simpleStartTag(tag)
		if !ok || n.DataAtom == atom.P && openP > 0 || n.DataAtom == atom.A && openA > 0 {
			return nil, false
		}
		cur.AppendChild(n)
		if !void {
			if depth++; depth > maxSimpleDepth {
				return nil, false
			}
			switch n.DataAtom {
			case atom.P:
				openP++
			case atom.A:
				openA++
			}
			cur = n
		}
	}
	if cur != root {
		return nil, false
	}
	var nodes []*html.Node
	for n := root.FirstChild; n != nil; {
		next := n.NextSibling
		root.RemoveChild(n)
		nodes = append(nodes, n)
		n = next
	}
	return nodes, true
}

// maxSimpleDepth bounds the nesting simpleTree builds, well within the
// parser's own bound (512 open elements), beyond which it refuses a
// fragment.
const maxSimpleDepth = 32

// simpleElement tells the elements simpleTree builds; br is the one void
// element among them.
func simpleElement(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Br, atom.B, atom.Strong, atom.I, atom.Em, atom.A, atom.Code, atom.Span:
		return true
	}
	return false
}

// simpleName reads a tag name of ASCII letters (and digits after the
// first), lowercased as the tokenizer does, and its atom.
func simpleName(s string) (atom.Atom, string, bool) {
	if s == "" || len(s) > 10 {
		return 0, "", false
	}
	var buf [10]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case '0' <= c && c <= '9' && i > 0:
		default:
			return 0, "", false
		}
		buf[i] = c
	}
	a := atom.Lookup(buf[:len(s)])
	if !simpleElement(a) {
		return 0, "", false
	}
	return a, a.String(), true
}

// simpleStartTag reads the inside of a start tag: a name, then attributes
// with quoted values, each named once, and for br an optional /.
func simpleStartTag(tag string) (n *html.Node, void, ok bool) {
	nameEnd := strings.IndexAny(tag, " \t\n/")
	if nameEnd < 0 {
		nameEnd = len(tag)
	}
	a, name, ok := simpleName(tag[:nameEnd])
	if !ok {
		return nil, false, false
	}
	n = &html.Node{Type: html.ElementNode, DataAtom: a, Data: name}
	rest := tag[nameEnd:]
	for {
		trimmed := strings.TrimLeft(rest, " \t\n")
		if trimmed == "" {
			break
		}
		if trimmed == "/" && a == atom.Br { // <br/>, <br />
			break
		}
		if len(trimmed) == len(rest) {
			return nil, false, false // an attribute follows white space; <p/> is left to the parser
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq <= 0 {
			return nil, false, false
		}
		key := trimmed[:eq]
		for i := 0; i < len(key); i++ {
			if c := key[i]; !('a' <= c && c <= 'z' || c == '-') {
				return nil, false, false
			}
		}
		if len(trimmed) < eq+2 || trimmed[eq+1] != '"' && trimmed[eq+1] != '\'' {
			return nil, false, false
		}
		quote := trimmed[eq+1]
		closing := strings.IndexByte(trimmed[eq+2:], quote)
		if closing < 0 {
			return nil, false, false
		}
		val, ok := unescapeSimple(trimmed[eq+2:eq+2+closing], true)
		if !ok {
			return nil, false, false
		}
		for _, at := range n.Attr {
			if at.Key == key {
				return nil, false, false
			}
		}
		n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
		rest = trimmed[eq+3+closing:]
	}
	return n, a == atom.Br, true
}

// simpleReferences are the character references simpleTree decodes; the
// tokenizer reads each of them, followed by anything, as this character.
var simpleReferences = []struct{ ref, char string }{
	{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", `"`}, {"&#39;", "'"}, {"&#34;", `"`}, {"&nbsp;", "\u00a0"},
}

// unescapeSimple decodes the character references of s, or reports false
// for one it does not know. A value may not hold a < or >, which would
// have ended the tag early in simpleTree's reading.
func unescapeSimple(s string, attribute bool) (string, bool) {
	if attribute && strings.ContainsAny(s, "<>") {
		return "", false
	}
	amp := strings.IndexByte(s, '&')
	if amp < 0 {
		return s, true
	}
	var b strings.Builder
	for amp >= 0 {
		b.WriteString(s[:amp])
		s = s[amp:]
		found := false
		for _, r := range simpleReferences {
			if strings.HasPrefix(s, r.ref) {
				b.WriteString(r.char)
				s = s[len(r.ref):]
				found = true
				break
			}
		}
		if !found {
			return "", false
		}
		amp = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String(), true
}
