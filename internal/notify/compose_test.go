package notify

import (
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/store"
)

// TestTemplatesLoadNothingRemote: no template of any kind, present or
// future, can make a mail load an image, a stylesheet, a font or a script
// when it is opened (no tracking pixels).
func TestTemplatesLoadNothingRemote(t *testing.T) {
	files, err := fs.Glob(templates, "templates/*.tmpl")
	if err != nil || len(files) < 2 {
		t.Fatalf("templates: %v %v", files, err)
	}
	for _, f := range files {
		b, err := fs.ReadFile(templates, f)
		if err != nil {
			t.Fatal(err)
		}
		lower := strings.ToLower(string(b))
		for _, remote := range []string{"<img", "src=", "url(", "<link", "<script", "<style", "@import", "<iframe", "<object", "background="} {
			if strings.Contains(lower, remote) {
				t.Errorf("%s contains %q", f, remote)
			}
		}
	}
}

// TestComposeEscapesAndKeepsTheSubjectOnOneLine: values reach the HTML part
// escaped and the subject as one line, whatever a site's name holds.
func TestComposeEscapesAndKeepsTheSubjectOnOneLine(t *testing.T) {
	m, err := TestMail("ann@example.org", Sender{Name: "<b>evil</b>\r\nBcc: x@example.org", URL: "javascript:alert(1)"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") || !strings.Contains(m.Subject, "Bcc: x@example.org") {
		t.Errorf("subject %q: want the name on one line", m.Subject)
	}
	if strings.Contains(m.HTML, "<b>evil") || strings.Contains(m.HTML, `href="javascript:`) {
		t.Errorf("html part not escaped:\n%s", m.HTML)
	}
	if m.Kind != "test" || m.To != "ann@example.org" || m.Text == "" {
		t.Errorf("mail %+v", m)
	}
}

// TestSubjectFitsTheOutbox: a subject made long by a site's name is cut,
// on a character boundary, to what the outbox accepts, rather than make the
// mail impossible to queue.
func TestSubjectFitsTheOutbox(t *testing.T) {
	long := strings.Repeat("é", 200) + ".example" // 408 bytes
	m, err := TestMail("ann@example.org", Sender{Name: long, URL: "https://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Subject) > store.MaxMailSubjectBytes || !utf8.ValidString(m.Subject) || !strings.HasSuffix(m.Subject, "…") {
		t.Errorf("subject of %d bytes (valid UTF-8: %v): %q", len(m.Subject), utf8.ValidString(m.Subject), m.Subject)
	}
	if len(m.Subject) < store.MaxMailSubjectBytes-4 {
		t.Errorf("subject cut to %d bytes, want close to %d", len(m.Subject), store.MaxMailSubjectBytes)
	}
}
