package htmlmd

import (
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Options tune Convert for one source.
type Options struct {
	// KeepNewlines reads line breaks in text the way WordPress displays
	// them: a newline is a line break and a blank line starts a paragraph.
	// Without it, white space collapses as in a browser and only <br> and
	// block elements break lines (Disqus, Remark42).
	KeepNewlines bool
	// Link, when set, rewrites a link or image address before it is used;
	// returning "" keeps the link's text without the link. Disqus uses it to
	// unwrap its disq.us redirects.
	Link func(href string) string
}

// maxDepth bounds the recursion over nested elements; deeper content is
// kept as plain text.
const maxDepth = 100

// Convert returns the markdown for an HTML fragment. Text is escaped so that
// it renders as the words it was, links keep their targets (http, https and
// mailto only), and elements markdown has no form for keep their text.
// Scripts, styles and embedded objects are dropped with their content.
func Convert(src string, opt Options) string {
	if !strings.ContainsAny(src, "<&") && !opt.KeepNewlines {
		w := &writer{collapse: true}
		w.text(src)
		return w.finish()
	}
	nodes, ok := simpleTree(src)
	if !ok {
		var err error
		if nodes, err = parseFragment(src); err != nil { // nesting too deep for the parser: keep the words
			w := &writer{collapse: true, keepNewlines: opt.KeepNewlines}
			w.text(plainText(src))
			return w.finish()
		}
	}
	return convertNodes(nodes, opt)
}

// parseFragment parses src as the content of a body element.
func parseFragment(src string) ([]*html.Node, error) {
	context := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	return html.ParseFragment(strings.NewReader(src), context)
}

// convertNodes writes the markdown of a fragment's nodes.
func convertNodes(nodes []*html.Node, opt Options) string {
	c := converter{opt: opt}
	w := c.newWriter()
	for _, n := range nodes {
		c.node(w, n, 0)
	}
	return w.finish()
}

type converter struct {
	opt Options
}

func (c *converter) newWriter() *writer {
	return &writer{collapse: true, keepNewlines: c.opt.KeepNewlines}
}

// dropped elements lose their content too: it was never meant as text.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true,
	atom.Head: true, atom.Title: true, atom.Meta: true, atom.Link: true,
	atom.Button: true, atom.Input: true, atom.Select: true, atom.Textarea: true,
	atom.Audio: true, atom.Video: true, atom.Canvas: true,
}

// blocks start and end a paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Main: true, atom.Figure: true,
	atom.Figcaption: true, atom.Center: true, atom.Address: true, atom.Details: true,
	atom.Summary: true, atom.Form: true, atom.Fieldset: true, atom.Dl: true, atom.Dt: true,
	atom.Dd: true, atom.Table: true, atom.Caption: true, atom.Hr: true,
}

func (c *converter) node(w *writer, n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default: // comments, doctypes
		return
	}
	if depth > maxDepth {
		w.text(textContent(n))
		return
	}
	a := n.DataAtom
	switch {
	case dropped[a]:
	case a == atom.Br:
		w.lineBreak()
	case a == atom.Strong || a == atom.B:
		c.wrap(w, n, depth, "**")
	case a == atom.Em || a == atom.I || a == atom.Cite || a == atom.Var || a == atom.Dfn:
		c.wrap(w, n, depth, "*")
	case a == atom.Del || a == atom.S || a == atom.Strike:
		c.wrap(w, n, depth, "~~")
	case a == atom.Q:
		w.word("“")
		c.children(w, n, depth)
		w.word("”")
	case a == atom.Code || a == atom.Kbd || a == atom.Samp || a == atom.Tt:
		w.word(inlineCode(textContent(n)))
	case a == atom.Pre:
		w.block(fence(preText(n), codeLanguage(n)))
	case a == atom.A:
		c.link(w, n, depth)
	case a == atom.Img:
		c.image(w, n)
	case a == atom.Blockquote:
		sub := c.newWriter()
		c.children(sub, n, depth)
		if s := sub.finish(); s != "" {
			w.block(prefixLines(s, "> ", ">"))
		}
	case a == atom.Ul || a == atom.Ol:
		c.list(w, n, depth)
	case a == atom.H1 || a == atom.H2 || a == atom.H3 || a == atom.H4 || a == atom.H5 || a == atom.H6:
		// Comments have no headings; a strong line reads the same.
		w.paragraph()
		c.wrap(w, n, depth, "**")
		w.paragraph()
	case a == atom.Tr || a == atom.Li:
		w.lineBreak()
		c.children(w, n, depth)
		w.lineBreak()
	case a == atom.Td || a == atom.Th:
		c.children(w, n, depth)
		w.space()
	case blocks[a]:
		w.paragraph()
		c.children(w, n, depth)
		w.paragraph()
	default: // span, font, u, small, abbr, sup, spoiler and the like keep their text
		c.children(w, n, depth)
	}
}

func (c *converter) children(w *writer, n *html.Node, depth int) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.node(w, ch, depth+1)
	}
}

