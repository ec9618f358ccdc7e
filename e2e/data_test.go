package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleyhq/parley/internal/cli"
)

// TestDashboardImportsWXR: a site's owner uploads a WordPress export on
// the dashboard's import page; the status page shows the report parley
// import prints, and the imported comments then show in the widget on the
// host page. The pages pass axe and break no CSP rule.
func TestDashboardImportsWXR(t *testing.T) {
	s := need(t)
	email := "importer-" + strings.ToLower(strings.NewReplacer("/", "", "_", "").Replace(t.Name())) + "@example.com"
	const password = "a long owner password"
	getenv := func(k string) string { return map[string]string{"PARLEY_LOG_LEVEL": "warn"}[k] }
	for _, args := range [][]string{
		{"user", "add", email, "--name", "Ivy Importer", "--data-dir", s.dataDir},
		{"site", "member", "add", s.site, email, "--role", "owner", "--data-dir", s.dataDir},
	} {
		if err := cli.RunWithInput(context.Background(), args, getenv, strings.NewReader(password+"\n"), io.Discard, os.Stderr); err != nil {
			t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
		}
	}
	p := path(t)
	file := filepath.Join(t.TempDir(), "blog.wordpress.xml")
	if err := os.WriteFile(file, []byte(smallWXR(s.host+p)), 0o600); err != nil {
		t.Fatal(err)
	}

	tb := newTab(t)
	tb.recordCSPViolations()
	tb.do(chromedp.Navigate(s.parley + "/dashboard/signin"))
	tb.landOn("#email")
	tb.setValue("#email", email)
	tb.setValue("#password", ownerPassword)
	tb.click(`button[type=submit].primary`)
	tb.landOn(".sites")
	site := `[...document.querySelectorAll('.sites li')].find(li => li.querySelector('a').textContent === ` + jsString(s.site) + `)`
	importURL := tb.str(site + `?.querySelector('a[href$="/import"]')?.href || ''`)
	if importURL == "" {
		t.Fatal("the owner's home page has no import link for the site")
	}
	tb.do(chromedp.Navigate(importURL))
	tb.landOn("#file")
	if s.axe != "" {
		tb.axe(s, "body")
	}
	tb.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	tb.click(`button[type=submit].primary`)
	tb.landOn("#import-summary") // the page reloads itself until the import has ended
	summary := tb.str(`document.querySelector('#import-summary').textContent`)
	for _, want := range []string{"Imported wordpress comments into " + s.site, "added           2 (2 approved)", "skipped         1", "pingback         1"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the report lacks %q:\n%s", want, summary)
		}
	}
	if s.axe != "" {
		tb.axe(s, "body")
	}
	if os.Getenv("PARLEY_SCREENSHOTS") == "1" {
		tb.do(chromedp.EmulateViewport(900, 700))
		png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS("body")))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", "dashboard-import.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if v := tb.str(`JSON.stringify(window.__csp)`); v != "[]" {
		t.Errorf("CSP violations on the dashboard: %s", v)
	}

	reader := newTab(t)
	reader.open(s.host + p)
	reader.wait(`[...document.querySelectorAll('.p-text')].some(e => e.textContent.includes('Imported from WordPress, the first'))`)
	reader.wait(`[...document.querySelectorAll('.p-text')].some(e => e.textContent.includes('And a reply to it'))`)
}

// ownerPassword is the password of the accounts addOwner makes.
const ownerPassword = "a long owner password"

// addOwner makes an account named name, with an address of the test's own
// and ownerPassword, an owner of site as docs/dashboard.md says; its email.
func (s *suite) addOwner(t *testing.T, site, name string) string {
	t.Helper()
	email := "owner-" + strings.ToLower(strings.NewReplacer("/", "", "_", "").Replace(t.Name())) + "@example.com"
	getenv := func(k string) string { return map[string]string{"PARLEY_LOG_LEVEL": "warn"}[k] }
	for _, args := range [][]string{
		{"user", "add", email, "--name", name, "--data-dir", s.dataDir},
		{"site", "member", "add", site, email, "--role", "owner", "--data-dir", s.dataDir},
	} {
		if err := cli.RunWithInput(context.Background(), args, getenv, strings.NewReader(ownerPassword+"\n"), io.Discard, os.Stderr); err != nil {
			t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
		}
	}
	return email
}

// smallWXR is a WordPress export of one post at link with two comments,
// a reply among them, and a pingback the import skips.
func smallWXR(link string) string {
	comment := func(id, parent int, typ, author, text string) string {
		return fmt.Sprintf(`<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>%s</wp:comment_author>
<wp:comment_author_email>%s@example.com</wp:comment_author_email><wp:comment_date_gmt>2026-11-0%d 10:00:00</wp:comment_date_gmt>
<wp:comment_content><![CDATA[%s]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_type>%s</wp:comment_type><wp:comment_parent>%d</wp:comment_parent></wp:comment>`, id, author, strings.ToLower(author), id, text, typ, parent)
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Blog</title>
<item><title>Moved here</title><link>` + link + `</link><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><wp:comment_status>open</wp:comment_status>
` + comment(1, 0, "", "Wanda", "Imported from WordPress, the first") + comment(2, 1, "", "Xavier", "And a reply to it") +
		comment(3, 0, "pingback", "Other blog", "A pingback") + `
</item></channel></rss>`
}
