package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/cdnpurge"
)

// purges records what the API told the CDN purge hook.
type purges struct {
	mu   sync.Mutex
	seen []cdnpurge.Change
}

func (p *purges) add(c cdnpurge.Change) { p.mu.Lock(); p.seen = append(p.seen, c); p.mu.Unlock() }
func (p *purges) take() []cdnpurge.Change {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.seen
	p.seen = nil
	return out
}

func isPublic(h http.Header) bool {
	return h.Get("Cache-Control") == "public, max-age=0, s-maxage=10" &&
		h.Get("CDN-Cache-Control") == "public, max-age=10, stale-while-revalidate=60" &&
		slices.Contains(h.Values("Vary"), "Authorization")
}

// TestCDNKeepsWhatReadersWithoutSessionShare: readers without a session get
// thread and counts answers a CDN may keep (browsers still revalidate),
// tagged with the pages they show; a signed-in reader's answer, or a guest
// voter's, stays private; and every write names its page to the purge hook.
func TestCDNKeepsWhatReadersWithoutSessionShare(t *testing.T) {
	p := &purges{}
	cdn := api.CDN{MaxAge: 10 * time.Second, Stale: time.Minute, Purge: p.add}
	eachDB(t, options{cdn: cdn}, func(t *testing.T, e *env) {
		p.take()
		id, _ := e.post("/post", 0, "First!")
		if got := p.take(); len(got) != 1 || got[0].SiteID != e.site.ID || got[0].Path != "/post" || got[0].PageID == 0 {
			t.Errorf("a new comment purged %+v, want the page /post of site %d", got, e.site.ID)
		}

		anon := e.thread("path=/post")
		if !isPublic(anon.header) {
			t.Errorf("thread for a reader without a session: Cache-Control %q, CDN-Cache-Control %q, Vary %q",
				anon.header.Get("Cache-Control"), anon.header.Get("CDN-Cache-Control"), anon.header.Values("Vary"))
		}
		tag := cdnpurge.PathTag(e.site.ID, "/post")
		if !strings.Contains(anon.header.Get("Cache-Tag"), tag) || !strings.Contains(anon.header.Get("Surrogate-Key"), tag) {
			t.Errorf("thread tags %q / %q lack the page's tag %s", anon.header.Get("Cache-Tag"), anon.header.Get("Surrogate-Key"), tag)
		}

		signedIn := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", headers: map[string]string{"Authorization": "Bearer not-a-session"}})
		if cc := signedIn.header.Get("Cache-Control"); cc != "private, no-store" || signedIn.header.Get("Cache-Tag") != "" {
			t.Errorf("thread with Authorization: Cache-Control %q, tags %q; want private, no-store and no tags", cc, signedIn.header.Get("Cache-Tag"))
		}

		vote := e.do(req{method: "POST", path: "/api/v1/comments/" + strconv.FormatInt(id, 10) + "/vote", body: map[string]any{"value": 1}, ip: "192.0.2.50"})
		if vote.status != http.StatusOK {
			t.Fatalf("vote: %d %s", vote.status, vote.raw)
		}
		if got := p.take(); len(got) != 1 {
			t.Errorf("a vote purged %+v, want its page", got)
		}
		voter := e.do(req{method: "GET", path: "/api/v1/thread?site=blog.example&path=/post", ip: "192.0.2.50"})
		if cc := voter.header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("thread of a guest who voted: Cache-Control %q, want private, no-store", cc)
		}
		if other := e.thread("path=/post"); !isPublic(other.header) {
			t.Errorf("thread of a reader who did not vote: Cache-Control %q, want public", other.header.Get("Cache-Control"))
		}

		counts := e.do(req{method: "GET", path: "/api/v1/counts?site=blog.example&path=/post&path=/other"})
		if !isPublic(counts.header) || !strings.Contains(counts.header.Get("Cache-Tag"), cdnpurge.PathTag(e.site.ID, "/other")) {
			t.Errorf("counts: Cache-Control %q, tags %q; want public, tagged with both pages", counts.header.Get("Cache-Control"), counts.header.Get("Cache-Tag"))
		}
		if got := anon.header.Get("CDN-Tag"); !strings.Contains(got, tag) {
			t.Errorf("thread CDN-Tag %q lacks %s", got, tag)
		}
		many := "/api/v1/counts?site=blog.example"
		for i := range 100 {
			many += "&path=/p" + strconv.Itoa(i)
		}
		wide := e.do(req{method: "GET", path: many})
		if got := wide.header.Get("CDN-Tag"); len(got) > 1024 || !strings.Contains(got, cdnpurge.SiteTag(e.site.ID)) || len(strings.Split(wide.header.Get("Cache-Tag"), ",")) != 102 {
			t.Errorf("counts of 100 pages: CDN-Tag %q (Bunny takes 1024 bytes; want the site tag), Cache-Tag of %d tags (want all 102)",
				got, len(strings.Split(wide.header.Get("Cache-Tag"), ",")))
		}
		if bad := e.thread("path=/post&sort=sideways"); bad.header.Get("Cache-Control") == "public, max-age=0, s-maxage=10" {
			t.Error("an error answer is public")
		}
	})
}

// TestNoCDNKeepsAnswersNoCache: with PARLEY_CDN_MAX_AGE=0 every cache must
// ask again each time, as before shared caching existed.
func TestNoCDNKeepsAnswersNoCache(t *testing.T) {
	e := newEnv(t, "sqlite", options{})
	e.post("/post", 0, "First!")
	r := e.thread("path=/post")
	if cc := r.header.Get("Cache-Control"); cc != "no-cache" || r.header.Get("CDN-Cache-Control") != "" || r.header.Get("Cache-Tag") != "" {
		t.Errorf("Cache-Control %q, CDN-Cache-Control %q, tags %q; want no-cache alone", cc, r.header.Get("CDN-Cache-Control"), r.header.Get("Cache-Tag"))
	}
}
