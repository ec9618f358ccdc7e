package analytics

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const hostilePath = "/</text><script>alert(1)</script>&amp;\"'"

// testReport is a fixed report of n days ending 2026-11-07 with a hostile
// page path among its top pages.
func testReport(n int) *Report {
	r := &Report{Host: "example.com"}
	last := time.Date(2026, 11, 7, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d := Day{Date: last.AddDate(0, 0, i+1-n), Views: int64((i * 37) % 23), Comments: int64(i % 3)}
		r.Days = append(r.Days, d)
		r.Views += d.Views
		r.Comments += d.Comments
	}
	r.TopByViews = []store.PageCount{{Path: "/blog/first", N: 120}, {Path: hostilePath, N: 40}, {Path: "/" + strings.Repeat("long-", 20), N: 3}}
	return r
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", name, got)
	}
}

// The charts are deterministic: the same report draws the same SVG.
func TestChartsGolden(t *testing.T) {
	views := func(d Day) int64 { return d.Views }
	comments := func(d Day) int64 { return d.Comments }
	for name, svg := range map[string]string{
		"views-7.svg.golden":     DailyChart(testReport(7), "views", views),
		"comments-30.svg.golden": DailyChart(testReport(30), "comments", comments),
		"views-90.svg.golden":    DailyChart(testReport(90), "views", views),
		"empty-90.svg.golden":    DailyChart(&Report{Host: "example.com", Days: make([]Day, 90)}, "views", views),
		"top-views.svg.golden":   TopChart(testReport(7), "views", testReport(7).TopByViews),
		"top-empty.svg.golden":   TopChart(testReport(7), "comments", nil),
	} {
		t.Run(name, func(t *testing.T) { golden(t, name, svg) })
	}
}

// Every chart is well-formed XML with an accessible name and description,
// and a hostile page path or host stays text: no element comes out of it.
func TestChartsAreWellFormedAndEscaped(t *testing.T) {
	r := testReport(30)
	r.Host = `evil"><script>x</script>`
	for _, svg := range []string{
		DailyChart(r, "views", func(d Day) int64 { return d.Views }),
		TopChart(r, "views", r.TopByViews),
		TopChart(r, "comments", nil),
	} {
		var elems []string
		var texts strings.Builder
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed XML: %v\n%s", err, svg)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				elems = append(elems, tok.Name.Local)
				if tok.Name.Local == "svg" && (attr(tok, "role") != "img" || attr(tok, "aria-label") == "" || attr(tok, "viewBox") == "") {
					t.Errorf("svg element without role, aria-label or viewBox: %v", tok.Attr)
				}
			case xml.CharData:
				texts.Write(tok)
			}
		}
		for _, e := range elems {
			if e == "script" {
				t.Errorf("a script element came out of a label:\n%s", svg)
			}
		}
		if elems[1] != "title" || elems[2] != "desc" {
			t.Errorf("the chart does not start with <title> and <desc>: %v", elems[:3])
		}
		if !strings.Contains(texts.String(), r.Host) {
			t.Errorf("the host is not kept as text")
		}
		if strings.Contains(svg, "<script") || strings.Contains(svg, "</text><script") {
			t.Errorf("unescaped markup in the SVG:\n%s", svg)
		}
	}
	top := TopChart(r, "views", r.TopByViews)
	if !bytes.Contains([]byte(top), []byte("/&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&#34;&#39;")) {
		t.Errorf("the hostile path is not escaped as expected:\n%s", top)
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// The y axis ends on a round number at or above the highest value, in at
// most five steps.
func TestScale(t *testing.T) {
	for _, tc := range []struct{ max, step, top int64 }{
		{0, 1, 1}, {1, 1, 1}, {5, 1, 5}, {6, 2, 6}, {11, 5, 15}, {23, 5, 25}, {99, 20, 100}, {1001, 500, 1500}, {123456, 50000, 150000},
	} {
		step, top := scale(tc.max)
		if step != tc.step || top != tc.top {
			t.Errorf("scale(%d) = %d, %d; want %d, %d", tc.max, step, top, tc.step, tc.top)
		}
	}
}

// Whatever a page path holds (markup, control characters, invalid UTF-8),
// the chart stays well-formed XML.
func FuzzTopChartIsWellFormed(f *testing.F) {
	for _, s := range []string{hostilePath, "/\x00\x01", "/\xff\xfe", "/]]>", "/" + strings.Repeat("é", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		r := testReport(7)
		svg := TopChart(r, "views", []store.PageCount{{Path: path, N: 3}})
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("path %q: not well-formed XML: %v\n%s", path, err, svg)
			}
			if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "script" {
				t.Fatalf("path %q made an element", path)
			}
		}
	})
}
