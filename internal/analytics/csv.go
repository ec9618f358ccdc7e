package analytics

import (
	"encoding/csv"
	"io"
	"mime"
	"strconv"
	"strings"
)

// WriteCSV writes the report as CSV in three sections, each with its own
// header row: day,views,logged_in_views,comments (one row per day, oldest
// first; logged_in_views are the views made with a valid session), then
// rank,page_by_views,views and rank,page_by_comments,comments. A page path
// that a spreadsheet would read as a formula gets a leading apostrophe.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"day", "views", "logged_in_views", "comments"}}
	for _, d := range r.Days {
		rows = append(rows, []string{d.Date.Format("2006-01-02"), itoa(d.Views), itoa(d.LoggedIn), itoa(d.Comments)})
	}
	rows = append(rows, []string{"rank", "page_by_views", "views"})
	for i, p := range r.TopByViews {
		rows = append(rows, []string{strconv.Itoa(i + 1), cell(p.Path), itoa(p.N)})
	}
	rows = append(rows, []string{"rank", "page_by_comments", "comments"})
	for i, p := range r.TopByComments {
		rows = append(rows, []string{strconv.Itoa(i + 1), cell(p.Path), itoa(p.N)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// cell defuses spreadsheet formulas (CSV injection) in a page path.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvDisposition is the Content-Disposition of a report's download:
// parley-analytics-<host>-<days>d-<last day>.csv, the host reduced to
// letters, digits, dots and hyphens.
func csvDisposition(r *Report) string {
	host := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
			return c
		}
		return '_'
	}, r.Host)
	last := r.Days[len(r.Days)-1].Date.Format("2006-01-02")
	name := "parley-analytics-" + host + "-" + strconv.Itoa(len(r.Days)) + "d-" + last + ".csv"
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}
