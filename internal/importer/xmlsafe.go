package importer

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// ErrDTD is returned for an XML document with a document type declaration.
// No export of a supported system has one; refusing them all rules out
// external entities (XXE) and entity expansion ("billion laughs") whatever
// the parser would do with them.
var ErrDTD = errors.New("import: XML with a document type declaration (<!DOCTYPE …>) is refused: it can declare external or expanding entities, and no supported export uses one")

// xmlReader is a token source over an untrusted XML document.
type xmlReader struct {
	dec   *xml.Decoder
	guard *tokenGuard
	raw   *rawReader // the decoder's input
}

var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// newXMLReader prepares r for decoding: a byte order mark is honoured, a
// declared legacy encoding is decoded to UTF-8, bytes that are not UTF-8 in
// a UTF-8 document are read as Windows-1252 (the usual cause), and
// characters XML forbids are dropped, so that real-world exports with
// stray control characters still import. Tokens are limited to maxToken
// bytes, and HTML's named entities (&nbsp;) are understood.
func newXMLReader(r io.Reader, maxToken int64) (*xmlReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(1024)
	var text io.Reader
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		text = newXMLCleaner(br, true)
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		text = newXMLCleaner(unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Reader(br), false)
	default:
		label := ""
		if m := xmlEncoding.FindSubmatch(head); m != nil {
			label = strings.ToLower(string(m[1]))
		}
		switch label {
		case "", "utf-8", "utf8", "us-ascii", "ascii":
			text = newXMLCleaner(br, true)
		default:
			enc, err := htmlindex.Get(label)
			if err != nil {
				return nil, fmt.Errorf("import: the XML declares the encoding %q, which is not supported; convert the file to UTF-8", label)
			}
			text = newXMLCleaner(enc.NewDecoder().Reader(br), false)
		}
	}
	g := &tokenGuard{r: text, limit: maxToken, what: "XML element"}
	raw := &rawReader{br: bufio.NewReaderSize(g, rawWindow)}
	dec := xml.NewDecoder(raw)
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	// The text reaching the decoder is UTF-8 already, whatever the
	// declaration says.
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	return &xmlReader{dec: dec, guard: g, raw: raw}, nil
}

// token returns the next token, refusing document type declarations.
func (x *xmlReader) token() (xml.Token, error) {
	x.guard.reset()
	tok, err := x.dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(xml.Directive); ok {
		if s := strings.ToUpper(strings.TrimSpace(string(d))); strings.HasPrefix(s, "DOCTYPE") || strings.HasPrefix(s, "ENTITY") {
			return nil, ErrDTD
		}
	}
	return xml.CopyToken(tok), nil
}

// decode reads the element that start opened into v.
func (x *xmlReader) decode(v any, start *xml.StartElement) error {
	x.guard.reset()
	return x.dec.DecodeElement(v, start)
}

// skip consumes the rest of the element whose start was just read, token
// by token so that its size does not matter.
func (x *xmlReader) skip() error {
	for depth := 1; depth > 0; {
		tok, err := x.token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// text reads the character data of the element that start opened,
// skipping any child elements.
func (x *xmlReader) text() (string, error) {
	var b strings.Builder
	for depth := 1; depth > 0; {
		tok, err := x.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 1 {
				b.Write(t)
			}
		}
	}
	return b.String(), nil
}

// lineOf describes where the decoder stands, for error messages.
func (x *xmlReader) where() string {
	line, _ := x.dec.InputPos()
	return fmt.Sprintf("line %d", line)
}

// xmlCleaner passes text through, dropping characters XML forbids (most
// control characters, U+FFFE, U+FFFF) and, when repair is set, turning
// bytes that are not UTF-8 into the characters Windows-1252 gives them.
type xmlCleaner struct {
	r      io.Reader
	repair bool
	in     []byte // bytes read but not yet passed on
	out    []byte
	err    error
}

func newXMLCleaner(r io.Reader, repair bool) *xmlCleaner {
	return &xmlCleaner{r: r, repair: repair, in: make([]byte, 0, 32<<10)}
}

func (c *xmlCleaner) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			if len(c.in) > 0 { // a truncated sequence at the very end
				c.out = c.clean(c.in, true)
				c.in = c.in[:0]
				continue
			}
			return 0, c.err
		}
		if cap(c.in)-len(c.in) < 4096 {
			c.in = append(make([]byte, 0, 2*cap(c.in)), c.in...)
		}
		n, err := c.r.Read(c.in[len(c.in):cap(c.in)])
		c.in = c.in[:len(c.in)+n]
		c.err = err
		// Keep an incomplete sequence at the end for the next read.
		keep := 0
		if err == nil {
			keep = incompleteTail(c.in)
		}
		c.out = c.clean(c.in[:len(c.in)-keep], false)
		c.in = append(c.in[:0], c.in[len(c.in)-keep:]...)
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// incompleteTail is the length of a UTF-8 sequence cut off at the end of b.
func incompleteTail(b []byte) int {
	for i := 1; i <= 3 && i <= len(b); i++ {
		ch := b[len(b)-i]
		if ch < 0x80 {
			return 0
		}
		if ch >= 0xC0 { // a leading byte: is its sequence complete?
			need := 2
			if ch >= 0xE0 {
				need = 3
			}
			if ch >= 0xF0 {
				need = 4
			}
			if need > i {
				return i
			}
			return 0
		}
	}
	return 0
}

func (c *xmlCleaner) clean(b []byte, final bool) []byte {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		ch := b[i]
		if ch < utf8.RuneSelf {
			if ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r' {
				out = append(out, ch)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if c.repair {
				out = utf8.AppendRune(out, windows1252(ch))
			} else {
				out = utf8.AppendRune(out, utf8.RuneError)
			}
			i++
			continue
		}
		if r != 0xFFFE && r != 0xFFFF {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// windows1252 maps a byte of Windows-1252 to its character.
func windows1252(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		if r := cp1252[b-0x80]; r != 0 {
			return r
		}
		return utf8.RuneError
	}
	return rune(b)
}

var cp1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}
