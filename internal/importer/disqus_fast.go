package importer

import (
	"bufio"
	"bytes"
	"encoding/xml"
)

// Reading a <post> through encoding/xml costs about 23 µs, most of an
// import's parsing. fastDisqusPost reads the usual post, whose content is
// elements with quoted attributes, text with the five XML entities and
// CDATA sections, straight from the bytes the decoder is about to read,
// then has the decoder skip them. Anything else (a comment, an HTML
// entity, a carriage return, a name that is not ASCII, a post longer
// than rawWindow) it leaves to decodeDisqusPost, having read nothing. The
// decoder still reads the post's end tag, and so checks it against the
// start tag as before; the newlines it skipped are handed to it as
// character data, so that the lines it reports in errors stay true.
// TestDisqusPostDecodersAgree and FuzzDisqusPostDecoders compare the
// three ways of reading a post.

// rawWindow is how much of the input the decoder's reader holds ahead: a
// post must fit in it to be read by fastDisqusPost.
const rawWindow = 16 << 10

// rawReader is the decoder's input. It reads ahead (br), so that
// fastDisqusPost can look at and skip what follows, and hands the decoder
// the newlines it skipped before anything else.
type rawReader struct {
	br       *bufio.Reader
	newlines int
	last     [2]byte // the last two bytes handed to the decoder
}

func (r *rawReader) ReadByte() (byte, error) {
	b := byte('\n')
	if r.newlines > 0 {
		r.newlines--
	} else {
		var err error
		if b, err = r.br.ReadByte(); err != nil {
			return 0, err
		}
	}
	r.last[0], r.last[1] = r.last[1], b
	return b, nil
}

// Read serves a reader that is not the decoder (which reads byte by byte).
func (r *rawReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
		if r.newlines == 0 && r.br.Buffered() == 0 {
			break
		}
	}
	return n, nil
}

// fastDisqusPost reads the content of the <post> that start opened into
// po, as decodeDisqusPost would, and reports whether it did; when it did
// not, the decoder stands where it stood. An error is the decoder's, met
// reading the post's end tag.
func (x *xmlReader) fastDisqusPost(po *disqusPost, start *xml.StartElement) (bool, error) {
	r := x.raw
	if r == nil || r.newlines > 0 || r.last == [2]byte{'/', '>'} { // <post/> has no content to read
		return false, nil
	}
	x.guard.reset()
	buf, _ := r.br.Peek(rawWindow)
	got := *po
	got.UID = lastAttr(start.Attr, "id", got.UID)
	s := postScanner{b: buf}
	if !s.content(&got) {
		return false, nil
	}
	r.newlines = bytes.Count(buf[:s.i], []byte{'\n'})
	if _, err := r.br.Discard(s.i); err != nil {
		return false, err
	}
	for {
		tok, err := x.dec.Token()
		if err != nil {
			return false, err
		}
		if _, ok := tok.(xml.EndElement); ok {
			*po = got
			return true, nil
		}
	}
}

// postScanner reads the content of a <post> from b. Its methods report
// false for anything they do not read exactly as encoding/xml would.
type postScanner struct {
	b []byte
	i int
}

// maxScanDepth bounds the elements nested in a post that the scanner
// skips; deeper ones are left to the decoder.
const maxScanDepth = 16

// content reads the children of the post up to its end tag, where it
// stops.
func (s *postScanner) content(po *disqusPost) bool {
	for {
		if !s.space() || s.i >= len(s.b) {
			return false
		}
		if s.at("</") {
			return true
		}
		name, attrs, empty, ok := s.startTag()
		if !ok {
			return false
		}
		switch local := localPart(name); local {
		case "author":
			ok = empty || s.author(name, po)
		case "thread", "parent":
			ref := &po.Thread.UID
			if local == "parent" {
				ref = &po.Parent.UID
			}
			*ref = lastRawAttr(attrs, *ref)
			ok = empty || s.skip(name, 1)
		default:
			if f := postField(po, local); f != nil {
				*f = ""
				if !empty {
					*f, ok = s.text(name)
				}
			} else if !empty {
				ok = s.skip(name, 1)
			}
		}
		if !ok {
			return false
		}
	}
}

// author reads the children of an <author>.
func (s *postScanner) author(name []byte, po *disqusPost) bool {
	for {
		if !s.space() || s.i >= len(s.b) {
			return false
		}
		if s.at("</") {
			return s.endTag(name)
		}
		child, _, empty, ok := s.startTag()
		if !ok {
			return false
		}
		if f := authorField(po, localPart(child)); f != nil {
			*f = ""
			if !empty {
				*f, ok = s.text(child)
			}
		} else if !empty {
			ok = s.skip(child, 2)
		}
		if !ok {
			return false
		}
	}
}

// text reads the character data of an element that holds nothing else,
// and its end tag.
func (s *postScanner) text(name []byte) (string, bool) {
	var out []byte
	for s.i < len(s.b) {
		switch {
		case s.at("<![CDATA["):
			cdata, ok := s.cdata()
			if !ok || bytes.IndexByte(cdata, '\r') >= 0 {
				return "", false
			}
			out = append(out, cdata...)
		case s.at("</"):
			return string(out), s.endTag(name)
		case s.b[s.i] == '<':
			return "", false
		default:
			var ok bool
			if out, ok = s.charData(out); !ok {
				return "", false
			}
		}
	}
	return "", false
}

