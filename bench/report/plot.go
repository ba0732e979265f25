package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Colours of the bars by kind.
var colours = map[string]string{"mailwire": "#d62728", "floor": "#7f7f7f", "peer": "#1f77b4", "previous": "#f4a6a6"}

// plot draws grouped bars per workload on a log scale, one panel row per
// workload, each bar labelled with its implementation and median; the
// round-trip workloads follow under a heading of their own, each bar also
// labelled with the round trips per message its median implies.
func plot(entries []Entry) string {
	var groups []string
	byGroup := map[string][]Entry{}
	for _, e := range entries {
		if _, ok := byGroup[e.Workload]; !ok {
			groups = append(groups, e.Workload)
		}
		byGroup[e.Workload] = append(byGroup[e.Workload], e)
	}
	const width, rowH, barH, left = 1000, 18, 14, 330
	y := 40
	var b strings.Builder
	for _, wan := range []bool{false, true} {
		first := true
		for _, g := range groups {
			if _, ok := workloadRTT(g); ok != wan {
				continue
			}
			if wan && first {
				y += 10
				fmt.Fprintf(&b, `<text x="10" y="%d" font-size="15">Simulated round trips: replies delayed by a delay line, `+
					`2 KB messages, 1 recipient (_x8: 8 connections)</text>`, y+12)
				y += rowH + 10
			}
			first = false
			b.WriteString(panel(g, byGroup[g], &y, width, rowH, barH, left))
		}
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+
		`<rect width="100%%" height="100%%" fill="white"/>`+
		`<text x="10" y="22" font-size="16">Mailwire benchmarks: medians (log scale; red Mailwire, grey floors, blue peers)</text>%s</svg>`+"\n",
		width, y+10, b.String())
}

// panel draws one workload's bars, scaled logarithmically between the
// smallest and largest median of the workload.
func panel(name string, es []Entry, y *int, width, rowH, barH, left int) string {
	lo, hi := math.Inf(1), 0.0
	for _, e := range es {
		if e.Median > 0 {
			lo = math.Min(lo, e.Median)
			hi = math.Max(hi, e.Median)
		}
	}
	var b strings.Builder
	unit := ""
	if len(es) > 0 {
		unit = es[0].Unit
		if lowerIsBetter(unit) {
			unit += ", lower is better"
		}
	}
	fmt.Fprintf(&b, `<text x="10" y="%d" font-weight="bold">%s (%s)</text>`, *y+12, html.EscapeString(name), html.EscapeString(unit))
	*y += rowH + 4
	span := math.Log10(hi) - math.Log10(lo/10)
	for _, e := range es {
		w := 2.0
		if e.Median > 0 && span > 0 {
			w = math.Max(2, float64(width-left-200)*(math.Log10(e.Median)-math.Log10(lo/10))/span)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, left-6, *y+barH-2, html.EscapeString(e.Impl))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, left, *y, w, barH, colours[e.Kind])
		label := num(e.Median)
		if e.RoundTrips > 0 {
			label += fmt.Sprintf(" (%.3g rt/msg)", e.RoundTrips)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`, float64(left)+w+4, *y+barH-2, html.EscapeString(label))
		*y += rowH
	}
	*y += 10
	return b.String()
}

// num formats a figure with three significant digits.
func num(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}
