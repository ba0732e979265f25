// Command report turns the raw measurements of bench/run.sh into the
// table of medians and ratios, bench/results.json and bench/results.svg.
//
//	report RAW.tsv JSON SVG
//
// RAW.tsv has one line per measurement: workload, implementation, kind
// (floor, mailwire or peer), round, value, unit, peak RSS in KB.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sample is one measurement.
type sample struct {
	value float64
	rss   float64
}

// Entry is the summary of one implementation in one workload.
type Entry struct {
	Workload string    `json:"workload"`
	Impl     string    `json:"impl"`
	Kind     string    `json:"kind"`
	Unit     string    `json:"unit"`
	Median   float64   `json:"median"`
	Values   []float64 `json:"values"`
	RSSKB    float64   `json:"peak_rss_kb_median"`
	// PerMailwire is this figure divided by Mailwire's in the workload.
	PerMailwire float64 `json:"ratio_to_mailwire,omitempty"`
	// RTTms is the simulated round-trip time of a round-trip workload
	// (wan_1ms, wan_20ms), in milliseconds.
	RTTms float64 `json:"rtt_ms,omitempty"`
	// RoundTrips is what the median implies in a round-trip workload:
	// round trips per message and connection, conns / (median x rtt).
	RoundTrips float64 `json:"round_trips_per_msg,omitempty"`
}

// Target is one goal of the specification checked against the run.
type Target struct {
	Group string  `json:"group"`
	Name  string  `json:"name"`
	Ratio float64 `json:"ratio"`
	Goal  float64 `json:"goal"`
	Met   bool    `json:"met"`
}

// Results is the content of results.json.
type Results struct {
	Entries []Entry  `json:"entries"`
	Targets []Target `json:"targets"`
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: report RAW.tsv JSON SVG")
		os.Exit(2)
	}
	entries, err := load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	res := Results{Entries: entries, Targets: targets(entries)}
	printTable(res)
	b, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(os.Args[2], append(b, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[3], []byte(plot(entries)), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

// load reads the raw file and summarises it, keeping the order of first
// appearance.
func load(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := map[string]int{}
	var entries []Entry
	var samples [][]sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 7 {
			continue
		}
		v, err1 := strconv.ParseFloat(c[4], 64)
		r, _ := strconv.ParseFloat(c[6], 64)
		if err1 != nil {
			continue
		}
		key := c[0] + "\x00" + c[1]
		i, ok := idx[key]
		if !ok {
			i = len(entries)
			idx[key] = i
			entries = append(entries, Entry{Workload: c[0], Impl: c[1], Kind: c[2], Unit: c[5]})
			samples = append(samples, nil)
		}
		samples[i] = append(samples[i], sample{v, r})
	}
	for i := range entries {
		entries[i].summarise(samples[i])
		entries[i].roundTrips()
	}
	ratios(entries)
	return entries, sc.Err()
}

func (e *Entry) summarise(s []sample) {
	var vs, rs []float64
	for _, x := range s {
		vs = append(vs, x.value)
		rs = append(rs, x.rss)
	}
	e.Values = vs
	e.Median = median(vs)
	e.RSSKB = median(rs)
}

// roundTrips sets RTTms and RoundTrips for a workload named wan_RTT or
// imap_RTT; an
// implementation named ..._xN uses N connections.
func (e *Entry) roundTrips() {
	rtt, ok := workloadRTT(e.Workload)
	if !ok {
		return
	}
	e.RTTms = rtt.Seconds() * 1000
	if e.Median > 0 && e.Unit == "msg/s" {
		e.RoundTrips = float64(connections(e.Impl)) / (e.Median * rtt.Seconds())
	}
}

// workloadRTT gives the round-trip time a workload name ends in
// ("wan_20ms", "imap_20ms": 20 ms).
func workloadRTT(workload string) (time.Duration, bool) {
	i := strings.LastIndexByte(workload, '_')
	if i < 0 {
		return 0, false
	}
	d, err := time.ParseDuration(workload[i+1:])
	return d, err == nil && d > 0
}

// connections gives N for an implementation named ..._xN (or ..._xN_prev,
// the same row with an earlier build), else 1.
func connections(impl string) int {
	impl = strings.TrimSuffix(impl, "_prev")
	i := strings.LastIndex(impl, "_x")
	if i < 0 {
		return 1
	}
	n, err := strconv.Atoi(impl[i+2:])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratios sets each entry's figure divided by the workload's "mailwire".
func ratios(entries []Entry) {
	for i := range entries {
		mw := find(entries, entries[i].Workload, "mailwire")
		if mw != nil && mw.Median > 0 {
			entries[i].PerMailwire = entries[i].Median / mw.Median
		}
	}
}

func find(entries []Entry, workload, impl string) *Entry {
	for i := range entries {
		if entries[i].Workload == workload && entries[i].Impl == impl {
			return &entries[i]
		}
	}
	return nil
}

// lowerIsBetter tells the units where a smaller figure wins.
func lowerIsBetter(unit string) bool {
	return unit == "ns" || unit == "ms"
}

func printTable(res Results) {
	fmt.Printf("%-16s %-32s %-8s %14s %-6s %10s %12s %12s %8s\n",
		"workload", "implementation", "kind", "median", "unit", "rss MB", "peer/mw", "mw/floor", "rt/msg")
	for _, e := range res.Entries {
		peer, floor, rt := "", "", ""
		if e.PerMailwire > 0 && e.Kind == "peer" {
			peer = fmt.Sprintf("%.3f", e.PerMailwire)
		}
		if e.PerMailwire > 0 && e.Kind == "floor" {
			floor = fmt.Sprintf("%.3f", 1/e.PerMailwire)
		}
		if e.RoundTrips > 0 {
			rt = fmt.Sprintf("%.3g", e.RoundTrips)
		}
		fmt.Printf("%-16s %-32s %-8s %14.1f %-6s %10.1f %12s %12s %8s\n",
			e.Workload, e.Impl, e.Kind, e.Median, e.Unit, e.RSSKB/1024, peer, floor, rt)
	}
	group := ""
	for _, t := range res.Targets {
		if t.Group != group || group == "" {
			group = t.Group
			fmt.Println()
			fmt.Printf("%-74s %10s %8s %s\n", "target: "+group, "ratio", "goal", "")
		}
		verdict := "met"
		if !t.Met {
			verdict = "MISSED"
		}
		fmt.Printf("%-74s %10.3f %8.2f %s\n", t.Name, t.Ratio, t.Goal, verdict)
	}
}
