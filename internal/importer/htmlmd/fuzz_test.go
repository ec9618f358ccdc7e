package htmlmd

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/markup"
)

// FuzzConvert checks that any HTML converts without panicking, to valid
// UTF-8 when the input is, and to markdown whose rendering never carries
// a script: the converter must not turn escaped text back into markup.
//
//	go test ./internal/importer/htmlmd -run '^$' -fuzz FuzzConvert -fuzztime 30s
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"<p>Hey, <b>wow</b> <a href=\"https://x.example\">x</a></p>",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"<pre><code>```\nx</code></pre>",
		"<ul><li>a<ul><li>b</li></ul></li></ul><blockquote>q</blockquote>",
		"line\n\nline\n",
		"<a href=\"javascript:alert(1)\">x</a><img src=x onerror=alert(1)>",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	r := markup.New()
	f.Fuzz(func(t *testing.T, src string, keepNewlines bool) {
		if len(src) > 64<<10 {
			return
		}
		md := Convert(src, Options{KeepNewlines: keepNewlines})
		if utf8.ValidString(src) && !utf8.ValidString(md) {
			t.Fatalf("Convert(%q) = %q: invalid UTF-8", src, md)
		}
		if html := strings.ToLower(r.Render(md)); strings.Contains(html, "<script") || strings.Contains(html, "javascript:") && strings.Contains(html, "href=\"javascript:") {
			t.Fatalf("Convert(%q) renders a script: %q", src, html)
		}
	})
}
