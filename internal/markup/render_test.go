package markup

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// renderCases are the golden cases: testdata/NAME.golden holds the HTML that
// src renders to. They also seed FuzzRender.
var renderCases = []struct {
	name string
	src  string
}{
	// The supported subset.
	{"paragraph", "Hello, world."},
	{"paragraphs", "First paragraph.\n\nSecond paragraph."},
	{"hard_wrap", "line one\nline two\nline three"},
	{"emphasis", "*star* and _underscore_"},
	{"strong", "**star** and __underscore__"},
	{"strikethrough", "~~gone~~ and ~also gone~"},
	{"inline_code", "run `go test ./...` and write `<b>` literally"},
	{"fenced_code", "```go\nfunc main() {\n\tfmt.Println(\"<hi> & bye\")\n}\n```"},
	{"fenced_code_plus_language", "```c++\nint x = 1;\n```"},
	{"fenced_code_no_language", "```\nplain\n```"},
	{"indented_code", "    four spaces\n    of code"},
	{"blockquote", "> quoted\n> still quoted\n\nmy reply"},
	{"blockquote_nested", "> outer\n>> inner"},
	{"unordered_list", "- one\n- two\n  - nested\n* star"},
	{"ordered_list", "1. one\n2. two\n3. three"},
	{"ordered_list_start", "3. three\n4. four"},
	{"link", "[Parley](https://parley.example/docs?a=1&b=2#top)"},
	{"link_title_dropped", `[x](https://example.com "a title")`},
	{"link_reference", "[the docs][d]\n\n[d]: https://docs.example/guide"},
	{"link_mailto", "[mail me](mailto:me@example.com)"},
	{"link_uppercase_scheme", "[x](HTTPS://EXAMPLE.COM/Path)"},
	{"link_relative", "[home](/) [up](../x) [protocol-relative](//evil.example/x) [fragment](#top) [query](?q=1)"},
	{"link_without_host", "[x](https:evil.example) [y](http:///path) [z](mailto:)"},
	{"link_other_schemes", "[ftp](ftp://files.example) [file](file:///etc/passwd) [tel](tel:123)"},
	{"autolink_bare", "see https://example.com/path for more"},
	{"autolink_trailing_punctuation", "Is it https://example.com/a? Yes (https://example.com/b)."},
	{"autolink_www", "go to www.example.com/path?q=1&r=2."},
	{"autolink_angle", "<https://example.com/a>"},
	{"autolink_email", "write to me@example.com or <you@example.com>."},
	{"autolink_ftp_stays_text", "ftp://files.example/x"},
	{"image", "![a *cat*](https://example.com/cat.png)"},
	{"image_without_alt", "![](https://example.com/cat.png)"},
	{"image_in_link", "[![alt](https://img.example/x.png)](https://link.example)"},
	{"image_relative", "![alt](/cat.png)"},
	{"escapes", `\*not emphasis\* and 1\. not a list and \[not a link\](https://x.example)`},
	{"unicode", "Ünïcödé — 日本語 😀"},
	{"mixed", "Thanks **Ana**!\nI tried `make test`:\n\n> it works\n\n1. clone\n2. run\n\nMore at https://example.com."},

	// Markdown a comment does not support stays as typed.
	{"heading_atx", "# Title\n## Subtitle\n###### six"},
	{"heading_setext", "Title\n=====\n\nSub\n---"},
	{"rule", "above\n\n---\n\n* * *\n\n_ _ _\n\nbelow"},
	{"rule_after_text", "text\n---\nmore"},
	{"table", "| a | b |\n|---|---|\n| 1 | 2 |"},
	{"task_list", "- [ ] todo\n- [x] done"},

	// Hostile input.
	{"script_block", "<script>alert(1)</script>"},
	{"script_inline", "hi <script>alert(1)</script> there"},
	{"script_unclosed", "<script src=https://evil.example/x.js>"},
	{"javascript_link", "[x](javascript:alert(1))"},
	{"javascript_mixed_case", "[x](JaVaScRiPt:alert(1))"},
	{"javascript_entities", "[a](&#106;avascript:alert(1)) [b](&#x6A;&#x61;vascript:alert(1)) [c](javascript&colon;alert(1)) [d](&#0000106avascript:alert(1))"},
	{"javascript_whitespace", "[a](java&#x09;script:alert(1)) [b](<java\tscript:alert(1)>) [c](<  javascript:alert(1)>) [d](java&#x0A;script:alert(1))"},
	{"javascript_percent", "[a](javascript%3Aalert(1)) [b](%6Aavascript:alert(1))"},
	{"javascript_autolink", "<javascript:alert(1)> and <JAVASCRIPT:alert(1)>"},
	{"javascript_reference", "[x]\n\n[x]: javascript:alert(1)"},
	{"javascript_image", "![x](javascript:alert(1))"},
	{"javascript_in_code", "`[x](javascript:alert(1))`"},
	{"vbscript_link", "[x](vbscript:msgbox(1)) [y](VBScript:msgbox(1))"},
	{"data_link", "[x](data:text/html,<script>alert(1)</script>) [y](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
	{"data_image", "![x](data:image/png;base64,iVBORw0KGgo=)"},
	{"img_tag", "<img src=x onerror=alert(1)>"},
	{"img_tag_inline", "a <img src=x onerror=alert(1)> b"},
	{"anchor_onclick", `<a href="https://x.example" onclick="alert(1)">x</a>`},
	{"event_handler_inline", "x <b onmouseover=alert(1)>bold</b>"},
	{"svg_onload", "<svg onload=alert(1)>"},
	{"iframe", "<iframe src=https://evil.example></iframe>"},
	{"style", "<style>body{display:none}</style>\n\ntext <style>p{}</style>"},
	{"html_comment", "<!-- hidden --> visible"},
	{"html_entities", "&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt; &#60;img src=x onerror=alert(1)&#62; &#x3C;b&#x3E;"},
	{"attribute_breakout_link", `[x](https://example.com/"onmouseover="alert(1)) [y](<https://example.com/ onmouseover=alert(1)>)`},
	{"attribute_breakout_autolink", `https://example.com/"><script>alert(1)</script>`},
	{"attribute_breakout_code_language", "```\"onmouseover=\"alert(1)\nx\n```"},
	{"nested_links", "[a [b](https://b.example)](https://a.example)"},
	{"nested_link_in_image", "![[in](https://in.example)](https://out.example)"},
	{"linkify_in_link", "[https://a.example](https://b.example) [<https://c.example>](https://d.example)"},

	// Nesting deeper than MaxNesting: the extra markers stay text.
	{"nesting_quotes_at_limit", strings.Repeat(">", MaxNesting) + " eight"},
	{"nesting_quotes_past_limit", strings.Repeat(">", 20) + " deep\n" + strings.Repeat(">", 20) + " deeper"},
	{"nesting_lists_past_limit", strings.Repeat("- ", 12) + "deep"},
	{"nesting_ordered_lists_past_limit", strings.Repeat("1. ", 10) + "deep"},
	{"nesting_mixed_past_limit", strings.Repeat("> - ", 6) + "deep"},
	{"nesting_indented_lists_past_limit", nestedByIndent(10)},
}

// nestedByIndent is a list nested levels deep by indentation, one item a level.
func nestedByIndent(levels int) string {
	var b strings.Builder
	for i := range levels {
		fmt.Fprintf(&b, "%s- level %d\n", strings.Repeat("  ", i), i+1)
	}
	return b.String()
}

func TestRenderGolden(t *testing.T) {
	r := New()
	for _, tc := range renderCases {
		t.Run(tc.name, func(t *testing.T) {
			got := r.Render(tc.src)
			if msg := unsafeHTML(got); msg != "" {
				t.Errorf("Render(%q) is unsafe: %s\n%s", tc.src, msg, got)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("Render(%q)\ngot:\n%s\nwant:\n%s", tc.src, got, want)
			}
		})
	}
}

// TestRenderPromises states the promises a reader notices directly, so that
// they hold even if a golden file is regenerated carelessly.
func TestRenderPromises(t *testing.T) {
	r := New()
	tests := []struct {
		name, src, want string
	}{
		{"single newline is a line break", "a\nb", "<p>a<br>\nb</p>"},
		{"heading is text", "# x", "<p># x</p>"},
		{"image is a link", "![cat](https://c.example/cat.png)",
			`<p><a href="https://c.example/cat.png" rel="nofollow ugc noopener" target="_blank">cat</a></p>`},
		{"relative link is text", "[x](/admin)", "<p>x</p>"},
		{"javascript link is text", "[x](javascript:alert(1))", "<p>x</p>"},
		{"raw html is dropped", "<b>x</b>", "<p>x</p>"},
		{"code keeps its language", "```go\nx\n```", "<pre><code class=\"language-go\">x\n</code></pre>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Render(tt.src); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestRenderEmpty(t *testing.T) {
	r := New()
	for _, src := range []string{"", " ", "\n\n", "\t \r\n ", "<!-- only a comment -->", "<script>x</script>"} {
		if got := r.Render(src); got != "" {
			t.Errorf("Render(%q) = %q, want \"\"", src, got)
		}
	}
}

// TestRenderLongInput renders a comment far past any sane length limit, to
// show that size alone changes nothing about what comes out.
func TestRenderLongInput(t *testing.T) {
	const n = 2000
	var b strings.Builder
	for i := range n {
		switch i % 4 {
		case 0:
			b.WriteString("Some *text* with a [link](https://example.com) and https://auto.example.\n\n")
		case 1:
			b.WriteString("[bad](javascript:alert(1)) <script>alert(1)</script> ![img](https://i.example/x.png)\n\n")
		case 2:
			b.WriteString("> quoted **strong** ~~del~~ `code`\n\n")
		case 3:
			b.WriteString("- item\n- <img src=x onerror=alert(1)>\n\n")
		}
	}
	b.WriteString(strings.Repeat("[", 10000) + strings.Repeat("*a", 10000) + strings.Repeat("]", 10000))
	got := New().Render(b.String())
	if msg := unsafeHTML(got); msg != "" {
		t.Fatalf("long input is unsafe: %s", msg)
	}
	// Lists are tight, so their items hold no <p>; the last is the brackets.
	if c, want := strings.Count(got, "<p>"), 3*n/4+1; c != want {
		t.Errorf("got %d paragraphs, want %d", c, want)
	}
	if c := strings.Count(got, "<li>"); c != n/2 {
		t.Errorf("got %d list items, want %d", c, n/2)
	}
	if c := strings.Count(got, "<blockquote>"); c != n/4 {
		t.Errorf("got %d blockquotes, want %d", c, n/4)
	}
}

// TestRenderConcurrent shares one Renderer between goroutines; run with
// -race. Every goroutine must see the output a lone caller sees.
func TestRenderConcurrent(t *testing.T) {
	r := New()
	want := make([]string, len(renderCases))
	for i, tc := range renderCases {
		want[i] = r.Render(tc.src)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i, tc := range renderCases {
				if got := r.Render(tc.src); got != want[i] {
					t.Errorf("%s: concurrent Render = %q, want %q", tc.name, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}

// TestRenderersAgree shows that output depends on the input alone, not on
// which Renderer or how many renders came before.
func TestRenderersAgree(t *testing.T) {
	a, b := New(), New()
	for _, tc := range renderCases {
		first := a.Render(tc.src)
		if again, other := a.Render(tc.src), b.Render(tc.src); again != first || other != first {
			t.Errorf("%s: outputs differ:\n%q\n%q\n%q", tc.name, first, again, other)
		}
	}
}
