package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// row is a scenario's figures over its runs: the median wall time (and
// the requests and 429s of that run), the highest peak RSS.
type row struct {
	name, target string
	runs         int
	wall         time.Duration
	walls        []time.Duration
	requests     int
	throttled    int
	rssKB        int64
	ideal        time.Duration
	ratio        float64
	extra        map[string]float64
	miss         string // why the target is missed, "" when met
	// judged is false in a short run: the targets are for the full sizes.
	judged bool
	// skipped says why the scenario was not measured ("not installed"),
	// "" when it was.
	skipped string
	// note is free text a run adds to the "more" column (a tool's version).
	note string
}

// skipError is what a scenario's prepare returns when it cannot run here
// for a reason that is not a failure: the row says why, the harness
// passes.
type skipError string

func (s skipError) Error() string { return string(s) }

// measure prepares sc and runs it n times.
func measure(e *env, sc scenario, n int) (row, error) {
	run, err := sc.prepare(e)
	var skip skipError
	if errors.As(err, &skip) {
		return row{name: sc.name, target: sc.target, skipped: string(skip)}, nil
	}
	if err != nil {
		return row{}, fmt.Errorf("preparing: %w", err)
	}
	samples := make([]sample, 0, n)
	for i := range n {
		s, err := run(i)
		if err != nil {
			return row{}, fmt.Errorf("run %d: %w", i+1, err)
		}
		fmt.Fprintf(e.stderr, "   run %d: %.3fs\n", i+1, s.wall.Seconds())
		samples = append(samples, s)
	}
	slices.SortFunc(samples, func(a, b sample) int { return int(a.wall - b.wall) })
	med := samples[len(samples)/2]
	r := row{
		name: sc.name, target: sc.target, runs: n, wall: med.wall,
		requests: med.requests, throttled: med.throttled, ideal: sc.ideal, extra: med.extra, note: med.note,
	}
	for _, s := range samples {
		r.walls = append(r.walls, s.wall)
		r.rssKB = max(r.rssKB, s.rssKB)
	}
	if r.ideal > 0 {
		r.ratio = r.wall.Seconds() / r.ideal.Seconds()
	}
	r.judged = !e.short
	if r.judged {
		r.miss = sc.check(r)
	}
	return r, nil
}

func (r row) verdict() string {
	if r.skipped != "" {
		return r.skipped
	}
	if !r.judged {
		return "not judged (-short)"
	}
	if r.miss != "" {
		return "MISSED: " + r.miss
	}
	return "ok"
}

func (r row) summary() string {
	if r.skipped != "" {
		return r.skipped
	}
	return fmt.Sprintf("median %.3fs (runs %s), %d requests, %d 429s, peak RSS %d MiB, %s",
		r.wall.Seconds(), r.runList(), r.requests, r.throttled, r.rssKB>>10, r.verdict())
}

func (r row) runList() string {
	var s []string
	for _, w := range r.walls {
		s = append(s, fmt.Sprintf("%.3f", w.Seconds()))
	}
	return strings.Join(s, " ")
}

func (r row) idealText() (ideal, ratio string) {
	if r.ideal == 0 {
		return "-", "-"
	}
	return fmt.Sprintf("%.2fs", r.ideal.Seconds()), fmt.Sprintf("%.3f", r.ratio)
}

func (r row) extraText() string {
	keys := make([]string, 0, len(r.extra))
	for k := range r.extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	if r.note != "" {
		parts = append(parts, r.note)
	}
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %s", k, trimFloat(r.extra[k])))
	}
	return strings.Join(parts, ", ")
}

func trimFloat(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%.3f", f)
}

var header = []string{"scenario", "wall (median)", "runs", "requests", "429s", "peak RSS", "ideal", "ratio", "target", "result", "more"}

func (r row) cells() []string {
	if r.skipped != "" {
		return []string{r.name, "-", "-", "-", "-", "-", "-", "-", r.target, r.skipped, ""}
	}
	ideal, ratio := r.idealText()
	return []string{
		r.name, fmt.Sprintf("%.3fs", r.wall.Seconds()), r.runList(), fmt.Sprint(r.requests), fmt.Sprint(r.throttled),
		fmt.Sprintf("%d MiB", r.rssKB>>10), ideal, ratio, r.target, r.verdict(), r.extraText(),
	}
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t"))
	}
	tw.Flush()
}

func printMarkdown(w io.Writer, rows []row) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(header, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(header)))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.cells(), " | "))
	}
}
