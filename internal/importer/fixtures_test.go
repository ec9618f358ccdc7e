package importer_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/model"
)

// TestImportFixtures imports the hand-made export of each format in
// testdata/ and checks what a user would: every comment's page, parent,
// author, date, state and text, and what readers see.
func TestImportFixtures(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		t.Run("disqus", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, fixtures+"disqus.xml", importer.Options{})
			if rep.Format != importer.Disqus || rep.Added != 7 || rep.Pages != 2 || rep.Threads != 3 ||
				rep.SkippedByReason[importer.ReasonThreadDeleted] != 1 || rep.SkippedByReason[importer.ReasonDeleted] != 1 {
				t.Errorf("report: format %s, added %d, pages %d, threads %d, skipped %v; want disqus, 7, 2, 3, 1 thread_deleted and 1 deleted",
					rep.Format, rep.Added, rep.Pages, rep.Threads, rep.SkippedByReason)
			}
			checkComments(t, e, map[string]want{
				"100": {"/2026/hello/", "", "Ann", "ann@example.com", "", "2026-10-20T10:00:00Z", model.StatusApproved, "First **bold** and *italic*.\n\nSecond paragraph."},
				"101": {"/2026/hello/", "100", "Bob", "bob@example.com", "", "2026-10-20T11:00:00Z", model.StatusApproved, "Thanks! See [the docs](https://example.com/docs)."},
				"102": {"/2026/hello/", "", "", "", "", "2026-10-20T12:00:00Z", model.StatusDeleted, ""},
				"103": {"/2026/hello/", "102", "Di", "di@example.com", "", "2026-10-20T13:00:00Z", model.StatusApproved, "An answer to a deleted comment"},
				"104": {"/2026/hello/", "", "Spammer", "spam@example.com", "", "2026-10-20T14:00:00Z", model.StatusSpam, "cheap pills"},
				"105": {"/2026/hello/", "", "Ed", "ed@example.com", "", "2026-10-20T15:00:00Z", model.StatusPending, "Held for moderation"},
				"106": {"/closed/", "", "anon_user", "", "", "2014-11-01T15:06:24Z", model.StatusApproved, "By someone without a name"},
			})
			got := e.comments(t)
			if got["100"].IP != "203.0.113.5" || got["106"].IP != "" {
				t.Errorf("IPs: recent %q, from 2014 %q; want the recent one only", got["100"].IP, got["106"].IP)
			}
			if th := e.thread(t, "/2026/hello/"); len(th) != 4 || th[1] != `  <p>Thanks! See <a href="https://example.com/docs" rel="nofollow ugc noopener" target="_blank">the docs</a>.</p>` {
				t.Errorf("thread reads %q", th)
			}
			p, n, _ := e.st.PageByPath(context.Background(), e.site.ID, "/2026/hello/")
			if p.Title != "Hello & welcome" || n != 3 {
				t.Errorf("page: title %q, %d comments; want Hello & welcome, 3", p.Title, n)
			}
			if p, _, _ := e.st.PageByPath(context.Background(), e.site.ID, "/closed/"); !p.Locked {
				t.Error("a closed thread did not lock its page")
			}
		})
		t.Run("wordpress 1.0", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, fixtures+"wordpress-1.0.xml", importer.Options{})
			if rep.Format != importer.WordPress || rep.Added != 4 || rep.SkippedByReason[importer.ReasonPingback] != 1 {
				t.Errorf("report: format %s, added %d, skipped %v; want wordpress, 4, 1 pingback", rep.Format, rep.Added, rep.SkippedByReason)
			}
			checkComments(t, e, map[string]want{
				"18#2": {"/2014/test/", "", "Ohai", "test@example.org", "http://example.tld/", "2014-01-14T17:32:12Z", model.StatusApproved, "Erster!1"},
				"18#3": {"/2014/test/", "18#2", "Tester", "info@example.org", "", "2014-04-29T15:21:35Z", model.StatusApproved, "Drölfter!"},
				"18#4": {"/2014/test/", "", "Multiline Author", "multiline@example.org", "", "2022-06-06T02:13:14Z", model.StatusApproved,
					"When you have a comment with multiple lines:\nWordPress exports it like this."},
				// The same comment id on another post is another comment; its
				// local date is corrected by the post's offset of +02:00.
				"4#2": {"/?p=4", "", "Anonymous", "info@example.org", "", "2014-04-29T15:21:57Z", model.StatusApproved, "Same id, another post."},
			})
			if c := e.comments(t)["18#4"]; c.HTML != "<p>When you have a comment with multiple lines:<br>\nWordPress exports it like this.</p>" {
				t.Errorf("multi-line comment renders %q", c.HTML)
			}
		})
		t.Run("wordpress 1.1", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, fixtures+"wordpress-1.1.xml", importer.Options{})
			if rep.Added != 3 || rep.Notes["no_email"] != 1 {
				t.Errorf("report: added %d, no_email %d; want 3, 1", rep.Added, rep.Notes["no_email"])
			}
			checkComments(t, e, map[string]want{
				"1#1": {"/?p=1", "", "Mr WordPress", "", "http://wordpress.org/", "2010-10-16T20:53:18Z", model.StatusApproved,
					"Hi, this is a comment.\nTo delete a comment, just log in."},
				"2#2": {"/?page_id=2", "", "", "", "", "2010-10-17T10:00:00Z", model.StatusDeleted, ""},
				"2#3": {"/?page_id=2", "2#2", "Pat O'Brien", "pat@example.com", "", "2010-10-17T11:00:00Z", model.StatusApproved, "A reply that stays."},
			})
			if p, _, _ := e.st.PageByPath(context.Background(), e.site.ID, "/?page_id=2"); p.Title != "About" || !p.Locked {
				t.Errorf("page %+v; want About, locked (comments closed)", p)
			}
		})
		t.Run("commento", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, fixtures+"commento.json", importer.Options{})
			if rep.Format != importer.Commento || rep.Added != 6 {
				t.Errorf("report: format %s, added %d; want commento, 6", rep.Format, rep.Added)
			}
			checkComments(t, e, map[string]want{
				"c1root":  {"/blog/post/1", "", "User5276", "user5276@example.com", "https://example.com/profile/257", "2021-03-17T12:09:47.722Z", model.StatusApproved, "A **root** comment."},
				"c2reply": {"/blog/post/1", "c1root", "Saturnin Uf", "saturnin@example.com", "", "2021-05-11T15:43:01.852Z", model.StatusApproved, "Great reply!"},
				"c3anon":  {"/blog/post/2", "", "", "", "", "2021-03-12T11:21:56Z", model.StatusPending, "By nobody in particular."},
				"c4flag":  {"/blog/post/2", "", "User5276", "user5276@example.com", "https://example.com/profile/257", "2021-03-13T11:21:56Z", model.StatusSpam, "Flagged as spam."},
				"c5gone":  {"/blog/post/2", "", "", "", "", "2021-03-14T11:21:56Z", model.StatusDeleted, ""},
				"c6under": {"/blog/post/2", "c5gone", "Saturnin Uf", "saturnin@example.com", "", "2021-03-15T11:21:56Z", model.StatusApproved, "Under a deleted comment."},
			})
			got := e.comments(t)
			if c := got["c1root"]; c.Upvotes != 3 || c.Score != 3 {
				t.Errorf("c1root: %d upvotes, score %d; want 3, 3", c.Upvotes, c.Score)
			}
			if c := got["c3anon"]; c.Downvotes != 2 || c.Score != -2 {
				t.Errorf("c3anon: %d downvotes, score %d; want 2, -2", c.Downvotes, c.Score)
			}
			if rep.Notes["website_dropped"] != 2 {
				t.Errorf("website_dropped %d; want 2 (Commento writes \"undefined\")", rep.Notes["website_dropped"])
			}
		})
		t.Run("parley", func(t *testing.T) {
			e := openSQLiteOrSame(t, e)
			rep := e.importFile(t, fixtures+"parley.json", importer.Options{})
			if rep.Format != importer.Parley || rep.Added != 5 || rep.SkippedByReason[importer.ReasonMissingThread] != 1 || rep.Threads != 2 {
				t.Errorf("report: format %s, added %d, skipped %v, threads %d; want parley, 5, 1 missing_thread, 2", rep.Format, rep.Added, rep.SkippedByReason, rep.Threads)
			}
			checkComments(t, e, map[string]want{
				"old.example#17": {"/post/1", "", "Ann", "ann@example.com", "https://ann.example", "2026-10-05T10:00:00.123Z", model.StatusApproved, "Hi *all*"},
				"1664831530":     {"/post/1", "old.example#17", "Bob", "", "", "2026-10-05T11:00:00Z", model.StatusPending, "Thanks!"},
				"old.example#19": {"/post/1", "", "", "", "", "2026-10-05T12:00:00Z", model.StatusDeleted, ""},
				"old.example#20": {"/post/1", "old.example#19", "Ursula Account", "", "", "2026-10-05T13:00:00Z", model.StatusApproved, "Under a deleted comment, written with an account"},
				"old.example#21": {"/post/2?lang=de", "", "Cy", "", "", "2026-10-06T13:00:00Z", model.StatusSpam, "spam on a locked page"},
			})
			got := e.comments(t)
			c := got["old.example#17"]
			if c.Upvotes != 3 || c.Downvotes != 1 || !c.Sticky || c.EditedAt == nil || c.IP != "203.0.113.7" || c.UserAgent != "Mozilla/5.0 (test)" || len(c.EditTokenHash) != 32 {
				t.Errorf("comment 17 lost fields: %+v", c.Comment)
			}
			if got["1664831530"].Key.Source != "disqus" {
				t.Errorf("comment 18 lost its Disqus key: %+v", got["1664831530"].Key)
			}
			if p, _, _ := e.st.PageByPath(context.Background(), e.site.ID, "/post/2?lang=de"); !p.Locked {
				t.Error("locked page came back unlocked")
			}
		})
	})
}

