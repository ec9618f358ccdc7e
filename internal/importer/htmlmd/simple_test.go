package htmlmd

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// simpleCases are fragments simpleTree must build (true) or must leave to
// the parser (false), with the parser's tree to agree with either way.
var simpleCases = []struct {
	src    string
	simple bool
}{
	{`<p>Comment 7 on thread 0: a <b>bold</b> word, a <a href="https://example.com/7">link</a> and more.</p><p>Second paragraph.</p>`, true},
	{"one<br>two<br/>three<br />four", true},
	{`<p><em>a</em> <strong>b</strong> <i>c</i> <code>d &lt;e&gt;</code> <span class="x">f</span></p>`, true},
	{`<a href="https://x.example/?a=1&amp;b=2" title='it&#39;s' rel="nofollow">x &amp; y&nbsp;z &quot;q&quot;</a>`, true},
	{"  <P>Upper <B>case</B></P>\n\n<p>\nnewlines\n</p>  ", true},
	{`<b><p>block in bold</p></b><a href="https://x.example"><p>in a link</p></a>`, true},
	{`<b><b><b><b>deep</b></b></b></b>`, true},
	{"", true},
	{"<p>a<p>b", false},                           // p closes p
	{"<p>a</p></p>", false},                       // a stray end tag makes a p
	{"<b>a<i>b</b>c</i>", false},                  // misnested: the adoption agency
	{`<a href="x">a<a href="y">b</a></a>`, false}, // a closes a
	{"<p><b>a</p>b</b>", false},
	{"x</br>y", false},
	{"a & b", false},
	{"&amp", false},
	{"&copy; 2020", false},
	{"<!-- c -->x", false},
	{"<script>x</script>", false},
	{"<p/>x", false},
	{`<a href=x>y</a>`, false},
	{`<a href="x" href="y">z</a>`, false},
	{`<a HREF="x">z</a>`, false},
	{`<a href="a>b">c</a>`, false},
	{"a < b", false},
	{"a\r\nb<b>c</b>", false},
	{"a\x00<b>b</b>", false},
	{"\xff<b>b</b>", false},
	{"<b>unclosed", false},
	{strings.Repeat("<b>", 600) + "deep" + strings.Repeat("</b>", 600), false},
	{"<ul><li>x</li></ul>", false},
}

// TestSimpleTreeAgreesWithTheParser: where simpleTree builds a tree, it is
// the parser's, and Convert writes the same markdown from both; the plain
// fragments it is for take it.
func TestSimpleTreeAgreesWithTheParser(t *testing.T) {
	for _, c := range simpleCases {
		_, ok := simpleTree(c.src)
		if ok != c.simple {
			t.Errorf("simpleTree(%q) built a tree: %v, want %v", c.src, ok, c.simple)
		}
		compareTrees(t, c.src)
	}
}

// FuzzSimpleTree compares simpleTree with the parser on any input.
//
//	go test ./internal/importer/htmlmd -run '^$' -fuzz FuzzSimpleTree -fuzztime 60s
func FuzzSimpleTree(f *testing.F) {
	for _, c := range simpleCases {
		f.Add(c.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 16<<10 {
			return
		}
		compareTrees(t, src)
	})
}

func compareTrees(t *testing.T, src string) {
	t.Helper()
	simple, ok := simpleTree(src)
	if !ok {
		return
	}
	parsed, err := parseFragment(src)
	if err != nil {
		t.Fatalf("simpleTree built %q, which the parser refuses: %v", src, err)
	}
	if a, b := dump(simple), dump(parsed); a != b {
		t.Fatalf("trees of %q differ:\nsimple: %s\nparser: %s", src, a, b)
	}
	for _, opt := range []Options{{}, {KeepNewlines: true}} {
		if a, b := convertNodes(simple, opt), convertNodes(parsed, opt); a != b {
			t.Fatalf("markdown of %q (%+v) differs:\nsimple: %q\nparser: %q", src, opt, a, b)
		}
	}
}

// dump writes nodes with every field the converter reads, text node
// boundaries included.
func dump(nodes []*html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString("text(" + n.Data + ")")
		case html.ElementNode:
			b.WriteString("<" + n.Namespace + ":" + n.Data + ":" + n.DataAtom.String())
			// In order of name: the parser reorders those of a
			// formatting element, and the converter looks them up by name.
			attrs := slices.Clone(n.Attr)
			slices.SortFunc(attrs, func(x, y html.Attribute) int { return strings.Compare(x.Key, y.Key) })
			for _, a := range attrs {
				b.WriteString(" " + a.Namespace + ":" + a.Key + "=" + a.Val)
			}
			b.WriteString(">")
		default:
			b.WriteString("node")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		b.WriteString("/")
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String()
}
