package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The pages the suite seeds before it serves, and how many comments each.
const (
	randomPages  = 10_000 // /r/0 … /r/9999, one comment each
	bigPageSize  = 15_000 // /big: comment create on a long page
	siteHost     = "localhost"
	siteOrigin   = "http://localhost"
	seedFileHost = "seed.example" // the export's own site: its comment ids are not kept
)

// threadSizes are the cached-read scenarios: /t100, /t1000, /t10000.
var threadSizes = []int{100, 1_000, 10_000}

// writeSeed writes a Parley export (docs/export-format.md) of the pages
// above. On every page, one comment in four starts a thread and the three
// after it reply to it.
func writeSeed(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "seed.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<16)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintf(w, `{"format":"parley-export","version":1,"exportedAt":%q,"site":{"host":%q},"personalData":false,`+"\n", at.Format(time.RFC3339), seedFileHost)
	type page struct {
		path string
		n    int
	}
	var pages []page
	for _, n := range threadSizes {
		pages = append(pages, page{fmt.Sprintf("/t%d", n), n})
	}
	pages = append(pages, page{"/big", bigPageSize})
	for i := range randomPages {
		pages = append(pages, page{fmt.Sprintf("/r/%d", i), 1})
	}
	fmt.Fprint(w, `"pages":[`)
	for i, p := range pages {
		fmt.Fprintf(w, "%s\n"+`{"id":%d,"path":%q,"title":"Page %d","locked":false,"createdAt":%q}`, comma(i), i+1, p.path, i+1, at.Format(time.RFC3339))
	}
	fmt.Fprint(w, "],\n"+`"comments":[`)
	id := 0
	for pi, p := range pages {
		root := 0
		for i := range p.n {
			id++
			parent := "null"
			if i%4 == 0 {
				root = id
			} else {
				parent = fmt.Sprint(root)
			}
			created := at.Add(time.Duration(id) * time.Second).Format(time.RFC3339)
			fmt.Fprintf(w, "%s\n"+`{"id":%d,"pageId":%d,"parentId":%s,"author":{"name":"Reader %d"},"text":"Comment %d with *some* markdown and a [link](https://example.com/%d), long enough to look like a real one.","status":"approved","createdAt":%q,"editedAt":null,"deletedAt":null,"score":0,"upvotes":0,"downvotes":0,"sticky":false}`,
				comma(id-1), id, pi+1, parent, id%500, id, id, created)
		}
	}
	fmt.Fprint(w, "]}\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return path
}

func comma(i int) string {
	if i == 0 {
		return ""
	}
	return ","
}

// seedComments is how many comments writeSeed writes.
func seedComments() int {
	n := bigPageSize + randomPages
	for _, s := range threadSizes {
		n += s
	}
	return n
}
