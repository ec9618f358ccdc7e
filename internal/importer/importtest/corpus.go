// Package importtest gives tests the extra corpus of real exports kept
// beside the repository. It must only be imported by tests.
package importtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// RequireCorpusEnv is the variable that turns a missing corpus from a skip
// into a failure; CI (.ci/run) sets it.
const RequireCorpusEnv = "PARLEY_TEST_REQUIRE_CORPUS"

// CorpusDir is where the corpus is looked for: shared/testdata/import in
// the folder that holds the repository (CI clones the repository with
// ../shared next to it). It is found from this file, so it is the same
// whatever package's test asks.
func CorpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	// file is REPO/internal/importer/importtest/corpus.go.
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "testdata", "import")
}

// Corpus returns the path of the corpus file name. When the corpus is not
// there the test is skipped with a message saying so, or fails when
// PARLEY_TEST_REQUIRE_CORPUS=1.
func Corpus(t testing.TB, name string) string {
	t.Helper()
	return corpus(t, CorpusDir(), name, os.Getenv)
}

func corpus(t testing.TB, dir, name string, getenv func(string) string) string {
	t.Helper()
	path, missing := corpusFile(dir, name)
	if missing != "" {
		if getenv(RequireCorpusEnv) == "1" {
			t.Fatalf("%s, and %s=1 requires it", missing, RequireCorpusEnv)
			return ""
		}
		t.Skipf("%s; set %s=1 to make this a failure", missing, RequireCorpusEnv)
	}
	return path
}

// corpusFile returns dir/name, or why it cannot be used.
func corpusFile(dir, name string) (path, missing string) {
	path = filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		return "", "the import corpus file " + path + " is not there (" + err.Error() + ")"
	}
	return path, ""
}
