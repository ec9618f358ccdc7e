package comment

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
)

func TestValidateText(t *testing.T) {
	cases := []struct {
		in, want string
		field    bool
	}{
		{"  hi\r\nthere  ", "hi\nthere", false},
		{"tab\tkept", "tab\tkept", false},
		{"a\x00b\x1b[31m", "ab[31m", false},
		{"", "", true},
		{" \n\t ", "", true},
		{"\x00\x01", "", true},
		{strings.Repeat("ü", 10), strings.Repeat("ü", 10), false}, // characters, not bytes
		{strings.Repeat("ü", 11), "", true},
	}
	for _, c := range cases {
		got, err := ValidateText(c.in, 10)
		var fe *FieldError
		if c.field != (errors.As(err, &fe) && fe.Field == "text") || got != c.want {
			t.Errorf("ValidateText(%q) = %q, %v", c.in, got, err)
		}
	}
}

func TestValidateAuthor(t *testing.T) {
	cases := []struct {
		in                      Author
		requireEmail, anonymous bool
		field                   string
		want                    Author
	}{
		{Author{Name: "  Ann \n Lee "}, false, false, "", Author{Name: "Ann Lee"}},
		{Author{}, false, false, "author.name", Author{}},
		{Author{}, false, true, "", Author{}},
		{Author{Name: strings.Repeat("n", 101)}, false, false, "author.name", Author{}},
		{Author{Name: "A"}, true, false, "author.email", Author{}},
		{Author{Name: "A", Email: "a@b"}, false, false, "author.email", Author{}},
		{Author{Name: "A", Email: "A <a@b.co>"}, false, false, "author.email", Author{}},
		{Author{Name: "A", Email: " a@b.co "}, false, false, "", Author{Name: "A", Email: "a@b.co"}},
		{Author{Name: "A", Website: "javascript:alert(1)"}, false, false, "author.website", Author{}},
		{Author{Name: "A", Website: "https://user:pw@x.example"}, false, false, "author.website", Author{}},
		{Author{Name: "A", Website: "//x.example"}, false, false, "author.website", Author{}},
		{Author{Name: "A", Website: "https://x.example/a b"}, false, false, "", Author{Name: "A", Website: "https://x.example/a%20b"}},

		// Format characters: stripped from names; a name with nothing
		// visible left is refused, also where anonymous comments are allowed.
		{Author{Name: strings.Repeat("\u200d", 100)}, false, false, "author.name", Author{}},
		{Author{Name: strings.Repeat("\u200d", 100)}, false, true, "author.name", Author{}},
		{Author{Name: "\u200b \u2060\ufeff\u202e"}, false, true, "author.name", Author{}},
		{Author{Name: "\u3164\u3164"}, false, true, "author.name", Author{}},
		{Author{Name: "\u0301"}, false, true, "author.name", Author{}},
		{Author{Name: "Ann\u202e nimda"}, false, false, "", Author{Name: "Ann nimda"}},
		{Author{Name: "\u2066Ann\u2069\u200e \u00adLee"}, false, false, "", Author{Name: "Ann Lee"}},
		{Author{Name: "A" + strings.Repeat("\u200d", 100) + "B"}, false, false, "", Author{Name: "AB"}},
		{Author{Name: "می\u200cخواهم"}, false, false, "", Author{Name: "می\u200cخواهم"}},
		{Author{Name: "👩\u200d💻 Ann"}, false, false, "", Author{Name: "👩\u200d💻 Ann"}},
		{Author{Name: "\u200dAnn\u200c"}, false, false, "", Author{Name: "Ann"}},
		{Author{Name: "A", Website: "https://x.example/\u202egnp.exe"}, false, false, "author.website", Author{}},
		{Author{Name: "A", Website: "https://x\u200b.example/"}, false, false, "author.website", Author{}},
	}
	for _, c := range cases {
		got, err := validateAuthor(c.in, c.requireEmail, c.anonymous)
		var fe *FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%+v: unexpected %v", c.in, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%+v: error %v, want one naming %s", c.in, err, c.field)
		case c.field == "" && got != c.want:
			t.Errorf("%+v: got %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestValidatePath(t *testing.T) {
	for path, ok := range map[string]bool{
		"/": true, "/blog/post?id=3": true, "/ünïcode": true,
		"": false, "blog": false, "/a\x00": false, "/" + strings.Repeat("a", MaxPathLength): false,
	} {
		if err := ValidatePath(path); (err == nil) != ok {
			t.Errorf("ValidatePath(%q) = %v", path, err)
		}
	}
}

// TestPreviewRefusesWhatCreateRefuses: a preview of text that renders to
// nothing visible or to too much HTML gets the field error a post would.
func TestPreviewRefusesWhatCreateRefuses(t *testing.T) {
	s := NewService(nil, markup.New(), time.Now)
	site := &model.Site{Settings: model.DefaultSiteSettings()}
	for _, text := range []string{
		"<script>x</script>",
		"\u200b\u200b\u200b",
		"<b> </b>\u2060",
		strings.Repeat(">>>>>>>>\n\n", 900),
	} {
		html, err := s.Preview(site, text)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "text" || html != "" {
			t.Errorf("Preview(%.30q…) = %q, %v; want a field error on text", text, html, err)
		}
	}
	if html, err := s.Preview(site, "*hi* \u200b"); err != nil || html != "<p><em>hi</em> \u200b</p>" {
		t.Errorf("Preview of visible text = %q, %v", html, err)
	}
}
