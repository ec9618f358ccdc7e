package api_test

import (
	"strconv"
	"strings"
	"testing"
)

// TestInvisibleCommentsAndNamesAreRefused: text that renders to nothing a
// reader can see, text that renders to far more HTML than was typed, and
// names of nothing but format characters are refused with a field error
// on create, edit and preview alike, and nothing is stored.
func TestInvisibleCommentsAndNamesAreRefused(t *testing.T) {
	texts := map[string]string{
		"script only":          "<script>x</script>",
		"zero-width only":      "\u200b\u200d\u2060\ufeff",
		"empty tags":           "<b> </b> <i>\u200b</i>",
		"hangul fillers":       "\u3164\u3164",
		"quotes of nothing":    ">\n\n>>\n\n- \u200b",
		"amplifying quotes":    strings.Repeat(">>>>>>>> q\n\n", 900),
		"amplifying list item": strings.Repeat("-\n", 4000) + "x",
	}
	names := map[string]string{
		"100 zero-width joiners": strings.Repeat("\u200d", 100),
		"bidi controls only":     "\u202e\u202d\u2066\u2069",
		"soft hyphens":           "\u00ad\u00ad",
	}
	eachDB(t, options{settings: nil}, func(t *testing.T, e *env) {
		id, token := e.post("/post", 0, "visible")
		edit := "/api/v1/comments/" + strconv.FormatInt(id, 10)
		for name, text := range texts {
			for _, r := range []req{
				{method: "POST", path: "/api/v1/comments", body: newComment(text, map[string]any{"name": "Ann"})},
				{method: "PATCH", path: edit, body: map[string]any{"text": text}, headers: map[string]string{"X-Parley-Edit-Token": token}},
				{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog.example", "text": text}},
			} {
				got := e.do(r)
				if got.status != 400 || got.str("error.code") != "invalid_field" || got.str("error.field") != "text" {
					t.Errorf("%s, %s %s: %d %s", name, r.method, r.path, got.status, got.raw)
				}
			}
		}
		for name, author := range names {
			got := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hello", map[string]any{"name": author})})
			if got.status != 400 || got.str("error.field") != "author.name" {
				t.Errorf("name of %s: %d %s", name, got.status, got.raw)
			}
		}
		th := e.thread("path=/post")
		if n := len(th.get("comments").([]any)); n != 1 || th.str("comments.0.html") != "<p>visible</p>" {
			t.Errorf("refused writes changed the thread: %s", th.raw)
		}

		// A right-to-left override is dropped from a name, not shown.
		got := e.do(req{method: "POST", path: "/api/v1/comments", body: newComment("hi", map[string]any{"name": "Ann\u202e nimda"})})
		if got.status != 201 || got.str("comment.author.name") != "Ann nimda" {
			t.Errorf("name with U+202E: %d %s", got.status, got.raw)
		}
		// Deep quotes are capped, not refused.
		deep := e.do(req{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog.example", "text": strings.Repeat(">", 9990) + " x"}})
		if html := deep.str("html"); deep.status != 200 || strings.Count(html, "<blockquote>") != 8 || len(html) > 50_000 { // 270 KB before the cap
			t.Errorf("deep quotes preview: %d, %d blockquotes, %d bytes", deep.status, strings.Count(html, "<blockquote>"), len(html))
		}
	})
}
