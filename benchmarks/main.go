// Command benchmarks measures seedform as users run it: it builds the
// seedform binary, generates config directories whose provider points at an
// in-process seedreamtest server, runs the CLI against them several times
// and prints a table of wall time, requests, 429s, the child's peak RSS, the
// ideal time and the ratio to it. Nothing touches the network.
//
//	go run ./benchmarks          # the full run (a few minutes)
//	go run ./benchmarks -short   # small sizes, one run each (CI)
//	go run ./benchmarks -run 'plan' -runs 5
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchmarks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	short := fs.Bool("short", false, "small sizes and one run per scenario")
	runs := fs.Int("runs", 3, "runs per scenario; the table shows the median (-short: 1)")
	only := fs.String("run", "", "run only the scenarios whose name matches this `regexp`")
	keep := fs.Bool("keep", false, "keep the work directory (config dirs, CLI logs)")
	markdown := fs.Bool("markdown", false, "print the table as Markdown")
	tfLimit := fs.Duration("terraform-limit", 10*time.Minute, "stop a terraform plan that runs longer than this (its row then shows a lower bound)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *short {
		*runs = 1
	}
	match, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintf(stderr, "benchmarks: -run: %v\n", err)
		return 2
	}
	if *runs < 1 {
		fmt.Fprintln(stderr, "benchmarks: -runs must be at least 1")
		return 2
	}

	env, err := newEnv(*short, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "benchmarks: %v\n", err)
		return 1
	}
	if *keep {
		fmt.Fprintf(stderr, "work directory: %s\n", env.work)
	} else {
		defer os.RemoveAll(env.work)
	}

	env.terraformLimit = *tfLimit

	var rows []row
	failed := false
	start := time.Now()
	for _, sc := range scenarios(*short) {
		if !match.MatchString(sc.name) {
			continue
		}
		fmt.Fprintf(stderr, "== %s (%d run(s))\n", sc.name, *runs)
		r, err := measure(env, sc, *runs)
		if err != nil {
			fmt.Fprintf(stderr, "   FAILED: %v\n", err)
			failed = true
			continue
		}
		fmt.Fprintf(stderr, "   %s\n", r.summary())
		rows = append(rows, r)
	}
	fmt.Fprintf(stderr, "total %.1fs\n\n", time.Since(start).Seconds())
	if *markdown {
		printMarkdown(stdout, rows)
	} else {
		printTable(stdout, rows)
	}
	if failed {
		return 1
	}
	return 0
}
