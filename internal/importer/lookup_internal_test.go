package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/markup"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

// disqusPosts is a Disqus export of one thread with n posts, post i
// replying to post parents[i] when it has one.
func disqusPosts(n int, parents map[int]int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="t"><link>https://blog.example/a/</link><title>A</title></thread>
`)
	for i := 1; i <= n; i++ {
		parent := ""
		if p, ok := parents[i]; ok {
			parent = fmt.Sprintf(`<parent dsq:id="p%d" />`, p)
		}
		fmt.Fprintf(&b, `<post dsq:id="p%d"><message>Post %d</message><createdAt>2026-10-01T10:%02d:00Z</createdAt>
<author><name>Reader %d</name></author><thread dsq:id="t" />%s</post>
`, i, i, i, i, parent)
	}
	b.WriteString("</disqus>\n")
	return b.String()
}

// TestLookupAsksOnlyWhatMayBeStored: an import into a site that holds no
// comment of its source looks up no key in the database, as long as every
// key it stored is still in its cache; once the cache has dropped one, or
// when the site already holds comments of the source, it asks, and a reply
// finds a parent stored long before.
func TestLookupAsksOnlyWhatMayBeStored(t *testing.T) {
	ctx := context.Background()
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-lookup-test"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "parley.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	im := New(st, markup.New())
	run := func(host, file string, cacheLimit int) (*engine, *model.Site) {
		t.Helper()
		site := &model.Site{Host: host, Settings: model.DefaultSiteSettings()}
		if err := st.CreateSite(ctx, site); err != nil {
			if s, err := st.SiteByHost(ctx, host); err == nil {
				site = s
			} else {
				t.Fatal(err)
			}
		}
		g := newEngine(im, Options{Site: site, Format: Disqus, BatchSize: 1, TempDir: t.TempDir()}, nil)
		if cacheLimit > 0 {
			g.cache.limit = cacheLimit
		}
		if err := g.run(ctx, strings.NewReader(file)); err != nil {
			t.Fatal(err)
		}
		return g, site
	}
	// Post 8 replies to post 1, which a cache of two generations of two
	// has dropped by then.
	file := disqusPosts(8, map[int]int{2: 1, 8: 1})

	g, _ := run("fresh.example", file, 0)
	if g.asked != 0 || g.report.Added != 8 {
		t.Errorf("fresh site: asked the database for %d keys, added %d; want 0 and 8", g.asked, g.report.Added)
	}

	g, site := run("small-cache.example", file, 2)
	if !g.cache.evicted || g.asked == 0 || g.report.Added != 8 {
		t.Fatalf("small cache: evicted %v, asked %d keys, added %d; want true, some, 8", g.cache.evicted, g.asked, g.report.Added)
	}
	found, err := st.ImportLookup(ctx, site.ID, []store.ImportKey{{Source: "disqus", ID: "p1"}, {Source: "disqus", ID: "p8"}})
	if err != nil {
		t.Fatal(err)
	}
	if p1, p8 := found[store.ImportKey{Source: "disqus", ID: "p1"}], found[store.ImportKey{Source: "disqus", ID: "p8"}]; p8.RootID != p1.ID || p1.ID == 0 {
		t.Errorf("post 8 has root %d, want post 1 (%d)", p8.RootID, p1.ID)
	}

	g, _ = run("small-cache.example", file, 0)
	if g.asked == 0 || g.report.Added != 0 || g.report.AlreadyPresent != 8 {
		t.Errorf("again into the same site: asked %d keys, added %d, present %d; want some, 0, 8", g.asked, g.report.Added, g.report.AlreadyPresent)
	}
}
