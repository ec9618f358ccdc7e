package api

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// statusNames maps the net/http constants the API answers with to their numbers.
var statusNames = map[string]int{
	"BadRequest": http.StatusBadRequest, "Forbidden": http.StatusForbidden, "NotFound": http.StatusNotFound,
	"RequestEntityTooLarge": http.StatusRequestEntityTooLarge, "TooManyRequests": http.StatusTooManyRequests,
	"Conflict": http.StatusConflict, "InternalServerError": http.StatusInternalServerError,
	"ServiceUnavailable": http.StatusServiceUnavailable, "Unauthorized": http.StatusUnauthorized,
}

// TestErrorCodesDocumented keeps docs/api.md's error table equal to the errors the code writes:
// every status and code pair a writeError call in this package produces is a row of the table,
// and every row is produced somewhere.
func TestErrorCodesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	row := regexp.MustCompile(`(?m)^\| (\d{3}) \| ([^|]+) \|`)
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		for _, c := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(m[2], -1) {
			documented[m[1]+" "+c[1]] = true
		}
	}
	if len(documented) == 0 {
		t.Fatal("no error table found in docs/api.md")
	}
	written := map[string]bool{}
	call := regexp.MustCompile(`writeError\(w, http\.Status(\w+), "([a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			status, ok := statusNames[m[1]]
			if !ok {
				t.Fatalf("%s: http.Status%s is not in statusNames; add it", f, m[1])
			}
			written[strconv.Itoa(status)+" "+m[2]] = true
		}
	}
	for pair := range written {
		if !documented[pair] {
			t.Errorf("the API answers %s, but docs/api.md's error table does not list it", pair)
		}
	}
	for pair := range documented {
		if !written[pair] {
			t.Errorf("docs/api.md lists %s, which no writeError in internal/api produces", pair)
		}
	}
	if t.Failed() {
		var all []string
		for pair := range written {
			all = append(all, pair)
		}
		slices.Sort(all)
		t.Log(fmt.Sprint("written: ", all))
	}
}
