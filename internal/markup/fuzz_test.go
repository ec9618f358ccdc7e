package markup

import "testing"

// FuzzRender checks that no input makes Render break the package's promises:
// no script, style, image or frame, no event handler, no link outside http,
// https and mailto, no element or attribute outside the allow-list; and the
// same output every time.
func FuzzRender(f *testing.F) {
	for _, tc := range renderCases {
		f.Add(tc.src)
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
	})
}
