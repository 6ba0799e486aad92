package command

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/seedform/seedform/planfile"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
	"github.com/seedform/seedform/views"
)

func runShow(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "show")
	jsonOut := fs.Bool("json", false, "print JSON")
	noColor := fs.Bool("no-color", false, "no colours in the output")
	costOut := fs.Bool("cost", false, "what the lock says was billed: by model, by month, and the last apply's estimate against its bill")
	pos, ok := parseArgs(m, fs, args, 1, "a plan file or an address")
	if !ok {
		return 1
	}
	if *costOut && len(pos) == 1 {
		fmt.Fprintln(m.Stderr, "Error: -cost reports what the lock records; a saved plan's cost is in its plan (seedform show PLANFILE)")
		return 1
	}
	if len(pos) == 1 && isAddress(m, pos[0]) {
		return showAsset(m, pos[0], *jsonOut)
	}
	if len(pos) == 1 {
		f, err := planfile.Read(m.path(pos[0]))
		if err != nil {
			fmt.Fprintf(m.Stderr, "Error: %v\n", err)
			return 1
		}
		if *jsonOut {
			return writeJSON(m, f)
		}
		(&views.Human{W: m.Stdout, Color: m.color(*noColor), Width: m.Width}).Plan(f.Pipeline())
		return 0
	}
	lock, err := readRecorded(m)
	if err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return 1
	}
	if *costOut {
		r := newSpendReport(lock)
		if *jsonOut {
			return writeJSON(m, r)
		}
		r.write(m.Stdout)
		return 0
	}
	if *jsonOut {
		return writeJSON(m, lock)
	}
	if len(lock.Assets) == 0 {
		fmt.Fprintln(m.Stdout, "The lock is empty: nothing has been generated yet.")
		return 0
	}
	addrs := make([]string, 0, len(lock.Assets))
	for a := range lock.Assets {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		e := lock.Assets[addr]
		fmt.Fprintf(m.Stdout, "# %s (%s, %s", addr, e.Kind, e.Provider)
		if e.Model != "" {
			fmt.Fprintf(m.Stdout, ", %s", e.Model)
		}
		fmt.Fprintf(m.Stdout, ", %s)\n", e.CreatedAt.Format("2006-01-02 15:04:05Z07:00"))
		prompt, _ := e.Spec.String(schema.AttrPrompt)
		if spec.IsRedacted(prompt) {
			fmt.Fprintln(m.Stdout, "    prompt = (sensitive value)")
		} else {
			fmt.Fprintf(m.Stdout, "    prompt = %q\n", prompt)
		}
		for _, o := range e.Outputs {
			fmt.Fprintf(m.Stdout, "    %s  %dx%d %s, %d bytes, sha256 %s\n", o.Path, o.Width, o.Height, o.Format, o.Bytes, o.SHA256)
		}
		for _, f := range e.Failed {
			fmt.Fprintf(m.Stdout, "    image %d failed: %s\n", f.Index+1, f.Code)
		}
		fmt.Fprintln(m.Stdout)
	}
	return 0
}

func writeJSON(m *Meta, v any) int {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(m.Stderr, "Error: %v\n", err)
		return 1
	}
	return 0
}
