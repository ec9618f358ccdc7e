package analytics

import (
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// The CSV has a row per day and the top pages, in sections with headers,
// quotes what needs quoting and defuses formulas in page paths.
func TestWriteCSV(t *testing.T) {
	r := &Report{Host: "example.com"}
	for i, v := range []int64{5, 0, 12} {
		r.Days = append(r.Days, Day{Date: time.Date(2026, 10, 31+i, 0, 0, 0, 0, time.UTC), Views: v, LoggedIn: v / 2, Comments: int64(i)})
	}
	r.TopByViews = []store.PageCount{{Path: "/a,b", N: 12}, {Path: `/say "hi"`, N: 5}}
	r.TopByComments = []store.PageCount{{Path: "=HYPERLINK(\"x\")", N: 2}}
	var b strings.Builder
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	want := `day,views,logged_in_views,comments
2026-10-31,5,2,0
2026-11-01,0,0,1
2026-11-02,12,6,2
rank,page_by_views,views
1,"/a,b",12
2,"/say ""hi""",5
rank,page_by_comments,comments
1,"'=HYPERLINK(""x"")",2
`
	if got := b.String(); got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
}

// The download is an attachment named after the site, the range and its
// last day, whatever characters the host holds.
func TestCSVDisposition(t *testing.T) {
	r := testReport(30)
	r.Host = `localhost:3000/"x`
	typ, params, err := mime.ParseMediaType(csvDisposition(r))
	if err != nil {
		t.Fatal(err)
	}
	if want := "parley-analytics-localhost_3000__x-30d-2026-11-07.csv"; typ != "attachment" || params["filename"] != want {
		t.Errorf("disposition %q %q, want attachment %q", typ, params["filename"], want)
	}
}

// The share of signed-in views is rounded to a whole percentage and absent
// without views.
func TestLoggedInShare(t *testing.T) {
	for _, tc := range []struct {
		views, loggedIn, want int64
		ok                    bool
	}{{0, 0, 0, false}, {3, 0, 0, true}, {3, 1, 33, true}, {3, 2, 67, true}, {8, 8, 100, true}, {1000, 5, 1, true}} {
		got, ok := (&Report{Views: tc.views, LoggedIn: tc.loggedIn}).LoggedInShare()
		if got != tc.want || ok != tc.ok {
			t.Errorf("%d of %d: %d, %v; want %d, %v", tc.loggedIn, tc.views, got, ok, tc.want, tc.ok)
		}
	}
}
