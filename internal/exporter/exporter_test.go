package exporter_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/exporter"
	"github.com/parleyhq/parley/internal/exporter/exportformat"
	"github.com/parleyhq/parley/internal/model"
	"github.com/parleyhq/parley/internal/privacy"
	"github.com/parleyhq/parley/internal/store"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func newSite(t *testing.T) (*store.Store, *model.Site) {
	t.Helper()
	sealer, err := privacy.NewSealer([]byte("0123456789abcdef0123456789abcdef-export-test"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "parley.db"), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	site := &model.Site{Host: "example.com", Settings: model.DefaultSiteSettings()}
	if err := st.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	add := func(path string, parent int64, text string) *model.Comment {
		c := &model.Comment{SiteID: site.ID, ParentID: parent, GuestName: "Ann <&> Co", GuestEmail: "ann@example.com",
			Text: text, HTML: "<p>" + text + "</p>", Status: model.StatusApproved, CreatedAt: now, IP: "192.0.2.1"}
		if err := st.CreateComment(context.Background(), c, store.NewComment{Path: path, Title: "Title of " + path}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	root := add("/a/", 0, "first ]]> tricky")
	add("/a/", root.ID, "reply")
	add("/b/?p=1", 0, "other page")
	return st, site
}

func TestParleyDocument(t *testing.T) {
	st, site := newSite(t)
	var buf strings.Builder
	stats, err := exporter.New(st).Write(context.Background(), &buf, site, exporter.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pages != 2 || stats.Comments != 3 {
		t.Errorf("stats %+v, want 2 pages, 3 comments", stats)
	}
	var doc struct {
		exportformat.Header
		Pages    []exportformat.Page    `json:"pages"`
		Comments []exportformat.Comment `json:"comments"`
	}
	if err := json.Unmarshal([]byte(buf.String()), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	if doc.Format != exportformat.Name || doc.Version != 1 || doc.Site.Host != "example.com" || !doc.PersonalData || !doc.ExportedAt.Equal(now) {
		t.Errorf("header %+v", doc.Header)
	}
	if !strings.HasPrefix(buf.String(), `{"format":"parley-export",`) {
		t.Error("the document does not start with its format, so it cannot be recognised")
	}
	if len(doc.Pages) != 2 || doc.Pages[1].Path != "/b/?p=1" || doc.Pages[0].Title != "Title of /a/" {
		t.Errorf("pages %+v", doc.Pages)
	}
	c := doc.Comments
	if len(c) != 3 || c[1].ParentID == nil || *c[1].ParentID != c[0].ID || c[0].ParentID != nil {
		t.Fatalf("comments %+v", c)
	}
	if c[0].Author.Email != "ann@example.com" || c[0].IP != "192.0.2.1" || c[0].Text != "first ]]> tricky" || c[0].Import != nil {
		t.Errorf("first comment %+v", c[0])
	}
	// One element per line, so a reader streams it and grep finds one.
	if n := strings.Count(buf.String(), "\n"); n != 1+1+2+1+3 {
		t.Errorf("%d lines, want 8:\n%s", n, buf.String())
	}
}

func TestWXRDocument(t *testing.T) {
	st, site := newSite(t)
	var buf strings.Builder
	if _, err := exporter.New(st).Write(context.Background(), &buf, site, exporter.Options{Format: exporter.WXR, BaseURL: "https://www.example.com/"}); err != nil {
		t.Fatal(err)
	}
	var rss struct {
		Channel struct {
			Items []struct {
				Title    string `xml:"title"`
				Link     string `xml:"link"`
				Comments []struct {
					ID       string `xml:"comment_id"`
					Author   string `xml:"comment_author"`
					Content  string `xml:"comment_content"`
					Approved string `xml:"comment_approved"`
					Parent   string `xml:"comment_parent"`
					DateGMT  string `xml:"comment_date_gmt"`
				} `xml:"comment"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal([]byte(buf.String()), &rss); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	items := rss.Channel.Items
	if len(items) != 2 || items[0].Link != "https://www.example.com/a/" || items[0].Title != "Title of /a/" || len(items[0].Comments) != 2 {
		t.Fatalf("items %+v", items)
	}
	c := items[0].Comments
	if c[0].Author != "Ann <&> Co" || c[0].Content != "<p>first ]]> tricky</p>" || c[0].Approved != "1" || c[1].Parent != c[0].ID || c[0].DateGMT != "2026-11-22 10:00:00" {
		t.Errorf("comments %+v", c)
	}
}

func TestServeDownload(t *testing.T) {
	st, site := newSite(t)
	ex := exporter.New(st)
	for _, tt := range []struct {
		format exporter.Format
		ctype  string
		name   string
	}{
		{exporter.Parley, "application/json; charset=utf-8", `attachment; filename="parley-example.com-2026-11-22.json"`},
		{exporter.WXR, "application/xml; charset=utf-8", `attachment; filename="parley-example.com-2026-11-22.xml"`},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/admin/sites/example.com/export", nil)
		if err := ex.ServeDownload(rec, req, site, exporter.Options{Format: tt.format, Now: func() time.Time { return now }}); err != nil {
			t.Fatal(err)
		}
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != tt.ctype || res.Header.Get("Content-Disposition") != tt.name ||
			res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(string(body), "other page") {
			t.Errorf("%s download: %d %v\n%.200s", tt.format, res.StatusCode, res.Header, body)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]exporter.Format{"": exporter.Parley, "JSON": exporter.Parley, "wxr": exporter.WXR, "wordpress": exporter.WXR} {
		if got, err := exporter.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := exporter.ParseFormat("csv"); err == nil {
		t.Error("ParseFormat(csv) accepted")
	}
}
