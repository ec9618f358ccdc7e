package markup_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/markup"
)

// uploads is what media.UploadURLPattern gives for https://parley.example.
var uploads = regexp.MustCompile(`^https://parley\.example/uploads/[a-z2-7]{26}\.(?:jpg|png)$`)

const upload = "https://parley.example/uploads/abcdefghijklmnopqrstuvwxyz.jpg"

// TestRenderCommentImagesShowsOnlyAllowedUploads: an image is shown only
// when the caller allows its address and it is an upload of this Parley;
// every other image stays a link, as in any comment.
func TestRenderCommentImagesShowsOnlyAllowedUploads(t *testing.T) {
	all := func(string) bool { return true }
	only := func(dest string) bool { return dest == upload }
	tests := []struct {
		name, src string
		r         *markup.Renderer
		show      func(string) bool
		want      string // exact HTML
	}{
		{"allowed upload", "look ![a *cat*](" + upload + ")", markup.WithImages(uploads), only,
			`<p>look <img src="` + upload + `" alt="a cat" loading="lazy"></p>`},
		{"only the image", "![](" + upload + ")", markup.WithImages(uploads), only,
			`<p><img src="` + upload + `" alt="" loading="lazy"></p>`},
		{"upload the caller did not allow", "![cat](" + upload + ")", markup.WithImages(uploads), func(string) bool { return false },
			`<p><a href="` + upload + `" rel="nofollow ugc noopener" target="_blank">cat</a></p>`},
		{"other host allowed by the caller", "![cat](https://evil.example/uploads/abcdefghijklmnopqrstuvwxyz.jpg)", markup.WithImages(uploads), all,
			`<p><a href="https://evil.example/uploads/abcdefghijklmnopqrstuvwxyz.jpg" rel="nofollow ugc noopener" target="_blank">cat</a></p>`},
		{"renderer without images", "![cat](" + upload + ")", markup.New(), all,
			`<p><a href="` + upload + `" rel="nofollow ugc noopener" target="_blank">cat</a></p>`},
		{"inside a link", "[![cat](" + upload + ")](https://x.example)", markup.WithImages(uploads), all,
			`<p><a href="https://x.example" rel="nofollow ugc noopener" target="_blank">cat</a></p>`},
		{"attribute breakout", `![x" onerror="alert(1)](` + upload + `)`, markup.WithImages(uploads), only,
			`<p><img src="` + upload + `" alt="x&#34; onerror=&#34;alert(1)" loading="lazy"></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.RenderCommentImages(tt.src, tt.show)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestImages lists image addresses in order, up to the bound.
func TestImages(t *testing.T) {
	got := markup.New().Images("![a](https://a.example/1.png) text [link](https://l.example) ![b](https://b.example/2.png) ![c](https://c.example/3.png)", 2)
	if strings.Join(got, " ") != "https://a.example/1.png https://b.example/2.png" {
		t.Errorf("Images = %q", got)
	}
}