// TestWXRNamespaces: WordPress has declared its wp: namespace in several
// spellings; every one imports the same comments. A file of a known format
// with posts but no comment read says so.
func TestWXRNamespaces(t *testing.T) {
	data, err := os.ReadFile(fixtures + "wordpress-1.2-https.xml")
	if err != nil {
		t.Fatal(err)
	}
	const https12 = "https://wordpress.org/export/1.2/"
	for _, ns := range []string{https12, "http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2",
		"http://wordpress.org/export/1.1/", "https://wordpress.org/export/1.1", "http://wordpress.org/export/1.0/",
		"https://wordpress.org/export/1.0/", "http://wordpress.org/export/1.0"} {
		t.Run(ns, func(t *testing.T) {
			e := openSQLite(t)
			doc := bytes.ReplaceAll(data, []byte(`xmlns:wp="`+https12+`"`), []byte(`xmlns:wp="`+ns+`"`))
			rep := e.mustImport(t, doc, importer.Options{})
			if rep.Format != importer.WordPress || rep.Added != 8 || rep.Threads != 7 || len(rep.Warnings) != 0 {
				t.Errorf("format %s, added %d, threads %d, warnings %q; want wordpress, 8, 7, none", rep.Format, rep.Added, rep.Threads, rep.Warnings)
			}
		})
	}
	t.Run("no comments", func(t *testing.T) {
		e := openSQLite(t)
		doc := bytes.ReplaceAll(data, []byte(`xmlns:wp="`+https12+`"`), []byte(`xmlns:wp="https://example.com/not-wordpress/"`))
		rep := e.mustImport(t, doc, importer.Options{Format: importer.WordPress})
		if rep.Read != 0 || rep.Threads != 7 || !rep.NothingRead() || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "7 posts") {
			t.Errorf("read %d, threads %d, warnings %q; want 0, 7 and a warning", rep.Read, rep.Threads, rep.Warnings)
		}
	})
}

