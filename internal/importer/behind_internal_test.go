package importer

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/pgtest"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// postgresSite opens a store on a new PostgreSQL database (pgtest) with
// one site, and returns the database's URL too.
func postgresSite(t *testing.T) (*store.Store, *model.Site, string) {
	t.Helper()
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-behind-test"))
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	st, err := store.OpenPostgres(ctx, url, sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	site := &model.Site{Host: "blog.example", Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	return st, site, url
}

// TestWriteBehindFollowsMovedIDs: on PostgreSQL a batch is written (in
// parts) while the next is prepared, with ids reserved before either is
// written. When a comment of a batch turns out to be stored already (an import running
// at the same time stored it after this one looked), the store gives the
// batch other ids; the reply prepared meanwhile must still find its
// parent, and the one after it too.
func TestWriteBehindFollowsMovedIDs(t *testing.T) {
	ctx := context.Background()
	st, site, _ := postgresSite(t)
	// The other import's comment: post 1 of the file.
	other := []store.ImportComment{{
		Comment:     model.Comment{Text: "Post 1", HTML: "<p>Post 1</p>", Status: model.StatusApproved, CreatedAt: time.Date(2026, 10, 1, 10, 1, 0, 0, time.UTC)},
		ParentIndex: -1, Path: "/a/", Title: "A", Key: store.ImportKey{Source: string(Disqus), ID: "p1"},
	}}
	if err := st.ImportBatch(ctx, site.ID, other); err != nil {
		t.Fatal(err)
	}
	g := newEngine(New(st, markup.New()), Options{Site: site, Format: Disqus, BatchSize: 1, TempDir: t.TempDir()}, nil)
	g.fresh[string(Disqus)] = true // as if it had looked before the other import stored post 1
	if err := g.run(ctx, strings.NewReader(disqusPosts(3, map[int]int{2: 1, 3: 2}))); err != nil {
		t.Fatal(err)
	}
	if !g.behind {
		t.Error("the engine did not write behind on PostgreSQL")
	}
	if g.report.AlreadyPresent != 1 || g.report.Added != 2 {
		t.Errorf("present %d, added %d; want 1 and 2", g.report.AlreadyPresent, g.report.Added)
	}
	found, err := st.ImportLookup(ctx, site.ID, []store.ImportKey{{Source: "disqus", ID: "p2"}, {Source: "disqus", ID: "p3"}})
	if err != nil {
		t.Fatal(err)
	}
	for key, parent := range map[string]int64{"p2": other[0].ID, "p3": found[store.ImportKey{Source: "disqus", ID: "p2"}].ID} {
		c, err := st.Comment(ctx, found[store.ImportKey{Source: "disqus", ID: key}].ID)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if c.ParentID != parent || parent == 0 {
			t.Errorf("%s replies to %d, want %d", key, c.ParentID, parent)
		}
	}
}

// TestPartsSharingPagesCountRight: the parts of a batch written at once
// may write to the same pages (here made to, every thread of a page going
// to either part). They take the pages in turn, every page's count of
// approved comments comes out exact, and no part fails for the other's
// locks.
func TestPartsSharingPagesCountRight(t *testing.T) {
	ctx := context.Background()
	st, site, url := postgresSite(t)
	// Three pages; a post is a new thread on one of them or replies to an
	// earlier post, anywhere in the file; every fifth is spam.
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
`)
	for p := range 3 {
		fmt.Fprintf(&b, `<thread dsq:id="t%d"><link>https://blog.example/p%d/</link><title>P%d</title></thread>`+"\n", p, p, p)
	}
	const posts = 600
	thread := make([]int, posts)
	for i := range posts {
		parent := ""
		thread[i] = i % 3
		if i%4 != 0 && i > 0 {
			j := (i * 7919) % i
			thread[i] = thread[j]
			parent = fmt.Sprintf(`<parent dsq:id="p%d" />`, j)
		}
		fmt.Fprintf(&b, `<post dsq:id="p%d"><message>Post %d</message><createdAt>2026-10-01T10:00:00Z</createdAt><isSpam>%v</isSpam>`+
			`<author><name>R</name></author><thread dsq:id="t%d" />%s</post>`+"\n", i, i, i%5 == 4, thread[i], parent)
	}
	b.WriteString("</disqus>\n")
	g := newEngine(New(st, markup.New()), Options{Site: site, Format: Disqus, BatchSize: 40, TempDir: t.TempDir()}, nil)
	g.spread = true
	if err := g.run(ctx, strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	if g.report.Added != posts {
		t.Fatalf("added %d of %d", g.report.Added, posts)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for p := range 3 {
		path := fmt.Sprintf("/p%d/", p)
		page, count, err := st.PageByPath(ctx, site.ID, path)
		if err != nil {
			t.Fatal(err)
		}
		var approved int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM comments WHERE page_id = $1 AND status = 'approved'", page.ID).Scan(&approved); err != nil {
			t.Fatal(err)
		}
		if count != approved || approved == 0 {
			t.Errorf("%s counts %d approved comments, holds %d", path, count, approved)
		}
	}
}
