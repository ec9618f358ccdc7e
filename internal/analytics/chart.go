package analytics

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/store"
)

// The charts are drawn in a fixed coordinate space and scaled by their
// viewBox, so they fit any width down to a phone's. Colours come from
// presentation attributes (currentColor) that a stylesheet overrides through
// the classes: chart, chart-bar, chart-axis, chart-grid, chart-tick,
// chart-label, chart-value, chart-empty. Every text is XML-escaped.
const (
	chartWidth  = 640
	chartHeight = 240
	plotLeft    = 52
	plotRight   = 8
	plotTop     = 12
	plotBottom  = 36
	// maxXLabels bounds the dates written under a daily chart.
	maxXLabels = 7
	// topRowHeight and topLabelWidth lay out the top-pages chart.
	topRowHeight  = 24
	topLabelWidth = 260
	// maxLabelRunes shortens long page paths in the top-pages chart (the
	// tables and the CSV keep them whole).
	maxLabelRunes = 36
)

// svgWriter builds an SVG document; the methods escape every text.
type svgWriter struct{ b strings.Builder }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// text writes s escaped for XML character data and attribute values.
func (w *svgWriter) text(s string) {
	// xml.EscapeText fails only when its writer does; a Builder never does.
	_ = xml.EscapeText(&w.b, []byte(s))
}

// open writes the root element with its accessible name and description.
func (w *svgWriter) open(class string, height int, title, desc string) {
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %d %d" role="img" aria-label="`, class, chartWidth, height)
	w.text(title)
	w.printf(`"><title>`)
	w.text(title)
	w.printf(`</title><desc>`)
	w.text(desc)
	w.printf("</desc>\n")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// scale returns a round tick step (1, 2 or 5 times a power of ten) and the
// axis top, a multiple of it at or above max, with at most 5 steps.
func scale(max int64) (step, top int64) {
	for base := int64(1); ; base *= 10 {
		for _, m := range []int64{1, 2, 5} {
			step = base * m
			if step*5 >= max {
				top = (max + step - 1) / step * step
				if top == 0 {
					top = step
				}
				return step, top
			}
		}
	}
}

// DailyChart draws one value per day (count picks Views or Comments) as a
// bar chart with a y axis of round ticks and dates under it. unit names
// the values in titles ("views", "comments").
func DailyChart(r *Report, unit string, count func(Day) int64) string {
	var w svgWriter
	var total, most int64
	mostDay := 0
	for i, d := range r.Days {
		v := count(d)
		total += v
		if v > most {
			most, mostDay = v, i
		}
	}
	first, last := r.Days[0].Date.Format("2006-01-02"), r.Days[len(r.Days)-1].Date.Format("2006-01-02")
	title := fmt.Sprintf("%s per day on %s", capitalize(unit), r.Host)
	desc := fmt.Sprintf("%d %s from %s to %s", total, unit, first, last)
	if most > 0 {
		desc += fmt.Sprintf("; most on %s: %d", r.Days[mostDay].Date.Format("2006-01-02"), most)
	}
	w.open("chart-daily chart-"+unit, chartHeight, title, desc+".")
	plotW := float64(chartWidth - plotLeft - plotRight)
	plotH := float64(chartHeight - plotTop - plotBottom)
	baseY := float64(plotTop) + plotH
	step, top := scale(most)
	for v := int64(0); v <= top; v += step {
		y := baseY - float64(v)/float64(top)*plotH
		w.printf(`<line class="chart-grid" x1="%d" y1="%s" x2="%d" y2="%s" stroke="currentColor" stroke-opacity="0.15"/>`+"\n", plotLeft, num(y), chartWidth-plotRight, num(y))
		w.printf(`<text class="chart-tick" x="%d" y="%s" text-anchor="end" font-size="11" fill="currentColor">%d</text>`+"\n", plotLeft-6, num(y+4), v)
	}
	slot := plotW / float64(len(r.Days))
	every := (len(r.Days) + maxXLabels - 1) / maxXLabels
	for i, d := range r.Days {
		v := count(d)
		x := float64(plotLeft) + float64(i)*slot
		h := float64(v) / float64(top) * plotH
		w.printf(`<rect class="chart-bar" x="%s" y="%s" width="%s" height="%s" fill="currentColor"><title>`, num(x+slot*0.15), num(baseY-h), num(slot*0.7), num(h))
		w.text(fmt.Sprintf("%s: %d %s", d.Date.Format("2006-01-02"), v, plural(v, unit)))
		w.printf("</title></rect>\n")
		if (len(r.Days)-1-i)%every == 0 { // label the last day, and back from it
			w.printf(`<text class="chart-label" x="%s" y="%d" text-anchor="middle" font-size="11" fill="currentColor">%s</text>`+"\n", num(x+slot/2), chartHeight-plotBottom+16, d.Date.Format("Jan 2"))
		}
	}
	w.printf(`<line class="chart-axis" x1="%d" y1="%s" x2="%d" y2="%s" stroke="currentColor"/>`+"\n", plotLeft, num(baseY), chartWidth-plotRight, num(baseY))
	w.printf("</svg>\n")
	return w.b.String()
}

// TopChart draws a list of pages as horizontal bars labelled with their
// paths (shortened past maxLabelRunes) and values.
func TopChart(r *Report, unit string, pages []store.PageCount) string {
	var w svgWriter
	title := fmt.Sprintf("Top pages by %s on %s", unit, r.Host)
	height := plotTop*2 + topRowHeight*max(len(pages), 1)
	desc := "No " + unit + " in this range."
	if len(pages) > 0 {
		desc = fmt.Sprintf("%d pages; first %s with %d %s.", len(pages), pages[0].Path, pages[0].N, unit)
	}
	w.open("chart-top chart-"+unit, height, title, desc)
	if len(pages) == 0 {
		w.printf(`<text class="chart-empty" x="%d" y="%d" font-size="13" fill="currentColor">`, plotLeft, plotTop+16)
		w.text(desc)
		w.printf("</text>\n</svg>\n")
		return w.b.String()
	}
	barW := float64(chartWidth - topLabelWidth - plotRight - 48)
	for i, p := range pages {
		y := plotTop + i*topRowHeight
		length := float64(p.N) / float64(pages[0].N) * barW
		w.printf(`<text class="chart-label" x="%d" y="%d" text-anchor="end" font-size="12" fill="currentColor">`, topLabelWidth-8, y+16)
		w.text(shorten(p.Path))
		w.printf(`</text><rect class="chart-bar" x="%d" y="%d" width="%s" height="%d" fill="currentColor"><title>`, topLabelWidth, y+4, num(length), topRowHeight-8)
		w.text(fmt.Sprintf("%s: %d %s", p.Path, p.N, plural(p.N, unit)))
		w.printf(`</title></rect><text class="chart-value" x="%s" y="%d" font-size="12" fill="currentColor">%d</text>`+"\n", num(float64(topLabelWidth)+length+6), y+16, p.N)
	}
	w.printf("</svg>\n")
	return w.b.String()
}

func shorten(path string) string {
	if utf8.RuneCountInString(path) <= maxLabelRunes {
		return path
	}
	return string([]rune(path)[:maxLabelRunes-1]) + "…"
}

// plural returns unit, a plural, for n; its singular for 1.
func plural(n int64, unit string) string {
	if n == 1 {
		return strings.TrimSuffix(unit, "s")
	}
	return unit
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