// skip reads an element of no interest and its end tag.
func (s *postScanner) skip(name []byte, depth int) bool {
	if depth > maxScanDepth {
		return false
	}
	for s.i < len(s.b) {
		switch {
		case s.at("<![CDATA["):
			if _, ok := s.cdata(); !ok {
				return false
			}
		case s.at("</"):
			return s.endTag(name)
		case s.b[s.i] == '<':
			child, _, empty, ok := s.startTag()
			if !ok || !empty && !s.skip(child, depth+1) {
				return false
			}
		default:
			if _, ok := s.charData(nil); !ok {
				return false
			}
		}
	}
	return false
}

// cdata reads the CDATA section at s.i and returns its content.
func (s *postScanner) cdata() ([]byte, bool) {
	const open, end = "<![CDATA[", "]]>"
	n := bytes.Index(s.b[s.i+len(open):], []byte(end))
	if n < 0 {
		return nil, false
	}
	content := s.b[s.i+len(open) : s.i+len(open)+n]
	s.i += len(open) + n + len(end)
	return content, true
}

// charData appends the text up to the next < to out, its entities
// decoded.
func (s *postScanner) charData(out []byte) ([]byte, bool) {
	end := bytes.IndexByte(s.b[s.i:], '<')
	if end < 0 {
		return nil, false
	}
	run := s.b[s.i : s.i+end]
	s.i += end
	if bytes.IndexByte(run, '\r') >= 0 || bytes.Contains(run, []byte("]]>")) {
		return nil, false
	}
	return appendUnescaped(out, run)
}

// xmlEntities are the entities of XML itself; the decoder also knows
// HTML's, which are left to it.
var xmlEntities = []struct{ ref, char string }{
	{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&apos;", "'"}, {"&quot;", `"`},
}

func appendUnescaped(out, run []byte) ([]byte, bool) {
	for {
		amp := bytes.IndexByte(run, '&')
		if amp < 0 {
			return append(out, run...), true
		}
		out = append(out, run[:amp]...)
		run = run[amp:]
		found := false
		for _, e := range xmlEntities {
			if bytes.HasPrefix(run, []byte(e.ref)) {
				out = append(out, e.char...)
				run = run[len(e.ref):]
				found = true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
}

// space skips white space, and reports false at any other text: between
// the children of a post only white space is expected.
func (s *postScanner) space() bool {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n':
			s.i++
		case '<':
			return true
		default:
			return false
		}
	}
	return true
}

// blanks skips spaces, tabs and newlines inside a tag, and reports
// whether there were any.
func (s *postScanner) blanks() bool {
	start := s.i
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n') {
		s.i++
	}
	return s.i > start
}

func (s *postScanner) at(prefix string) bool {
	return bytes.HasPrefix(s.b[s.i:], []byte(prefix))
}

// rawAttr is an attribute as written: its name (prefix included) and
// its value, entities decoded.
type rawAttr struct {
	name  []byte
	value string
}

// lastRawAttr is the value of the last attribute whose local name is
// id, or old when there is none (lastAttr's rule).
func lastRawAttr(attrs []rawAttr, old string) string {
	for _, a := range attrs {
		if localPart(a.name) == "id" {
			old = a.value
		}
	}
	return old
}

// startTag reads <name attr="value" …> or <name …/> at s.i.
func (s *postScanner) startTag() (name []byte, attrs []rawAttr, empty, ok bool) {
	s.i++ // <
	if name, ok = s.name(); !ok {
		return nil, nil, false, false
	}
	for {
		spaced := s.blanks()
		switch {
		case s.at(">"):
			s.i++
			return name, attrs, false, true
		case s.at("/>"):
			s.i += 2
			return name, attrs, true, true
		case !spaced:
			return nil, nil, false, false
		}
		key, ok := s.name()
		if !ok || !s.at(`="`) && !s.at(`='`) {
			return nil, nil, false, false
		}
		quote := s.b[s.i+1]
		s.i += 2
		end := bytes.IndexByte(s.b[s.i:], quote)
		if end < 0 {
			return nil, nil, false, false
		}
		raw := s.b[s.i : s.i+end]
		s.i += end + 1
		if bytes.ContainsAny(raw, "<\t\n\r") {
			return nil, nil, false, false
		}
		value, ok := appendUnescaped(nil, raw)
		if !ok {
			return nil, nil, false, false
		}
		attrs = append(attrs, rawAttr{name: key, value: string(value)})
	}
}

// endTag reads </name> at s.i, for the element name opened.
func (s *postScanner) endTag(name []byte) bool {
	s.i += 2 // </
	got, ok := s.name()
	if !ok || !bytes.Equal(got, name) {
		return false
	}
	s.blanks()
	if !s.at(">") {
		return false
	}
	s.i++
	return true
}

// name reads an ASCII XML name, with at most one colon between a prefix
// and a local part.
func (s *postScanner) name() ([]byte, bool) {
	start, colon := s.i, -1
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case '0' <= c && c <= '9', c == '-', c == '.':
			if s.i == start || s.i == colon+1 {
				return nil, false
			}
		case c == ':':
			if colon >= 0 || s.i == start {
				return nil, false
			}
			colon = s.i
		default:
			if s.i == start || s.i == colon+1 {
				return nil, false
			}
			return s.b[start:s.i], true
		}
		s.i++
	}
	return nil, false
}

// localPart is a name without its prefix.
func localPart(name []byte) string {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return string(name[i+1:])
	}
	return string(name)
}
