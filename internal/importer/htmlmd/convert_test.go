package htmlmd

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/markup"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opt  Options
		want string
	}{
		{"plain", "Hello, world.", Options{}, "Hello, world."},
		{"paragraphs", "<p>Hey, wow!</p><p>// Amazing post.</p>", Options{}, "Hey, wow!\n\n// Amazing post."},
		{"link", `<p>Check <a href="http://example.example" rel="nofollow noopener" title="example">example</a>.</p>`, Options{},
			"Check [example](http://example.example)."},
		{"link same as text", `<a href="https://x.example/a_b">https://x.example/a_b</a>`, Options{}, "<https://x.example/a_b>"},
		{"relative link keeps text", `<a href="/about">about us</a>`, Options{}, "about us"},
		{"javascript link keeps text", `<a href="javascript:alert(1)">click</a>`, Options{}, "click"},
		{"br", "one<br>two<br/>three", Options{}, "one\ntwo\nthree"},
		{"emphasis", "a <b>bold</b> and <i>italic</i> and <strike>gone</strike>", Options{}, "a **bold** and *italic* and ~~gone~~"},
		{"emphasis spaces move out", "a<strong> bold </strong>word", Options{}, "a **bold** word"},
		{"empty emphasis", "a<b> </b>b", Options{}, "a b"},
		{"escapes", "2 * 3 = 6, a_b, [x](y), &lt;not a tag&gt;, `tick`", Options{}, `2 \* 3 = 6, a\_b, \[x\](y), \<not a tag\>, ` + "\\`tick\\`"},
		{"entity text stays text", "&amp;lt; and &amp;copy;", Options{}, `\&lt; and \&copy;`},
		{"bare url not escaped", "see https://example.com/a_b_c now", Options{}, "see https://example.com/a_b_c now"},
		{"list marker at line start", "<p>- not a list</p><p>1. not a list either</p>", Options{}, "\\- not a list\n\n1\\. not a list either"},
		{"blockquote", "<blockquote><p>quoted</p><p>more</p></blockquote><p>reply</p>", Options{}, "> quoted\n>\n> more\n\nreply"},
		{"lists", "<ul><li>one</li><li>two</li></ul><ol start=\"3\"><li>three</li></ol>", Options{}, "- one\n- two\n\n3. three"},
		{"code", "run <code>go test</code> now", Options{}, "run `go test` now"},
		{"code with ticks", "<code>a`b</code>", Options{}, "``a`b``"},
		{"pre", "<pre><code class=\"language-go\">func main() {\n\tx := 1\n}</code></pre>", Options{}, "```go\nfunc main() {\n\tx := 1\n}\n```"},
		{"script dropped", "hi<script>alert(1)</script> there", Options{}, "hi there"},
		{"style dropped", "<style>p{}</style>text", Options{}, "text"},
		{"image", `<img src="https://img.example/a.png" alt="a cat">`, Options{}, "![a cat](https://img.example/a.png)"},
		{"heading", "<h2>Title</h2>text", Options{}, "**Title**\n\ntext"},
		{"collapse", "a\n   b\n\n c", Options{}, "a b c"},
		{"wordpress newlines", "When you have a comment with multiple lines:\nWordPress exports it like this.", Options{KeepNewlines: true},
			"When you have a comment with multiple lines:\nWordPress exports it like this."},
		{"wordpress paragraphs", "first\n\nsecond\n\n\nthird", Options{KeepNewlines: true}, "first\n\nsecond\n\nthird"},
		{"wordpress entity", "view the post&#039;s comments.<br />Yes", Options{KeepNewlines: true}, "view the post's comments.\nYes"},
		{"wordpress indentation is not code", "a\n    indented", Options{KeepNewlines: true}, "a\nindented"},
		{"link rewrite", `<a href="http://disq.us/x">t</a>`, Options{Link: func(string) string { return "https://real.example/" }}, "[t](https://real.example/)"},
		{"link with parens", `<a href="https://en.wikipedia.org/wiki/Go_(language)">Go</a>`, Options{}, "[Go](<https://en.wikipedia.org/wiki/Go_(language)>)"},
		{"unicode", "<p>Ünïcödé — 日本語 😀</p>", Options{}, "Ünïcödé — 日本語 😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Convert(tt.src, tt.opt); got != tt.want {
				t.Errorf("Convert(%q)\n got %q\nwant %q", tt.src, got, tt.want)
			}
		})
	}
}

// TestConvertRendersFaithfully checks what a reader sees: the markdown,
// rendered by Parley's own renderer, shows the source's words and structure.
func TestConvertRendersFaithfully(t *testing.T) {
	r := markup.New()
	tests := []struct {
		src  string
		opt  Options
		want string
	}{
		{"<p>Hi Moritz,</p><p>thanks for reading! </p>", Options{}, "<p>Hi Moritz,</p>\n<p>thanks for reading!</p>"},
		{"2 * 3 * 4 and a_b_c and &lt;x&gt;", Options{}, "<p>2 * 3 * 4 and a_b_c and &lt;x&gt;</p>"},
		{"line one\nline two", Options{KeepNewlines: true}, "<p>line one<br>\nline two</p>"},
		{`<b>bold</b> <a href="https://x.example">x</a>`, Options{}, `<p><strong>bold</strong> <a href="https://x.example" rel="nofollow ugc noopener" target="_blank">x</a></p>`},
		{"&amp;copy; stays", Options{}, "<p>&amp;copy; stays</p>"},
		{"<p>- item?</p>", Options{}, "<p>- item?</p>"},
	}
	for _, tt := range tests {
		md := Convert(tt.src, tt.opt)
		if got := r.Render(md); got != tt.want {
			t.Errorf("render(Convert(%q)) = %q (markdown %q), want %q", tt.src, got, md, tt.want)
		}
	}
}

func TestConvertDeepNesting(t *testing.T) {
	src := strings.Repeat("<span>", 5000) + "deep" + strings.Repeat("</span>", 5000)
	if got := Convert(src, Options{}); got != "deep" {
		t.Errorf("deeply nested text = %.100q…, want %q", got, "deep")
	}
}
