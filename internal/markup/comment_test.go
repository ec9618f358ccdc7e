package markup

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// nesting returns how deep blockquotes and lists nest in out.
func nesting(out string) int {
	z := html.NewTokenizer(strings.NewReader(out))
	depth, deepest := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return deepest
		}
		name, _ := z.TagName()
		switch string(name) {
		case "blockquote", "ul", "ol":
		default:
			continue
		}
		if tt == html.StartTagToken {
			depth++
			deepest = max(deepest, depth)
		} else if tt == html.EndTagToken {
			depth--
		}
	}
}

func TestNestingIsCapped(t *testing.T) {
	r := New()
	tests := []struct {
		name, src string
		want      int
	}{
		{"quotes at the limit", strings.Repeat(">", MaxNesting) + " x", MaxNesting},
		{"quotes one past", strings.Repeat(">", MaxNesting+1) + " x", MaxNesting},
		{"the reported attack", strings.Repeat(">", 9990), MaxNesting},
		{"spaced quotes", strings.Repeat("> ", 5000) + "x", MaxNesting},
		{"quotes line after line", strings.Repeat(strings.Repeat(">", 50)+" x\n", 100), MaxNesting},
		{"bullet lists", strings.Repeat("- ", 5000) + "x", MaxNesting},
		{"numbered lists", strings.Repeat("1. ", 3000) + "x", MaxNesting},
		{"indented lists", nestedByIndent(50), MaxNesting},
		{"quotes and lists", strings.Repeat("> * ", 2000) + "x", MaxNesting},
		{"shallow is untouched", "> a\n>> b\n\n- c\n  - d", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := r.Render(tt.src)
			if got := nesting(out); got != tt.want {
				t.Errorf("nesting %d, want %d", got, tt.want)
			}
			if strings.HasSuffix(tt.src, "x") && !strings.Contains(out, "x") {
				t.Errorf("the text past the limit is lost: %.200s", out)
			}
		})
	}
	// The attack of issue 8: 270 KB of HTML from 9,990 bytes; now the
	// cut-off markers are text, 4 bytes ("&gt;") each.
	src := strings.Repeat(">", 9990)
	if out := r.Render(src); len(out) > 4*len(src)+400 {
		t.Errorf("'>' × 9,990 renders to %d bytes", len(out))
	}
}

func TestRenderCommentBoundsHTML(t *testing.T) {
	r := New()
	accepted := []string{
		"Thanks **Ana**!\nI tried `make test`:\n\n> it works\n\n1. clone\n2. run\n\nMore at https://example.com.",
		strings.Repeat("> ", MaxNesting) + "a short reply quoting deep",
		strings.Repeat("See https://example.com/some/article for the details.\n", 150),
		strings.Repeat("Plain prose with *some* emphasis and a `code` span. ", 190),
		strings.Repeat(`"quoted" & <escaped> `, 400),
	}
	for _, src := range accepted {
		out, err := r.RenderComment(src)
		if err != nil || out != r.Render(src) {
			t.Errorf("RenderComment(%.40q…) = %v, want Render's output", src, err)
		}
	}
	refused := []string{
		strings.Repeat(">>>>>>>>\n\n", 1000), // 8 empty levels a paragraph
		strings.Repeat("-\n", 5000),          // empty list items
		strings.Repeat("a@b.co ", 1400),      // bare email addresses
		strings.Repeat("https://x.io\n", 760),
	}
	for _, src := range refused {
		out, err := r.RenderComment(src)
		if !errors.Is(err, ErrTooLarge) || out != "" {
			t.Errorf("RenderComment(%.40q…) = %d bytes, %v; want ErrTooLarge", src, len(out), err)
		}
		if n := len(r.Render(src)); n <= MaxHTMLBytes(len(src)) {
			t.Errorf("%.40q… renders to %d bytes, within the bound: not a test of it", src, n)
		}
	}
	// The slack: a short comment may grow past the ratio.
	short := strings.Repeat(">>>>>>>> q\n\n", 5)
	if out, err := r.RenderComment(short); err != nil || len(out) <= MaxHTMLRatio*len(short) {
		t.Errorf("short deep quotes: %d bytes, %v", len(out), err)
	}
}

func TestRenderCommentRefusesInvisible(t *testing.T) {
	r := New()
	for _, src := range []string{
		"<script>x</script>",
		"<b></b> <i></i>",
		"<!-- only a comment -->",
		"\u200b\u200d\u2060\ufeff",
		"\u202e\u202d\u2066",
		"\u3164 \u115f \u2800",
		"> \u200b\n\n- \u200b",
		"[\u200b](https://example.com)",
		"\u0301\u0308",
		"&#8203;&zwnj;",
	} {
		if out, err := r.RenderComment(src); !errors.Is(err, ErrEmpty) || out != "" {
			t.Errorf("RenderComment(%q) = %q, %v; want ErrEmpty", src, out, err)
		}
	}
	for _, src := range []string{"x", "😀", "…", "٣", "ok\u200b", "hi <script>x</script>", "[link](https://example.com)", "https://example.com", "`  `x"} {
		if _, err := r.RenderComment(src); err != nil {
			t.Errorf("RenderComment(%q): %v", src, err)
		}
	}
}

// TestVisibleTextScanAgreesWithTheTokenizer: the quick scan of sanitized
// HTML finds visible text exactly where the HTML tokenizer does.
func TestVisibleTextScanAgreesWithTheTokenizer(t *testing.T) {
	r, images := New(), WithImages(regexp.MustCompile(`^https://example\.com/`))
	all := func(string) bool { return true }
	shown := 0
	inputs := []string{
		"x", "<b></b>", "**\u200b**", "[\u200b](https://example.com)", "&#8203;", "a &amp; b", "&zwnj;",
		"![img](https://example.com/a.png)", "> \u200b\n\n- \u200b", "`<b>`", "<img src=x>", "1 < 2 > 0",
		"<a title=\"x>y\">\u200b</a>", "\u202e", "<p>\u3164</p>", "~~\u200b~~", "| a |\n|---|\n| \u200b |",
	}
	for _, src := range inputs {
		for _, out := range []string{r.Render(src), images.render(src, all)} {
			shown += strings.Count(out, "<img")
			if got, want := htmlHasVisibleText(out), tokenHasVisibleText(out); got != want {
				t.Errorf("%q → %q: scan says %v, tokenizer %v", src, out, got, want)
			}
		}
	}
	if shown == 0 {
		t.Error("no input rendered to an image: the image case is not compared")
	}
}
