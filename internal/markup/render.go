package markup

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Renderer converts comment markdown to sanitized HTML.
// Renderer is safe for concurrent use.
type Renderer struct {
	markdown goldmark.Markdown
	policy   *bluemonday.Policy
	images   *bluemonday.Policy // policy with <img> of allowed sources (WithImages); nil: none
	// slowClean, set by tests, sends everything through bluemonday
	// (fastClean is skipped), to compare the two.
	slowClean bool
}

// New returns a Renderer for comment markdown.
func New() *Renderer {
	return &Renderer{markdown: newMarkdown(), policy: newPolicy()}
}

// Render converts comment markdown to sanitized HTML. Empty/whitespace input returns "".
//
// The same input always gives the same output. Blocks are separated by a
// newline; the result has no leading or trailing whitespace.
//
// Blockquotes and lists nest at most MaxNesting deep. Render does not limit
// the size of src or of its output (see RenderComment for that), and
// goldmark's cost grows faster than the input for some shapes (16 KiB of
// "[a](" takes tens of milliseconds, see BenchmarkRenderUnclosedLinks):
// callers cap comment length before rendering.
func (r *Renderer) Render(src string) string {
	return r.render(src, nil)
}

// newMarkdown builds a goldmark that parses only what a comment may contain.
// The heading parsers are left out so that "# x" and "x\n===" stay text,
// ruleParser keeps "---" as text, and there is no table extension. Raw HTML
// is still parsed, so that goldmark's default renderer can drop it whole.
func newMarkdown() goldmark.Markdown {
	blocks := parser.WithBlockParsers(
		util.Prioritized(ruleParser{}, 200),
		util.Prioritized(nestingCap{BlockParser: parser.NewListParser(), peeks: true}, 300),
		util.Prioritized(parser.NewListItemParser(), 400),
		util.Prioritized(parser.NewCodeBlockParser(), 500),
		util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
		util.Prioritized(nestingCap{BlockParser: parser.NewBlockquoteParser()}, 800),
		util.Prioritized(parser.NewHTMLBlockParser(), 900),
		util.Prioritized(parser.NewParagraphParser(), 1000),
	)
	return goldmark.New(
		goldmark.WithParser(parser.NewParser(
			blocks,
			parser.WithInlineParsers(parser.DefaultInlineParsers()...),
			parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		)),
		goldmark.WithExtensions(
			extension.Strikethrough,
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
		),
		goldmark.WithRendererOptions(
			html.WithHardWraps(),
			// Priority below the default HTML renderer's 1000 wins the kinds
			// both register.
			renderer.WithNodeRenderers(
				util.Prioritized(linkRenderer{}, 100),
				util.Prioritized(ruleRenderer{}, 100),
			),
		),
	)
}

// What newPolicy allows, which fastClean keeps as it is too.
var (
	// policyElements are the elements allowed besides <a>.
	policyElements = []string{"p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li"}
	// codeClass: the only class goldmark writes is a fenced block's language.
	codeClass = regexp.MustCompile(`^language-[a-zA-Z0-9_+-]+$`)
	// listStart: a list written from "3." keeps its numbering.
	listStart = regexp.MustCompile(`^[0-9]{1,9}$`)
	// linkSchemes are the schemes a link may have.
	linkSchemes = []string{"http", "https", "mailto"}
)

// newPolicy builds the allow-list that the HTML must pass whatever goldmark
// wrote. It is spelled out element by element rather than starting from
// UGCPolicy, so that a bluemonday upgrade cannot widen it.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(policyElements...)
	p.AllowAttrs("class").Matching(codeClass).OnElements("code")
	p.AllowAttrs("start").Matching(listStart).OnElements("ol")

	p.AllowAttrs("href").OnElements("a")
	p.RequireParseableURLs(true)
	p.AllowURLSchemes(linkSchemes...)
	// A comment is shown on other sites, where a relative link would point
	// somewhere its writer never saw.
	p.AllowRelativeURLs(false)
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^_blank$`)).OnElements("a")
	// Backstops: should an <a> ever arrive without goldmark's rel, it still
	// gets nofollow, and noopener with its target.
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}
