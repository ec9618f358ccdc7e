package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/comment"
	"github.com/parleyhq/parley/internal/store"
)

// A path longer than comment.MaxPathLength bytes is refused wherever a
// path is named, with a field error.
func TestPathLengthIsBounded(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		longest := "/" + strings.Repeat("p", comment.MaxPathLength-1)
		tooLong := longest + "p"
		for _, path := range []string{longest, tooLong} {
			want := http.StatusOK
			if len(path) > comment.MaxPathLength {
				want = http.StatusBadRequest
			}
			q := url.QueryEscape(path)
			for name, r := range map[string]*resp{
				"thread": e.thread("path=" + q),
				"counts": e.do(req{method: "GET", path: "/api/v1/counts?site=blog.example&path=" + q}),
			} {
				if r.status != want || (want == 400 && r.str("error.field") != "path") {
					t.Errorf("%s of a %d-byte path: %d %s", name, len(path), r.status, r.raw)
				}
			}
			body := newComment("hello", map[string]any{"name": "Ann"})
			body["path"] = path
			r := e.do(req{method: "POST", path: "/api/v1/comments", body: body})
			if want == 200 && r.status != http.StatusCreated || want == 400 && (r.status != 400 || r.str("error.field") != "path") {
				t.Errorf("comment on a %d-byte path: %d %s", len(path), r.status, r.raw)
			}
		}
	})
}

// Reads of made-up paths create at most the daily bound of pages; reads
// past it still answer an empty thread but leave no row (so no view row
// either: views hang on pages). Comments create their page whatever the
// bound.
func TestReadsCreatePagesWithinDailyBound(t *testing.T) {
	eachDB(t, options{}, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.store.SetNewPagesPerDay(3)
		readMadeUp := func(day string) int {
			t.Helper()
			for i := range 10 {
				th := e.thread(fmt.Sprintf("path=/%s/%d", day, i))
				if th.status != 200 || len(th.get("comments").([]any)) != 0 || th.num("page.commentCount") != 0 {
					t.Fatalf("read of a made-up path: %d %s", th.status, th.raw)
				}
			}
			if err := e.views.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			created := 0
			for i := range 10 {
				path := fmt.Sprintf("/%s/%d", day, i)
				_, _, err := e.store.PageByPath(ctx, e.site.ID, path)
				if err == nil {
					created++
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Fatal(err)
				}
			}
			return created
		}
		if n := readMadeUp("monday"); n != 3 {
			t.Errorf("10 made-up paths created %d pages, want the daily bound of 3", n)
		}
		e.post("/commented-past-the-bound", 0, "a comment creates its page")
		if _, _, err := e.store.PageByPath(ctx, e.site.ID, "/commented-past-the-bound"); err != nil {
			t.Errorf("comment past the bound: %v", err)
		}
		e.now = e.now.Add(24 * time.Hour)
		if n := readMadeUp("tuesday"); n != 3 {
			t.Errorf("the next day 10 made-up paths created %d pages, want 3", n)
		}
	})
}
