package markup

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// showImage marks an image node that the caller of RenderCommentImages
// allowed to show: renderLink writes it as <img> instead of a link.
var showImage = []byte("parley-show")

// WithImages returns a Renderer that can show images whose address matches
// src entirely (in practice media.UploadURLPattern: an image uploaded to
// this Parley), when the caller of RenderCommentImages allows each one.
// Its allow-list accepts <img> with such a src, an alt text and
// loading="lazy", and nothing else more than New's.
func WithImages(src *regexp.Regexp) *Renderer {
	r := New()
	r.images = newPolicy()
	r.images.AllowAttrs("src").Matching(src).OnElements("img")
	r.images.AllowAttrs("alt").OnElements("img")
	r.images.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	return r
}

// Images returns the addresses of the images in src's markdown, in order,
// at most max of them.
func (r *Renderer) Images(src string, max int) []string {
	var out []string
	source := []byte(src)
	doc := r.markdown.Parser().Parse(text.NewReader(source))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && len(out) < max {
			out = append(out, string(img.Destination))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// RenderCommentImages renders src as RenderComment does, except that an
// image whose address show accepts is written as <img src alt
// loading="lazy"> instead of a link to it, when this Renderer was made by
// WithImages and the address matches its pattern; an image inside a link
// stays text. Every other image is a link, as in Render. A nil show, or a
// Renderer from New, shows none.
func (r *Renderer) RenderCommentImages(src string, show func(dest string) bool) (string, error) {
	return r.checkComment(src, r.render(src, show))
}

// render is Render, showing the images show accepts (nil: none).
func (r *Renderer) render(src string, show func(string) bool) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	source := []byte(src)
	doc := r.markdown.Parser().Parse(text.NewReader(source))
	policy := r.policy
	if show != nil && r.images != nil {
		policy = r.images
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if img, ok := n.(*ast.Image); ok && entering && show(string(img.Destination)) {
				img.SetAttribute(showImage, true)
			}
			return ast.WalkContinue, nil
		})
	}
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2)
	// goldmark writes through a bufio.Writer, 4 KiB a comment unless
	// given one: they are pooled.
	bw := bufWriters.Get().(*bufio.Writer)
	bw.Reset(&buf)
	err := r.markdown.Renderer().Render(bw, source, doc)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	bufWriters.Put(bw)
	if err != nil {
		// Writing to a bytes.Buffer cannot fail and no node renderer returns
		// an error, so this is unreachable; fail closed all the same.
		return ""
	}
	out, ok := "", false
	if policy == r.policy && !r.slowClean {
		out, ok = fastClean(buf.Bytes())
		out = strings.TrimSpace(out)
	}
	if !ok {
		out = string(bytes.TrimSpace(policy.SanitizeBytes(buf.Bytes())))
	}
	if policy == r.images && imageWithoutSource(out) {
		// The allow-list removed the src of an image goldmark wrote: the
		// caller allowed an address of elsewhere. Show no image at all.
		return r.render(src, nil)
	}
	return out
}

// bufWriters are the writers render gives goldmark.
var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}

// imageWithoutSource reports whether the HTML out has an <img> without src.
func imageWithoutSource(out string) bool {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			if name, _ := z.TagName(); string(name) == "img" && !hasAttr(z, "src") {
				return true
			}
		}
	}
}

func hasAttr(z *html.Tokenizer, name string) bool {
	for {
		key, _, more := z.TagAttr()
		if string(key) == name {
			return true
		}
		if !more {
			return false
		}
	}
}

// shown reports whether n is an image the caller allowed (showImage) that
// is not inside a link, and its address.
func shown(n ast.Node) ([]byte, bool) {
	img, ok := n.(*ast.Image)
	if !ok {
		return nil, false
	}
	if _, ok := img.Attribute(showImage); !ok || insideLink(n) {
		return nil, false
	}
	return linkHref(util.URLEscape(img.Destination, true))
}

// writeImage writes an image that shown accepts as <img>, its alt text
// the text of its children.
func writeImage(w util.BufWriter, source []byte, n ast.Node, href []byte) {
	_, _ = w.WriteString(`<img src="`)
	_, _ = w.Write(util.EscapeHTML(href))
	_, _ = w.WriteString(`" alt="`)
	_, _ = w.Write(util.EscapeHTML(altText(source, n, nil)))
	_, _ = w.WriteString(`" loading="lazy">`)
}

// altText appends the text of n's descendants to out.
func altText(source []byte, n ast.Node, out []byte) []byte {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			out = append(out, c.Segment.Value(source)...)
		case *ast.String:
			out = append(out, c.Value...)
		default:
			out = altText(source, c, out)
		}
	}
	return out
}
