package markup

import (
	"html"
	"regexp"
	"testing"
)

// shownImage is the one form of <img> RenderCommentImages writes.
var shownImage = regexp.MustCompile(`<img src="([^"]*)" alt="[^"<>]*" loading="lazy">`)

// FuzzRenderCommentImages: even when the caller allows every address, the
// only images in the output are <img> with a src of the allowed pattern,
// an alt text and loading="lazy"; without them the output keeps every
// promise of Render (unsafeHTML).
func FuzzRenderCommentImages(f *testing.F) {
	upload := "https://parley.example/uploads/abcdefghijklmnopqrstuvwxyz.png"
	for _, s := range []string{"![a](" + upload + ")", "![a](https://evil.example/x.png)", "[![a](" + upload + ")](https://l.example)",
		`![a" onerror="x](` + upload + `)`, "![](" + upload + "?x)", "![a](" + upload + " \"title\")", "<img src=" + upload + ">"} {
		f.Add(s)
	}
	for _, tc := range renderCases {
		f.Add(tc.src)
	}
	pattern := regexp.MustCompile(`^https://parley\.example/uploads/[a-z2-7]{26}\.(?:jpg|png)$`)
	r := WithImages(pattern)
	f.Fuzz(func(t *testing.T, src string) {
		out, err := r.RenderCommentImages(src, func(string) bool { return true })
		if err != nil {
			return
		}
		for _, m := range shownImage.FindAllStringSubmatch(out, -1) {
			if !pattern.MatchString(html.UnescapeString(m[1])) {
				t.Fatalf("RenderCommentImages(%q) shows %q:\n%s", src, m[1], out)
			}
		}
		if msg := unsafeHTML(shownImage.ReplaceAllString(out, "")); msg != "" {
			t.Fatalf("RenderCommentImages(%q) is unsafe: %s\n%s", src, msg, out)
		}
	})
}
