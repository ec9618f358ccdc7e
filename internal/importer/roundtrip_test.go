package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/exporter"
	"github.com/parleyhq/parley/internal/importer"
	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// seedSite fills the env's site with comments written in Parley, in every
// state and with every field set, the way the API and moderators leave
// them. It returns them in id order.
func seedSite(t *testing.T, e *env) []*store.ExportedComment {
	t.Helper()
	ctx := context.Background()
	r := markup.New()
	sealer := testSealer(t)
	userID := e.rawExec(t,
		"INSERT INTO users (name, email_sealed, email_index, role, created_at) VALUES (?, ?, ?, 'commenter', ?) RETURNING id",
		"INSERT INTO users (name, email_sealed, email_index, role, created_at) VALUES ($1, $2, $3, 'commenter', $4) RETURNING id",
		"Ursula Account", sealer.Seal("ursula@example.com"), sealer.EmailIndex("ursula@example.com"), now.UnixMilli())
	at := now.Add(-48 * time.Hour)
	n := 0
	add := func(path, title string, parent int64, text string, mod func(c *model.Comment)) *model.Comment {
		at = at.Add(time.Minute + 123*time.Millisecond)
		n++
		c := &model.Comment{SiteID: e.site.ID, ParentID: parent, GuestName: fmt.Sprintf("Guest %d", n), GuestEmail: "g@example.com",
			GuestWebsite: "https://guest.example/", Text: text, HTML: r.Render(text), Status: model.StatusApproved,
			CreatedAt: at, IP: "2001:db8::1", UserAgent: "Mozilla/5.0 (test)", EditTokenHash: privacy.HashToken(text)}
		if mod != nil {
			mod(c)
		}
		if err := e.st.CreateComment(ctx, c, store.NewComment{Path: path, Title: title}); err != nil {
			t.Fatalf("create %q: %v", text, err)
		}
		return c
	}
	root := add("/a/", "Page A", 0, "**root** with https://example.com/x_y link", func(c *model.Comment) { c.Sticky = true })
	reply := add("/a/", "", root.ID, "a reply\nwith two lines", nil)
	add("/a/", "", reply.ID, "a reply to the reply", func(c *model.Comment) { c.GuestEmail, c.GuestWebsite, c.IP, c.UserAgent = "", "", "", "" })
	gone := add("/a/", "", 0, "deleted later, kept for its reply", nil)
	add("/a/", "", gone.ID, "reply under a deleted comment", nil)
	add("/b/", "Page B", 0, "by an account", func(c *model.Comment) { c.AuthorID, c.GuestName, c.GuestEmail = userID, "", "" })
	held := add("/b/", "", 0, "held for moderation", nil)
	spam := add("/b/", "", 0, "spam", nil)
	edited := add("/b/", "", 0, "first version", nil)
	if err := e.st.UpdateCommentText(ctx, edited.ID, "second version", r.Render("second version"), now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		voter string
		value int
	}{{"v1", 1}, {"v2", 1}, {"v3", -1}} {
		if _, err := e.st.Vote(ctx, e.site.ID, root.ID, store.Voter{ID: []byte(v.voter)}, v.value); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.st.Vote(ctx, e.site.ID, gone.ID, store.Voter{ID: []byte("v1")}, 1); err != nil {
		t.Fatal(err)
	}
	if err := e.st.DeleteComment(ctx, gone.ID, now.Add(-30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetCommentStatus(ctx, held.ID, model.StatusPending); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetCommentStatus(ctx, spam.ID, model.StatusSpam); err != nil {
		t.Fatal(err)
	}
	p, _, _ := e.st.PageByPath(ctx, e.site.ID, "/b/")
	if err := e.st.SetPageLocked(ctx, p.ID, true); err != nil {
		t.Fatal(err)
	}
	return e.ordered(t)
}

// ordered returns the site's comments in id order.
func (e *env) ordered(t *testing.T) []*store.ExportedComment {
	t.Helper()
	var out []*store.ExportedComment
	if err := e.st.ExportComments(context.Background(), e.site.ID, false, func(c *store.ExportedComment) error {
		out = append(out, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) export(t *testing.T, opt exporter.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	opt.Now = func() time.Time { return now }
	if _, err := exporter.New(e.st).Write(context.Background(), &buf, e.site, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) otherSite(t *testing.T, host string) *env {
	t.Helper()
	site := &model.Site{Host: host, Settings: model.DefaultSiteSettings()}
	if err := e.st.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	o := *e
	o.site = site
	return &o
}

// TestParleyRoundTrip exports a site and imports the file into an empty
// site: every comment field comes back.
func TestParleyRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		src := seedSite(t, e)
		data := e.export(t, exporter.Options{})

		dst := e.otherSite(t, "new.example")
		rep := dst.mustImport(t, data, importer.Options{})
		if rep.Format != importer.Parley || rep.Added != len(src) || rep.Skipped != 0 {
			t.Fatalf("import: format %s, added %d, skipped %d %v; want parley, %d, 0", rep.Format, rep.Added, rep.Skipped, rep.SkippedEntries, len(src))
		}
		got := dst.ordered(t)
		if len(got) != len(src) {
			t.Fatalf("%d comments came back, want %d", len(got), len(src))
		}
		// Comments are matched by the key they travel with: ids are the new
		// site's, and PostgreSQL stores a batch's roots before its replies.
		byKey := map[store.ImportKey]*store.ExportedComment{}
		for _, g := range got {
			byKey[g.Key] = g
		}
		srcByID := indexByID(src)
		srcPages, gotPages := pagesOf(t, e), pagesOf(t, dst)
		for _, s := range src {
			g := byKey[keyOf(s, e.site.Host)]
			if g == nil {
				t.Errorf("comment %d did not come back", s.ID)
				continue
			}
			// Ids, site and page ids are the new site's; all else is equal.
			if s.ParentID != 0 {
				if g.ParentID == 0 || g.ParentKey != keyOf(src[srcByID[s.ParentID]], e.site.Host) {
					t.Errorf("comment %d: parent is not the same comment", s.ID)
				}
			} else if g.ParentID != 0 {
				t.Errorf("comment %d became a reply", s.ID)
			}
			if srcPages[s.PageID] != gotPages[g.PageID] {
				t.Errorf("comment %d: page %+v, want %+v", s.ID, gotPages[g.PageID], srcPages[s.PageID])
			}
			sc, gc := s.Comment, g.Comment
			sc.ID, sc.SiteID, sc.PageID, sc.ParentID = 0, 0, 0, 0
			gc.ID, gc.SiteID, gc.PageID, gc.ParentID = 0, 0, 0, 0
			if !sameComment(sc, gc) {
				t.Errorf("comment %d came back as\n%+v\nwant\n%+v", s.ID, gc, sc)
			}
			if s.UserName != g.UserName || s.UserEmail != g.UserEmail {
				t.Errorf("comment %d: account %q %q, want %q %q", s.ID, g.UserName, g.UserEmail, s.UserName, s.UserEmail)
			}
		}
		for _, path := range []string{"/a/", "/b/"} {
			if a, b := e.pageCount(t, path), dst.pageCount(t, path); a != b {
				t.Errorf("page %s shows %d comments, the original %d", path, b, a)
			}
			if a, b := e.thread(t, path), dst.thread(t, path); !slices.Equal(a, b) {
				t.Errorf("thread %s reads\n%q\nthe original\n%q", path, b, a)
			}
		}

		// Importing it again, or into the site it came from, adds nothing.
		for _, into := range []*env{dst, e} {
			rep := into.mustImport(t, data, importer.Options{})
			if rep.Added != 0 || rep.AlreadyPresent != len(src) {
				t.Errorf("import into %s again: added %d, present %d; want 0, %d", into.site.Host, rep.Added, rep.AlreadyPresent, len(src))
			}
		}
		if n := e.count(t); n != len(src) {
			t.Errorf("the original site has %d comments after importing its own export, want %d", n, len(src))
		}
	})
}

func sameComment(a, b model.Comment) bool {
	eqTime := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	return a.AuthorID == b.AuthorID && a.GuestName == b.GuestName && a.GuestEmail == b.GuestEmail &&
		a.GuestWebsite == b.GuestWebsite && a.Text == b.Text && a.HTML == b.HTML && a.Status == b.Status &&
		a.CreatedAt.Equal(b.CreatedAt) && eqTime(a.EditedAt, b.EditedAt) && eqTime(a.DeletedAt, b.DeletedAt) &&
		a.Score == b.Score && a.Upvotes == b.Upvotes && a.Downvotes == b.Downvotes && a.Sticky == b.Sticky &&
		a.IP == b.IP && a.UserAgent == b.UserAgent && bytes.Equal(a.EditTokenHash, b.EditTokenHash)
}

func indexByID(list []*store.ExportedComment) map[int64]int {
	out := map[int64]int{}
	for i, c := range list {
		out[c.ID] = i
	}
	return out
}

type pageInfo struct {
	path, title string
	locked      bool
}

func pagesOf(t *testing.T, e *env) map[int64]pageInfo {
	t.Helper()
	out := map[int64]pageInfo{}
	if err := e.st.ExportPages(context.Background(), e.site.ID, func(p *model.Page, _ int) error {
		out[p.ID] = pageInfo{p.Path, p.Title, p.Locked}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWXRRoundTrip exports WordPress WXR from a site holding comments
// written in Parley and comments imported from WordPress and Disqus, and
// imports it: into the same site it adds nothing, into a fresh site it
// makes a copy of what readers see, with every comment's origin kept.
func TestWXRRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		seedSite(t, e)
		e.importFile(t, fixtures+"wordpress-1.0.xml", importer.Options{})
		e.importFile(t, fixtures+"disqus.xml", importer.Options{})
		src := e.ordered(t)
		data := e.export(t, exporter.Options{Format: exporter.WXR})

		rep := e.mustImport(t, data, importer.Options{})
		if rep.Format != importer.WordPress || rep.Added != 0 || rep.AlreadyPresent != len(src) {
			t.Errorf("into its own site: format %s, added %d, present %d, skipped %v; want wordpress, 0, %d",
				rep.Format, rep.Added, rep.AlreadyPresent, rep.SkippedEntries, len(src))
		}
		if n := e.count(t); n != len(src) {
			t.Errorf("the site has %d comments after importing its own WXR, want %d", n, len(src))
		}

		dst := e.otherSite(t, "wp.example")
		rep = dst.mustImport(t, data, importer.Options{})
		if rep.Added != len(src) || rep.Skipped != 0 {
			t.Fatalf("into a fresh site: added %d, skipped %v; want %d, none", rep.Added, rep.SkippedEntries, len(src))
		}
		srcPages, dstPages := pagesOf(t, e), pagesOf(t, dst)
		got := map[store.ImportKey]*store.ExportedComment{}
		for _, c := range dst.ordered(t) {
			got[c.Key] = c
		}
		srcByID := map[int64]*store.ExportedComment{}
		for _, s := range src {
			srcByID[s.ID] = s
		}
		for _, s := range src {
			g := got[keyOf(s, e.site.Host)]
			if g == nil {
				t.Errorf("comment %d (%v) did not come back", s.ID, s.Key)
				continue
			}
			name, email := s.GuestName, s.GuestEmail
			if s.AuthorID != 0 {
				name, email = s.UserName, s.UserEmail
			}
			if g.GuestName != name || g.GuestEmail != email || g.GuestWebsite != s.GuestWebsite || g.IP != s.IP ||
				g.Status != s.Status || g.HTML != s.HTML || !g.CreatedAt.Equal(s.CreatedAt.Truncate(time.Second)) {
				t.Errorf("comment %d came back as\n%+v\nwant\n%+v", s.ID, g.Comment, s.Comment)
			}
			if srcPages[s.PageID] != dstPages[g.PageID] {
				t.Errorf("comment %d: page %+v, want %+v", s.ID, dstPages[g.PageID], srcPages[s.PageID])
			}
			if (s.ParentID == 0) != (g.ParentID == 0) || (s.ParentID != 0 && g.ParentKey != keyOf(srcByID[s.ParentID], e.site.Host)) {
				t.Errorf("comment %d: parent %v, want %v", s.ID, g.ParentKey, s.ParentID)
			}
		}
		for path := range map[string]bool{"/a/": true, "/b/": true, "/2014/test/": true, "/2026/hello/": true} {
			if a, b := e.thread(t, path), dst.thread(t, path); !slices.Equal(a, b) {
				t.Errorf("thread %s reads\n%q\nthe original\n%q", path, b, a)
			}
		}
		// The copy knows where its comments came from: the original Disqus
		// export adds nothing to it.
		if rep := dst.mustImport(t, mustRead(t, fixtures+"disqus.xml"), importer.Options{}); rep.Added != 0 {
			t.Errorf("the Disqus export after the WXR copy added %d comments, want 0", rep.Added)
		}
	})
}

// keyOf is the import key a comment travels with: its own, or the one a
// comment written in Parley gets ("parley", "HOST#ID").
func keyOf(c *store.ExportedComment, host string) store.ImportKey {
	if c.Key.ID != "" {
		return c.Key
	}
	return store.ImportKey{Source: "parley", ID: fmt.Sprintf("%s#%d", host, c.ID)}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExportWithoutPersonalData(t *testing.T) {
	e := openSQLite(t)
	seedSite(t, e)
	for _, f := range []exporter.Format{exporter.Parley, exporter.WXR} {
		data := e.export(t, exporter.Options{Format: f, WithoutPersonalData: true})
		for _, secret := range []string{"g@example.com", "2001:db8::1", "Mozilla/5.0", "ursula@example.com"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s export without personal data contains %q", f, secret)
			}
		}
		if !bytes.Contains(data, []byte("Guest 2")) {
			t.Errorf("%s export without personal data lost the names", f)
		}
	}
}