// TestWordPressSubfolderPermalinks: a blog in a subfolder with query
// permalinks keeps one page per post, page, attachment and custom post.
func TestWordPressSubfolderPermalinks(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		rep := e.importFile(t, fixtures+"wordpress-1.2-https.xml", importer.Options{})
		checkComments(t, e, map[string]want{
			"129#10": {"/blog/?p=129", "", "Anna Reader", "anna@example.com", "https://anna.example/", "2026-10-21T10:00:00Z", model.StatusApproved,
				"Some **strong** words and [a link](https://example.com/)."},
			"129#11": {"/blog/?p=129", "129#10", "Ben", "ben@example.com", "", "2026-10-21T11:00:00Z", model.StatusPending, "A held reply."},
			"129#12": {"/blog/?p=129", "", "Pills", "pills@example.com", "", "2026-10-21T12:00:00Z", model.StatusSpam, "cheap pills"},
			"748#20": {"/blog/?page_id=748", "", "Cleo", "cleo@example.com", "", "2026-10-22T10:00:00Z", model.StatusApproved, "On a page."},
			"5#30":   {"/blog/?attachment_id=5", "", "Dan", "dan@example.com", "", "2026-10-22T10:00:00Z", model.StatusApproved, "Nice picture."},
			"77#40":  {"/blog/?book=dune", "", "Eve", "eve@example.com", "", "2026-10-22T10:00:00Z", model.StatusApproved, "A fine book."},
			// Two drafts with the same link: the second one's guid tells it apart.
			"131#50": {"/blog/", "", "Fred", "fred@example.com", "", "2026-10-22T10:00:00Z", model.StatusApproved, "On draft one."},
			"132#51": {"/blog/?p=132", "", "Gina", "gina@example.com", "", "2026-10-22T11:00:00Z", model.StatusApproved, "On draft two."},
		})
		if rep.Pages != 6 || rep.SkippedByReason[importer.ReasonPingback] != 1 {
			t.Errorf("pages %d, skipped %v; want 6 pages, 1 trackback", rep.Pages, rep.SkippedByReason)
		}
		if got := e.thread(t, "/blog/?p=129"); !slices.Equal(got, []string{
			`<p>Some <strong>strong</strong> words and <a href="https://example.com/" rel="nofollow ugc noopener" target="_blank">a link</a>.</p>`,
		}) {
			t.Errorf("thread reads %q (the held reply and spam hidden)", got)
		}
	})
}