// wrap writes n's content between emphasis marks. Marks cannot touch white
// space or span paragraphs in markdown, so spaces move outside and content
// with a blank line stays unmarked.
func (c *converter) wrap(w *writer, n *html.Node, depth int, mark string) {
	sub := c.newWriter()
	sub.inline = true
	c.children(sub, n, depth)
	inner := strings.TrimSpace(sub.finish())
	if inner == "" {
		if sub.leadSpace || sub.pendingSpace {
			w.space()
		}
		return
	}
	if sub.leadSpace {
		w.space()
	}
	if strings.Contains(inner, "\n\n") {
		w.rawLines(inner)
	} else {
		w.rawLines(mark + inner + mark)
	}
	if sub.pendingSpace || sub.breaks > 0 {
		w.space()
	}
}

func (c *converter) link(w *writer, n *html.Node, depth int) {
	href := c.target(attr(n, "href"))
	sub := c.newWriter()
	sub.inline = true
	c.children(sub, n, depth)
	text := strings.TrimSpace(sub.finish())
	switch {
	case href == "":
		if text != "" {
			w.rawLines(text)
		}
	case text == "" || text == escapeText(href) || text == href:
		w.word("<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(href) + ">")
	default:
		w.word("[" + strings.ReplaceAll(text, "\n\n", "\n") + "](" + destination(href) + ")")
	}
}

func (c *converter) image(w *writer, n *html.Node) {
	src := c.target(attr(n, "src"))
	if src == "" || strings.HasPrefix(src, "mailto:") {
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.text(alt)
		}
		return
	}
	w.word("![" + escapeText(strings.Join(strings.Fields(attr(n, "alt")), " ")) + "](" + destination(src) + ")")
}

// target cleans a link address: absolute http, https and mailto only.
func (c *converter) target(href string) string {
	href = strings.TrimSpace(href)
	if c.opt.Link != nil && href != "" {
		href = c.opt.Link(href)
	}
	lower := strings.ToLower(href)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "mailto:") {
		return href
	}
	return ""
}

// destination writes a link destination so that no character of it ends
// the markdown link early.
func destination(href string) string {
	if strings.ContainsAny(href, " ()<>\n") {
		return "<" + strings.NewReplacer("<", "%3C", ">", "%3E", "\n", "", " ", "%20").Replace(href) + ">"
	}
	return href
}

func (c *converter) list(w *writer, n *html.Node, depth int) {
	ordered := n.DataAtom == atom.Ol
	num := 1
	if ordered {
		if s, err := strconv.Atoi(attr(n, "start")); err == nil && s >= 0 && s < 1e9 {
			num = s
		}
	}
	var items []string
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		sub := c.newWriter()
		if ch.Type == html.ElementNode && ch.DataAtom == atom.Li {
			c.children(sub, ch, depth+1)
		} else {
			c.node(sub, ch, depth+1)
		}
		s := sub.finish()
		if s == "" {
			continue
		}
		marker := "- "
		if ordered {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		items = append(items, prefixFirst(s, marker, strings.Repeat(" ", len(marker))))
	}
	if len(items) > 0 {
		w.block(strings.Join(items, "\n"))
	}
}

func prefixFirst(s, first, rest string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		switch {
		case i == 0:
			lines[i] = first + lines[i]
		case lines[i] != "":
			lines[i] = rest + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

func prefixLines(s, prefix, empty string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = empty
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textContent is the text of n and its descendants, iteratively so that
// any depth is safe.
func textContent(n *html.Node) string {
	var b strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case cur.Type == html.TextNode:
			b.WriteString(cur.Data)
		case cur.Type == html.ElementNode && cur.DataAtom == atom.Br:
			b.WriteByte('\n')
		case cur.Type == html.ElementNode && dropped[cur.DataAtom]:
			continue
		}
		for ch := cur.LastChild; ch != nil; ch = ch.PrevSibling {
			stack = append(stack, ch)
		}
	}
	return b.String()
}

// plainText extracts the text of src token by token, without building a
// tree, for documents the parser refuses.
func plainText(src string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(src))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); dropped[a] {
				skip++
			} else if a == atom.Br || a == atom.P || a == atom.Div {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if dropped[atom.Lookup(name)] && skip > 0 {
				skip--
			}
		case html.SelfClosingTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == atom.Br {
				b.WriteByte('\n')
			}
		}
	}
}

func preText(n *html.Node) string {
	return strings.Trim(strings.ReplaceAll(textContent(n), "\r\n", "\n"), "\n")
}

var languageClass = regexp.MustCompile(`(?:^|\s)(?:language|lang)-([a-zA-Z0-9_+-]+)`)

func codeLanguage(n *html.Node) string {
	for _, el := range []*html.Node{n, n.FirstChild} {
		if el == nil || el.Type != html.ElementNode {
			continue
		}
		if m := languageClass.FindStringSubmatch(attr(el, "class")); m != nil {
			return m[1]
		}
	}
	return ""
}

// fence writes a fenced code block whose fence no line inside can close.
func fence(code, lang string) string {
	if strings.TrimSpace(code) == "" {
		return ""
	}
	marks := "```"
	for strings.Contains(code, marks) {
		marks += "`"
	}
	return marks + lang + "\n" + code + "\n" + marks
}

// inlineCode writes a code span with a backtick run longer than any inside.
func inlineCode(code string) string {
	code = strings.Join(strings.Fields(code), " ")
	if code == "" {
		return ""
	}
	longest, run := 0, 0
	for i := 0; i < len(code); i++ {
		if code[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	ticks := strings.Repeat("`", longest+1)
	if code[0] == '`' || code[len(code)-1] == '`' {
		return ticks + " " + code + " " + ticks
	}
	return ticks + code + ticks
}
