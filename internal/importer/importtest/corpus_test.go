package importtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCorpusFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "here.xml"), []byte("<x/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if path, missing := corpusFile(dir, "here.xml"); missing != "" || path != filepath.Join(dir, "here.xml") {
		t.Errorf("present file: %q, %q", path, missing)
	}
	// A corpus that is not there (a fresh clone) is reported, not read.
	path, missing := corpusFile(filepath.Join(dir, "no-shared"), "disqus-small.xml")
	if path != "" || !strings.Contains(missing, "is not there") {
		t.Errorf("missing corpus: %q, %q", path, missing)
	}
}

// recorder stands in for a test, recording whether it was skipped or failed.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Skipf(format string, a ...any)  { r.skipped = format }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = format }

func TestCorpusSkipsOrFails(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-shared")
	for _, tt := range []struct {
		require      string
		skip, failed bool
	}{{"", true, false}, {"0", true, false}, {"1", false, true}} {
		r := &recorder{TB: t}
		corpus(r, missing, "disqus-small.xml", func(k string) string {
			if k == RequireCorpusEnv {
				return tt.require
			}
			return ""
		})
		if (r.skipped != "") != tt.skip || (r.failed != "") != tt.failed {
			t.Errorf("%s=%q: skipped %q, failed %q; want skip %v, fail %v", RequireCorpusEnv, tt.require, r.skipped, r.failed, tt.skip, tt.failed)
		}
	}
}

func TestCorpusDir(t *testing.T) {
	// The corpus sits beside the repository: REPO/../shared/testdata/import.
	wd, _ := os.Getwd() // REPO/internal/importer/importtest
	want := filepath.Join(wd, "..", "..", "..", "..", "shared", "testdata", "import")
	if filepath.Clean(CorpusDir()) != filepath.Clean(want) {
		t.Errorf("CorpusDir() = %s, want %s", CorpusDir(), want)
	}
}
