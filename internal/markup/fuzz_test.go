package markup

import (
	"errors"
	"testing"
)

// FuzzRender checks that no input makes Render break the package's promises:
// no script, style, image or frame, no event handler, no link outside http,
// https and mailto, no element or attribute outside the allow-list; no
// blockquote or list nested deeper than MaxNesting; and the same output
// every time. RenderComment must return Render's output when it is at most
// MaxHTMLBytes of the input, and refuse it only past that bound or when
// nothing in it is visible.
func FuzzRender(f *testing.F) {
	for _, tc := range renderCases {
		f.Add(tc.src)
	}
	for _, bm := range nestingBenchmarks {
		f.Add(bm.src)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		out := r.Render(src)
		if msg := unsafeHTML(out); msg != "" {
			t.Fatalf("Render(%q) is unsafe: %s\n%s", src, msg, out)
		}
		if again := r.Render(src); again != out {
			t.Fatalf("Render(%q) is not deterministic:\n%s\n%s", src, out, again)
		}
		if d := nesting(out); d > MaxNesting {
			t.Fatalf("Render(%q) nests %d deep:\n%s", src, d, out)
		}
		stored, err := r.RenderComment(src)
		switch {
		case err == nil && (stored != out || len(stored) > MaxHTMLBytes(len(src))):
			t.Fatalf("RenderComment(%q) = %d bytes, bound %d, Render gave %d", src, len(stored), MaxHTMLBytes(len(src)), len(out))
		case errors.Is(err, ErrTooLarge) && len(out) <= MaxHTMLBytes(len(src)):
			t.Fatalf("RenderComment(%q) refused %d bytes, within the bound %d", src, len(out), MaxHTMLBytes(len(src)))
		case err != nil && stored != "":
			t.Fatalf("RenderComment(%q) returned HTML with %v", src, err)
		}
	})
}
