package importer_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/importer/importtest"
	"github.com/parleyhq/parley/internal/model"
)

// TestImportRealExports imports the corpus of real exports kept beside the
// repository (importtest.Corpus): it skips when the corpus is absent, and
// CI requires it.
func TestImportRealExports(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		t.Run("disqus", func(t *testing.T) {
			rep := e.importFile(t, importtest.Corpus(t, "disqus-small.xml"), importer.Options{})
			if rep.Format != importer.Disqus || rep.Added != 5 || rep.Skipped != 0 || rep.Pages != 2 {
				t.Errorf("report: format %s, added %d, skipped %d, pages %d; want disqus, 5, 0, 2", rep.Format, rep.Added, rep.Skipped, rep.Pages)
			}
			checkComments(t, e, map[string]want{
				"1664694813": {"/foo/", "", "Moritz", "moriz@webkid.io", "", "2014-11-01T15:06:24Z", model.StatusApproved,
					"Hey, wow!\n\n// Amazing post.\n\nCheck [example](http://example.example)."},
				"1664831530": {"/foo/", "1664694813", "Christopher", "christopher@webkid.io", "", "2014-11-01T16:59:29Z", model.StatusApproved,
					"Hi Moritz,\n\nthanks for reading!"},
				"1690922142": {"/foo/", "1664831530", "Moritz", "moriz@webkid.io", "", "2014-11-13T09:03:26Z", model.StatusApproved,
					"Hi Christopher!\n\nThanks!"},
				"1690992879": {"/foo/", "1690922142", "Christopher", "christopher@webkid.io", "", "2014-11-13T10:40:03Z", model.StatusApproved,
					"Nice! :)"},
				"1664694824": {"/bar/", "", "Moritz", "moriz@webkid.io", "", "2014-11-01T15:06:24Z", model.StatusApproved,
					"Bar is the best."},
			})
			// What a reader sees: the whole chain, nested, and the counts.
			wantThread := []string{
				"<p>Hey, wow!</p>\n<p>// Amazing post.</p>\n<p>Check <a href=\"http://example.example\" rel=\"nofollow ugc noopener\" target=\"_blank\">example</a>.</p>",
				"  <p>Hi Moritz,</p>\n<p>thanks for reading!</p>",
				"    <p>Hi Christopher!</p>\n<p>Thanks!</p>",
				"      <p>Nice! :)</p>",
			}
			if got := e.thread(t, "/foo/"); !slices.Equal(got, wantThread) {
				t.Errorf("thread /foo/ reads\n%q\nwant\n%q", got, wantThread)
			}
			if n := e.pageCount(t, "/foo/"); n != 4 {
				t.Errorf("/foo/ shows %d comments, want 4", n)
			}
			p, _, _ := e.st.PageByPath(context.Background(), e.site.ID, "/foo/")
			if p.Title != "Welcome" {
				t.Errorf("page title %q, want Welcome", p.Title)
			}
			// IPs from 2014 are far past the 30-day retention.
			for id, c := range e.comments(t) {
				if c.IP != "" {
					t.Errorf("comment %s kept its 2014 IP address", id)
				}
			}
		})
		t.Run("wordpress 1.0", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, importtest.Corpus(t, "wordpress-wxr-1.0.xml"), importer.Options{})
			if rep.Format != importer.WordPress || rep.Added != 8 || rep.Skipped != 0 {
				t.Errorf("report: format %s, added %d, skipped %d; want wordpress, 8, 0", rep.Format, rep.Added, rep.Skipped)
			}
			checkComments(t, e, map[string]want{
				"18#2":  {"/2014/test/", "", "Ohai", "test@example.org", "http://example.tld/", "2014-01-14T17:32:12Z", model.StatusApproved, "Erster!1"},
				"18#6":  {"/2014/test/", "", "Tester", "info@posativ.org", "", "2014-04-29T15:21:27Z", model.StatusApproved, "Zweiter."},
				"18#7":  {"/2014/test/", "18#6", "Tester", "info@posativ.org", "", "2014-04-29T15:21:35Z", model.StatusApproved, "Drölfter!"},
				"18#8":  {"/2014/test/", "18#7", "Tester", "info@posativ.org", "", "2014-04-29T15:21:45Z", model.StatusApproved, "Yet another reply."},
				"18#9":  {"/2014/test/", "18#7", "Tester", "info@posativ.org", "", "2014-04-29T15:21:52Z", model.StatusApproved, "..."},
				"18#10": {"/2014/test/", "", "Multiline Author", "multiline@example.org", "", "2022-06-06T02:13:14Z", model.StatusApproved, "When you have a comment with multiple lines:\nWordPress exports it like this."},
				"18#11": {"/2014/test/", "", "Letzter :/", "info@posativ.org", "", "2022-06-07T15:21:56Z", model.StatusApproved, "..."},
				// The same comment id on another post is another comment.
				"http://example.tld/?p=4#11": {"/?p=4", "", "Anonymous", "info@posativ.org", "", "2014-04-29T15:21:57Z", model.StatusApproved, "..."},
			})
			if got := e.thread(t, "/2014/test/"); len(got) != 7 || got[3] != "    <p>Yet another reply.</p>" {
				t.Errorf("thread /2014/test/ reads %q", got)
			}
			p, n, _ := e.st.PageByPath(context.Background(), e.site.ID, "/2014/test/")
			if p.Title != "Hello, World…" || n != 7 {
				t.Errorf("page: title %q, %d comments; want Hello, World…, 7", p.Title, n)
			}
			if c := e.comments(t)["18#10"]; c.HTML != "<p>When you have a comment with multiple lines:<br>\nWordPress exports it like this.</p>" {
				t.Errorf("multi-line comment renders %q", c.HTML)
			}
		})
		t.Run("wordpress 1.1", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, importtest.Corpus(t, "wordpress-wxr-1.1.xml"), importer.Options{})
			if rep.Added != 1 || rep.Notes["no_email"] != 1 {
				t.Errorf("report: added %d, no_email %d; want 1, 1", rep.Added, rep.Notes["no_email"])
			}
			checkComments(t, e, map[string]want{
				"1#1": {"/?p=1", "", "Mr WordPress", "", "http://wordpress.org/", "2010-10-16T20:53:18Z", model.StatusApproved,
					"Hi, this is a comment.\nTo delete a comment, just log in and view the post's comments. There you will have the option to edit or delete them."},
			})
		})
		t.Run("commento", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, importtest.Corpus(t, "commento.json"), importer.Options{})
			if rep.Format != importer.Commento || rep.Added != 3 {
				t.Errorf("report: format %s, added %d; want commento, 3", rep.Format, rep.Added)
			}
			const root, reply, anon = "7d77e39fcd813241d6281478cc8f21ab5f807d043c750bc1a936bc23b34fb854",
				"ea5f7bcd6ac9bb7b657f7d0569831104e1bcf9c253d03c1e16bf9654c49a5ce9",
				"e7069a7dfcfaed43caf62300a9b0edb1c124ad79d0f5887c93649c15d7f69945"
			checkComments(t, e, map[string]want{
				anon:  {"/blog/post/2", "", "", "", "", "2021-03-12T11:21:56Z", model.StatusApproved, "Example comment created by user."},
				root:  {"/blog/post/1", "", "User5276", "somegreatmail@gmail.com", "https://example.com/profile/257", "2021-03-17T12:09:47.722Z", model.StatusApproved, "Example 2 comment created by user."},
				reply: {"/blog/post/1", root, "Saturnin Uf", "moregreatmail@gmail.com", "https://example.com/profile/259", "2021-05-11T15:43:01.852Z", model.StatusApproved, "Great reply!"},
			})
			if c := e.comments(t)[anon]; c.Upvotes != 1 || c.Score != 1 {
				t.Errorf("anonymous comment: %d upvotes, score %d; want 1, 1", c.Upvotes, c.Score)
			}
		})
	})
}

// openSQLiteOrSame gives each sub-test a fresh site on the same database.
func openSQLiteOrSame(t *testing.T, e *env) *env {
	t.Helper()
	site := &model.Site{Host: t.Name(), Settings: model.DefaultSiteSettings()}
	if err := e.st.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	return &env{st: e.st, site: site, im: e.im}
}
