package command

import (
	"context"
	"fmt"

	"github.com/seedform/seedform/views"
)

func runValidate(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "validate")
	jsonOut := fs.Bool("json", false, "print the result as JSON")
	noColor := fs.Bool("no-color", false, "no colours in the output")
	var vf varFlags
	vf.register(fs)
	if _, ok := parseArgs(m, fs, args, 0, ""); !ok {
		return 1
	}
	_, loader, diags := load(m, vf.args, vf.vars, vf.files)
	if *jsonOut {
		if err := views.WriteValidateJSON(m.Stdout, loader.Files(), diags); err != nil {
			return 1
		}
	} else {
		views.WriteDiagnostics(m.Stderr, loader.Files(), diags, m.color(*noColor))
		if !diags.HasErrors() {
			fmt.Fprintln(m.Stdout, "Success! The configuration is valid.")
		}
	}
	if diags.HasErrors() {
		return 1
	}
	return 0
}
