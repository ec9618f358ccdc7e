package bench

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/parleyhq/parley/bench/load"
	"github.com/parleyhq/parley/internal/importer/importtest"
)

// importComments is the size of the import scenario: 1,000 pages of 100.
const importThreads, importPerThread = 1000, 100

// importRow imports a generated Disqus export of 100,000 comments into a
// fresh instance with parley import, and reports comments per second and
// the command's peak memory. No file handler compares with an import.
func importRow(b *testing.B, in instance, db string) row {
	path := filepath.Join(b.TempDir(), "disqus.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := importtest.GenDisqus(f, importThreads, importPerThread, false); err != nil {
		b.Fatal(err)
	}
	f.Close()
	in.run(b, "site", "add", siteHost)
	began := time.Now()
	ps := in.run(b, "import", "--site", siteHost, "--quiet", path)
	n := importThreads * importPerThread
	r := row{db: db, name: fmt.Sprintf("import of %d comments (Disqus export, parley import)", n), unit: "comments/s",
		res: load.Result{Requests: n, Elapsed: time.Since(began)}}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		r.mem.Peak = ru.Maxrss << 10 // kilobytes on Linux
	}
	r.note = fmt.Sprintf("%.1f s in all", r.res.Elapsed.Seconds())
	b.Logf("%s: %d comments imported in %s", db, n, r.res.Elapsed.Round(time.Millisecond))
	return r
}

// twoInstances serves the seeded PostgreSQL instance from two parley serve
// processes on the one database, and loads both at once: each worker keeps
// to one of them, as a load balancer's clients would.
func twoInstances(b *testing.B, s settings, in instance) []row {
	a, c := in.serve(b), in.serve(b)
	defer a.stop()
	defer c.stop()
	sc := scenarios{b: b, s: s, bins: in.bins, db: "PostgreSQL, 2 instances"}
	both := func(n next) next {
		return func(string) func(int, int) load.Request {
			na, nc := n(a.base), n(c.base)
			return func(w, i int) load.Request {
				if w%2 == 0 {
					return na(w, i)
				}
				return nc(w, i)
			}
		}
	}
	rel := threadRel("/t100")
	reads := getting(func(int, int) string { return rel })
	creates := post("/two-instances")
	var rows []row
	for _, t := range []struct {
		name   string
		n      next
		expect int
	}{
		{"cached read, 100-comment thread, through both", reads, http.StatusOK},
		{"comment create, one page, through both", creates, http.StatusCreated},
	} {
		base := sc.baseline(a, t.n)
		r := row{db: sc.db, name: t.name, res: sc.run("", both(t.n), t.expect), static: base}
		ma, mc := sc.memory(a), sc.memory(c)
		r.mem = load.Memory{RSS: max(ma.RSS, mc.RSS), Peak: max(ma.Peak, mc.Peak)}
		r.note = "RSS of the larger instance"
		rows = append(rows, r)
	}
	return rows
}
