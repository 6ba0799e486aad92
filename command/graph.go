package command

import (
	"context"
	"fmt"
	"strconv"
)

// runGraph prints the dependency graph in DOT: an edge from each asset to
// every asset it needs first.
func runGraph(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "graph")
	var vf varFlags
	vf.register(fs)
	// DOT has no colours; -no-color is taken so that a script can pass it
	// to every command alike, and it keeps diagnostics plain.
	noColor := fs.Bool("no-color", false, "no colours in diagnostics")
	if _, ok := parseArgs(m, fs, args, 0, ""); !ok {
		return 1
	}
	cfg, loader, diags := load(m, vf.args, vf.vars, vf.files)
	diagWriter{m: m, color: m.color(*noColor)}.write(loader.Files(), diags)
	if diags.HasErrors() {
		return 1
	}
	fmt.Fprintln(m.Stdout, "digraph seedform {")
	fmt.Fprintln(m.Stdout, "  rankdir = \"RL\";")
	fmt.Fprintln(m.Stdout, "  node [shape = box];")
	for _, a := range cfg.Assets {
		fmt.Fprintf(m.Stdout, "  %s [label = %s];\n", strconv.Quote(a.Addr), strconv.Quote(a.Addr+"\n"+a.Provider))
	}
	for _, a := range cfg.Assets {
		for _, d := range a.DependsOn {
			fmt.Fprintf(m.Stdout, "  %s -> %s;\n", strconv.Quote(a.Addr), strconv.Quote(d))
		}
	}
	fmt.Fprintln(m.Stdout, "}")
	return 0
}
