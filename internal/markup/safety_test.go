package markup

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// eventHandler matches an on* attribute inside a tag.
var eventHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)

// allowedAttrs is every element Render may emit, with the attributes it may
// carry. It restates the policy independently of bluemonday.
var allowedAttrs = map[string][]string{
	"p": nil, "br": nil, "em": nil, "strong": nil, "del": nil, "pre": nil,
	"blockquote": nil, "ul": nil, "li": nil,
	"ol":   {"start"},
	"code": {"class"},
	"a":    {"href", "rel", "target"},
}

// unsafeHTML returns the first way out breaks what package markup promises,
// or "" if it keeps every promise.
func unsafeHTML(out string) string {
	lower := strings.ToLower(out)
	for _, s := range []string{"<script", "<img", "<iframe", "<style"} {
		if strings.Contains(lower, s) {
			return "contains " + s
		}
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := string(z.Raw())
			if eventHandler.MatchString(raw) {
				return "event handler in " + raw
			}
			if msg := unsafeTag(z.Token()); msg != "" {
				return msg + " in " + raw
			}
		}
	}
}

func unsafeTag(tok html.Token) string {
	allowed, ok := allowedAttrs[tok.Data]
	if !ok {
		return "element " + tok.Data
	}
	attrs := map[string]string{}
	for _, a := range tok.Attr {
		if !slices.Contains(allowed, a.Key) {
			return "attribute " + a.Key
		}
		attrs[a.Key] = a.Val
	}
	switch tok.Data {
	case "a":
		return unsafeLink(attrs)
	case "code":
		if c, ok := attrs["class"]; ok && !regexp.MustCompile(`^language-[a-zA-Z0-9_+-]+$`).MatchString(c) {
			return "class " + c
		}
	}
	return ""
}

// unsafeLink checks an <a>'s attributes. The scheme test strips what a
// browser strips before reading a scheme, so "java\tscript:" is caught too.
func unsafeLink(attrs map[string]string) string {
	href, ok := attrs["href"]
	if !ok {
		return "link without href"
	}
	if attrs["rel"] != linkRel {
		return fmt.Sprintf("rel %q", attrs["rel"])
	}
	squeezed := strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(href))
	for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(squeezed, scheme) {
			return "href " + scheme
		}
	}
	u, err := url.Parse(href)
	if err != nil {
		return "unparsable href"
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "href without host"
		}
	case "mailto":
	default:
		return fmt.Sprintf("href scheme %q", u.Scheme)
	}
	return ""
}

// TestUnsafeHTML shows that the checker FuzzRender relies on does catch
// each kind of breach; a checker that passes everything would make the fuzz
// test worthless.
func TestUnsafeHTML(t *testing.T) {
	const rel = ` rel="` + linkRel + `"`
	bad := []string{
		`<script>alert(1)</script>`,
		`<p onclick="alert(1)">x</p>`,
		`<p ONMOUSEOVER = x>x</p>`,
		`<img src=x>`,
		`<iframe src=https://x.example></iframe>`,
		`<style>p{}</style>`,
		`<div>x</div>`,
		`<p class="x">x</p>`,
		`<code class="x y">x</code>`,
		`<a` + rel + `>x</a>`,
		`<a href="https://x.example">x</a>`,
		`<a href="javascript:alert(1)"` + rel + `>x</a>`,
		`<a href="java&#x09;script:alert(1)"` + rel + `>x</a>`,
		`<a href="VBScript:x"` + rel + `>x</a>`,
		`<a href="data:text/html,x"` + rel + `>x</a>`,
		`<a href="/relative"` + rel + `>x</a>`,
		`<a href="https:no-host"` + rel + `>x</a>`,
		`<a href="ftp://x.example"` + rel + `>x</a>`,
	}
	for _, out := range bad {
		if unsafeHTML(out) == "" {
			t.Errorf("unsafeHTML(%q) found nothing", out)
		}
	}
	good := `<p>on=1 <a href="https://x.example"` + rel + ` target="_blank">x</a></p><pre><code class="language-go">x</code></pre>`
	if msg := unsafeHTML(good); msg != "" {
		t.Errorf("unsafeHTML(%q) = %q, want \"\"", good, msg)
	}
}
