package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/store"
)

// templates holds one file per kind of mail, KIND.tmpl, defining three
// templates: "subject" (one line), "text" (the text/plain part) and "html"
// (the body of the text/html part). layout.tmpl wraps both parts with the
// name and address of the sender. The text templates are run by
// text/template and the HTML one by html/template, which escapes every value.
//
//go:embed templates/*.tmpl
var templates embed.FS

// Sender is who a mail is from, shown in every mail: a site (its name and
// address) or, for mail about the instance, the Parley instance itself.
type Sender struct {
	Name string // "example.com"
	URL  string // "https://example.com"
}

// mailData is what every template sees.
type mailData struct {
	Sender Sender
	Data   any // what the kind's function passes
}

// compose renders the templates of kind for one recipient. To add a kind,
// add templates/KIND.tmpl and a function that calls compose with its data.
func compose(kind, to string, siteID int64, from Sender, data any) (model.Mail, error) {
	files := []string{"templates/layout.tmpl", "templates/" + kind + ".tmpl"}
	text, err := texttemplate.New(kind).Option("missingkey=error").ParseFS(templates, files...)
	if err != nil {
		return model.Mail{}, fmt.Errorf("notify: templates of %s: %w", kind, err)
	}
	html, err := htmltemplate.New(kind).Option("missingkey=error").ParseFS(templates, files...)
	if err != nil {
		return model.Mail{}, fmt.Errorf("notify: templates of %s: %w", kind, err)
	}
	in := mailData{Sender: from, Data: data}
	var subject, plain, rich bytes.Buffer
	if err := text.ExecuteTemplate(&subject, "subject", in); err != nil {
		return model.Mail{}, fmt.Errorf("notify: subject of %s: %w", kind, err)
	}
	if err := text.ExecuteTemplate(&plain, "text-layout", in); err != nil {
		return model.Mail{}, fmt.Errorf("notify: text of %s: %w", kind, err)
	}
	if err := html.ExecuteTemplate(&rich, "html-layout", in); err != nil {
		return model.Mail{}, fmt.Errorf("notify: html of %s: %w", kind, err)
	}
	return model.Mail{
		Kind:    kind,
		SiteID:  siteID,
		To:      to,
		Subject: oneLine(subject.String(), store.MaxMailSubjectBytes),
		Text:    strings.TrimSpace(plain.String()) + "\n",
		HTML:    rich.String(),
	}, nil
}

// oneLine joins s's lines, whatever the data held, and cuts it to at most
// limit bytes with an ellipsis: a site's host alone may be 253 bytes long.
func oneLine(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= limit {
		return s
	}
	const ellipsis = "…"
	return strings.ToValidUTF8(s[:limit-len(ellipsis)], "") + ellipsis
}

// TestMail is the mail of parley mail test: it tells an operator that
// Parley's mail reaches to.
func TestMail(to string, from Sender) (model.Mail, error) {
	return compose("test", to, 0, from, nil)
}
