package api_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/model"
)

// Enough of Atom and RSS 2.0 to read a feed back.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Author  string `xml:"author>name"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

type rssFeed struct {
	Items []struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
	} `xml:"channel>item"`
}

// hostile is text that breaks XML written by string concatenation.
const hostile = "</name></author><evil attr=\"x\">&amp; ]]> <![CDATA[ x ]]> 'quoted'"

func TestFeeds(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		post := func(path, title, name, text string) int64 {
			t.Helper()
			r := e.do(req{method: "POST", path: "/api/v1/comments", body: map[string]any{"site": "blog.example", "path": path, "title": title,
				"text": text, "author": map[string]any{"name": name, "email": "secret-mail@example.com"}}})
			if r.status != 201 {
				t.Fatalf("post: %d %s", r.status, r.raw)
			}
			return r.num("comment.id")
		}
		first := post("/post", "A <b>post</b> & more", hostile, "hello "+hostile)
		held := post("/post", "", "Ann", "not yet approved")
		if err := e.store.SetCommentStatus(context.Background(), held, model.StatusPending); err != nil {
			t.Fatal(err)
		}
		post("/other", "", "Bob", "on another page")

		r := e.do(req{method: "GET", path: "/api/v1/feed?site=blog.example&path=/post", origin: "-"})
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") || r.header.Get("ETag") == "" || r.header.Get("Last-Modified") == "" {
			t.Fatalf("atom: %d %v\n%s", r.status, r.header, r.raw)
		}
		for _, secret := range []string{"secret-mail", "192.0.2.1", "not yet approved", "on another page"} {
			if strings.Contains(string(r.raw), secret) {
				t.Errorf("the page's feed has %q:\n%s", secret, r.raw)
			}
		}
		var atom atomFeed
		if err := xml.Unmarshal(r.raw, &atom); err != nil {
			t.Fatalf("atom does not parse: %v\n%s", err, r.raw)
		}
		if len(atom.Entries) != 1 {
			t.Fatalf("atom entries: %d, want the approved comment of the page\n%s", len(atom.Entries), r.raw)
		}
		got := atom.Entries[0]
		if got.Author != hostile || !strings.Contains(got.Content, "hello") || got.Title != hostile+" on A <b>post</b> & more" ||
			got.ID != fmt.Sprintf("https://blog.example/post#comment-%d", first) || atom.Title != "Comments on A <b>post</b> & more" {
			t.Errorf("atom entry read back as %+v (feed title %q)", got, atom.Title)
		}

		if again := e.do(req{method: "GET", path: "/api/v1/feed?site=blog.example&path=/post", origin: "-",
			headers: map[string]string{"If-None-Match": r.header.Get("ETag")}}); again.status != 304 {
			t.Errorf("same ETag: %d, want 304", again.status)
		}

		r = e.do(req{method: "GET", path: "/api/v1/feed?site=blog.example&format=rss", origin: "-"})
		var rss rssFeed
		if err := xml.Unmarshal(r.raw, &rss); err != nil || !strings.HasPrefix(r.header.Get("Content-Type"), "application/rss+xml") {
			t.Fatalf("rss: %v %v\n%s", err, r.header, r.raw)
		}
		if len(rss.Items) != 2 || rss.Items[0].Title != "Bob on /other" || !strings.Contains(rss.Items[1].Description, "hello") {
			t.Errorf("site rss items: %+v", rss.Items)
		}
		if strings.Contains(string(r.raw), "secret-mail") {
			t.Errorf("rss has an email:\n%s", r.raw)
		}
	})
}

// TestFeedLimits: a feed holds the newest FeedSize comments; bad queries
// are refused naming the field.
func TestFeedLimits(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		for i := range api.FeedSize + 1 {
			e.now = e.now.Add(1e9)
			e.post("/post", 0, fmt.Sprintf("comment number %d", i))
		}
		r := e.do(req{method: "GET", path: "/api/v1/feed?site=blog.example", origin: "-"})
		var atom atomFeed
		if err := xml.Unmarshal(r.raw, &atom); err != nil {
			t.Fatal(err)
		}
		if len(atom.Entries) != api.FeedSize || !strings.Contains(atom.Entries[0].Content, fmt.Sprintf("number %d", api.FeedSize)) {
			t.Errorf("%d entries, first %q; want the newest %d", len(atom.Entries), atom.Entries[0].Content, api.FeedSize)
		}
		for _, c := range []struct{ query, status, code, field string }{
			{"site=blog.example&format=json", "400", "invalid_field", "format"},
			{"site=blog.example&path=nope", "400", "invalid_field", "path"},
			{"site=nowhere.example", "404", "site_not_found", "site"},
			{"", "400", "invalid_field", "site"},
		} {
			r := e.do(req{method: "GET", path: "/api/v1/feed?" + c.query, origin: "-"})
			if fmt.Sprint(r.status) != c.status || r.str("error.code") != c.code || r.str("error.field") != c.field {
				t.Errorf("%s: %d %s", c.query, r.status, r.raw)
			}
		}
	})
}
