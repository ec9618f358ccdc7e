package markup

import (
	"bytes"
	"net/url"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// linkRel is set on every link: the link is the commenter's, not the site's
// (nofollow ugc), and the opened page gets no handle on the comment's page
// (noopener).
const linkRel = "nofollow ugc noopener"

// linkRenderer writes links, autolinks and images. A link is written only when
// its URL is one a comment may link to and it is not inside another link;
// otherwise only its text is written. An image is written as a link to the
// image with its alt text, so reading a comment never loads anything;
// except an image the caller of RenderCommentImages allowed (image.go).
//
// It holds no state, so one value serves concurrent renders.
type linkRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindImage, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
}

// renderLink writes a Link or an Image. Its children, the link text or the
// image's alt text, are walked as usual between the tags.
func renderLink(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if href, ok := shown(n); ok {
		if entering {
			writeImage(w, source, n, href)
		}
		return ast.WalkSkipChildren, nil
	}
	var dest []byte
	switch n := n.(type) {
	case *ast.Link:
		dest = n.Destination
	case *ast.Image:
		dest = n.Destination
	}
	href, ok := linkHref(util.URLEscape(dest, true))
	if !ok || insideLink(n) {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	writeOpenTag(w, href)
	if !n.HasChildren() {
		// ![](https://x/cat.png) has no alt text; the link shows its URL.
		_, _ = w.Write(util.EscapeHTML(href))
	}
	return ast.WalkContinue, nil
}

// renderAutoLink writes <https://x>, <me@x.org> and the bare URLs and email
// addresses that linkify finds. Its label is not markdown, so it has no
// children.
func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	label := util.EscapeHTML(n.Label(source))
	dest := util.URLEscape(n.URL(source), false)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(dest), []byte("mailto:")) {
		dest = append([]byte("mailto:"), dest...)
	}
	href, ok := linkHref(dest)
	if !ok || insideLink(n) {
		_, _ = w.Write(label)
		return ast.WalkContinue, nil
	}
	writeOpenTag(w, href)
	_, _ = w.Write(label)
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}

func writeOpenTag(w util.BufWriter, href []byte) {
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(href))
	_, _ = w.WriteString(`" rel="` + linkRel + `" target="_blank">`)
}

// linkHref reports whether a comment may link to href, which is already
// URL-escaped exactly as it will be written. Only absolute http and https
// URLs with a host, and mailto URLs with an address, are allowed: a relative
// URL would resolve against whichever site embeds the comment.
//
// Checking the escaped form is what makes this sound: escaping turns any
// whitespace or control character a browser would skip inside a scheme
// ("java\tscript:") into %XX, which url.Parse does not read as a scheme.
func linkHref(href []byte) ([]byte, bool) {
	u, err := url.Parse(string(href))
	if err != nil {
		return nil, false
	}
	switch u.Scheme { // url.Parse lower-cases the scheme.
	case "http", "https":
		return href, u.Host != ""
	case "mailto":
		return href, u.Opaque != ""
	}
	return nil, false
}

// insideLink reports whether n is inside a link or image, where a second
// <a> would nest anchors; the inner one is written as text.
func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink || p.Kind() == ast.KindImage {
			return true
		}
	}
	return false
}
