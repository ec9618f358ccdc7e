package markup

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/text"
)

// goldmarkHTML is what goldmark writes for src, before any sanitizing.
func goldmarkHTML(r *Renderer, src string) []byte {
	source := []byte(src)
	doc := r.markdown.Parser().Parse(text.NewReader(source))
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	if err := r.markdown.Renderer().Render(bw, source, doc); err != nil {
		panic(err)
	}
	bw.Flush()
	return buf.Bytes()
}

// fastCleanCorpus are markdown inputs for the comparisons below: the golden
// cases (attacks included), the nesting benchmarks and links of every shape
// the policy treats apart.
func fastCleanCorpus(t testing.TB) []string {
	var srcs []string
	for _, tc := range renderCases {
		srcs = append(srcs, tc.src)
	}
	for _, bm := range nestingBenchmarks {
		srcs = append(srcs, bm.src)
	}
	srcs = append(srcs,
		"[a](https://example.com/a?b=1&c='x'&d=\"y\")", "[a](HTTPS://Example.COM/)", "[a](https://example.com/%zz)",
		"[a](https://exa mple.com/)", "[a](https://example.com/a b)", "[a](https://[::1]:80/x)", "[a](https://example.com:99999/)",
		"[a](mailto:me@example.com?subject=hi%20there)", "[a](https://user:pass@example.com/)", "[a](https://example.com/#frag'x)",
		"<https://example.com/a<b>", "https://example.com/\u00e9t\u00e9 and www.example.com/x?y=1&z=2", "me@example.com",
		"[a](https://example.com/\u00e9)", "[a](<https://example.com/a b>)", "[a](https://example.com/a%20b)",
		"It's \"quoted\" & <b>bold</b> &copy; &#169; &#xA9; &amp; &ampx &lt;3",
		"```c++\nint x = a<b && c>d;\n```", "3. three\n4. four", "1234567890. big", "a\r\nb", "nul \x00 byte", "tab\tand\u00a0nbsp",
		"~~gone~~ **bold _both_** `code & <tags>`", "> quote\n>> deeper", "- [ ] task\n- [x] done",
	)
	for _, name := range []string{"*.golden"} {
		files, _ := filepath.Glob(filepath.Join("testdata", name))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			srcs = append(srcs, string(b)) // HTML, read as markdown: raw HTML and entities of every kind
		}
	}
	return srcs
}

// TestFastCleanAgreesWithThePolicy: for every input of the corpus, the
// shortcut either steps aside or gives exactly what bluemonday gives, both
// on goldmark's HTML and through Render; and the common shapes of a
// comment (text with quotes and apostrophes, emphasis, links, lists, code)
// do take it, or it would save nothing.
func TestFastCleanAgreesWithThePolicy(t *testing.T) {
	fast, slow := New(), New()
	slow.slowClean = true
	took := 0
	for _, src := range fastCleanCorpus(t) {
		raw := goldmarkHTML(fast, src)
		if got, ok := fastClean(raw); ok {
			took++
			if want := fast.policy.Sanitize(string(raw)); got != want {
				t.Errorf("fastClean of %q:\n%q\nbluemonday:\n%q", raw, got, want)
			}
		}
		if got, want := fast.Render(src), slow.Render(src); got != want {
			t.Errorf("Render(%q):\n%q\nthrough bluemonday:\n%q", src, got, want)
		}
	}
	t.Logf("%d inputs took the shortcut", took)
	for _, src := range []string{
		"Benchmark comment 1-2 with *some* markdown and a [link](https://example.com).",
		"It's \"quoted\" & so 3 < 4 > 2\nnext line\n\nnew paragraph",
		"typed <b>raw</b> HTML",
		"- one\n- two\n\n3. three\n4. four\n\n> quoted **strong** ~~del~~ `code`",
		"```go\nfmt.Println(\"x\")\n```",
		"bare https://example.com/a?b=1&c=2 and me@example.com and [mail](mailto:me@example.com)",
	} {
		if _, ok := fastClean(goldmarkHTML(fast, src)); !ok {
			t.Errorf("%q did not take the shortcut: %q", src, goldmarkHTML(fast, src))
		}
	}
}

// FuzzFastClean: whatever HTML it is given, the shortcut steps aside or
// gives exactly what bluemonday gives; and for whatever markdown, Render
// gives what it gives through bluemonday.
func FuzzFastClean(f *testing.F) {
	r := New()
	for _, src := range fastCleanCorpus(f) {
		f.Add(src)
		f.Add(string(goldmarkHTML(r, src)))
	}
	slow := New()
	slow.slowClean = true
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := fastClean([]byte(s)); ok {
			if want := r.policy.Sanitize(s); got != want {
				t.Fatalf("fastClean(%q) = %q, bluemonday %q", s, got, want)
			}
		}
		if got, want := r.Render(s), slow.Render(s); got != want && !strings.Contains(s, "\x00") {
			t.Fatalf("Render(%q) = %q, through bluemonday %q", s, got, want)
		}
	})
}
