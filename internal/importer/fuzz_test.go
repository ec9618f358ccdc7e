package importer

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/importer/importtest"
	"github.com/parleyhq/parley/internal/markup"
)

// Fuzz targets for every parser of untrusted input. Each runs the parser
// over arbitrary bytes with small limits and prepares every entry it emits
// (HTML to markdown, rendering), checking that nothing panics, hangs or
// escapes the limits. Seeds are the real exports and the hostile samples.
//
//	go test ./internal/importer -run '^$' -fuzz '^FuzzDisqus$' -fuzztime 30s -fuzzminimizetime 5s
//
// (Minimizing a new input of a multi-kilobyte seed takes up to a minute
// with the default -fuzzminimizetime, during which no executions count.)

var fuzzLimits = Limits{MaxToken: 1 << 20, MaxText: 4 << 10, MaxExpanded: 8 << 20, MaxRatio: 100, MaxSpool: 8 << 20, MaxPending: 1 << 20}

// fuzzParse runs parse (or parseFile on a copy of data) and checks every
// entry it emits, in the same goroutine.
func fuzzParse(t *testing.T, data []byte, spec formatSpec) {
	r := markup.New()
	env := &parseEnv{ctx: context.Background(), limits: fuzzLimits, tempDir: t.TempDir(), siteHost: "blog.example",
		deliver: func(it *item) error {
			if it.entry == nil {
				return nil
			}
			e := it.entry
			prepare(e, fuzzLimits.MaxText, r)
			if len(e.Text) > fuzzLimits.MaxText {
				t.Fatalf("text of %d bytes passed the limit", len(e.Text))
			}
			if !utf8.ValidString(e.Text) {
				t.Fatalf("invalid UTF-8 text %q", e.Text)
			}
			if strings.Contains(strings.ToLower(e.HTML), "<script") {
				t.Fatalf("rendered HTML has a script: %q", e.HTML)
			}
			return nil
		}}
	parsePart(env, spec, bytes.NewReader(data))
}

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
}

// corpus holds the real exports beside the repository, when they are there.
var corpus = importtest.CorpusDir() + "/"

func FuzzDisqus(f *testing.F) {
	addSeeds(f, "testdata/disqus.xml", corpus+"disqus-small.xml", "testdata/xxe-disqus.xml")
	f.Add([]byte(`<disqus><thread dsq:id="1"><link>/a</link></thread><post dsq:id="2"><thread dsq:id="1"/><message>&lt;b&gt;x</message><createdAt>2020-01-01T00:00:00Z</createdAt></post></disqus>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, specFor(Disqus)) })
}

func FuzzWordPress(f *testing.F) {
	addSeeds(f, "testdata/wordpress-1.0.xml", "testdata/wordpress-1.1.xml", "testdata/wordpress-1.2-https.xml",
		corpus+"wordpress-wxr-1.0.xml", corpus+"wordpress-wxr-1.1.xml", "testdata/billion-laughs-wxr.xml")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, specFor(WordPress)) })
}

func FuzzCommento(f *testing.F) {
	addSeeds(f, "testdata/commento.json", "testdata/comentario.json", corpus+"commento.json")
	f.Add([]byte(`{"version":3,"pages":[{"id":"p","path":"/x"}],"comments":[{"id":"c","pageId":"p","markdown":"hi","createdTime":"2020-01-01T00:00:00Z"}],"commenters":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, specFor(Commento)) })
}

func FuzzRemark42(f *testing.F) {
	addSeeds(f, "testdata/remark42.jsonl")
	f.Add([]byte(`{"version":1,"users":[],"posts":[]}` + "\n" + `{"id":"1","pid":"","text":"<p>x</p>","user":{"name":"a"},"locator":{"url":"https://x/y"},"time":"2020-01-01T00:00:00Z"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, specFor(Remark42)) })
}

func FuzzParley(f *testing.F) {
	addSeeds(f, "testdata/parley.json")
	f.Add([]byte(`{"format":"parley-export","version":1,"site":{"host":"a"},"pages":[{"id":1,"path":"/p"}],"comments":[{"id":1,"pageId":1,"parentId":null,"author":{"name":"A"},"text":"hi","status":"approved","createdAt":"2020-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, specFor(Parley)) })
}

func FuzzIsso(f *testing.F) {
	f.Add(append([]byte(nil), magicSQLite...))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, specFor(Isso)) })
}

// FuzzOpenInput feeds arbitrary containers (gzip, zip) and checks that
// reading every part stays within the limits.
func FuzzOpenInput(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte("PK\x03\x04 not really a zip"))
	f.Add([]byte("<disqus/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := openInput(bytes.NewReader(data), int64(len(data)), fuzzLimits, t.TempDir())
		if err != nil {
			return
		}
		defer in.cleanup()
		Detect(in.head)
		for _, p := range in.parts {
			rc, err := p.open()
			if err != nil {
				continue
			}
			n, _ := io.Copy(io.Discard, rc)
			rc.Close()
			if n > fuzzLimits.MaxExpanded {
				t.Fatalf("read %d bytes past MaxExpanded", n)
			}
		}
	})
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte(`{"version":3,"pages":[]}`))
	f.Add([]byte(`<rss xmlns:wp="http://wordpress.org/export/1.2/">`))
	f.Fuzz(func(t *testing.T, data []byte) { Detect(data) })
}
