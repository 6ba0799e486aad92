package command

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
	"github.com/seedform/seedform/views"
)

// formattable reports whether seedform formats a file of this name.
func formattable(name string) bool {
	return strings.HasSuffix(name, ".sf.hcl") || strings.HasSuffix(name, ".sfvars.hcl")
}

func runFmt(_ context.Context, m *Meta, args []string) int {
	flags := newFlags(m, "fmt")
	check := flags.Bool("check", false, "change nothing; exit 1 and list the files that are not formatted")
	showDiff := flags.Bool("diff", false, "show the changes as a diff")
	recursive := flags.Bool("recursive", false, "also format files in subdirectories")
	noColor := flags.Bool("no-color", false, "no colours in the output")
	targets, err := parseInterspersed(flags, args)
	if err != nil {
		return 1 // the flag package has printed the error and the flags
	}
	if len(targets) == 0 {
		targets = []string{"."}
	}
	var files []string
	for _, t := range targets {
		root := m.path(t)
		fi, err := os.Stat(root)
		if err != nil {
			fmt.Fprintf(m.Stderr, "Error: %v\n", err)
			return 1
		}
		if !fi.IsDir() {
			files = append(files, root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && (!*recursive || strings.HasPrefix(d.Name(), ".")) {
					return filepath.SkipDir
				}
				return nil
			}
			if formattable(d.Name()) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(m.Stderr, "Error: %v\n", err)
			return 1
		}
	}
	sort.Strings(files)
	rc := 0
	allFiles := map[string]*hcl.File{}
	var diags hcl.Diagnostics
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(m.Stderr, "Error: %v\n", err)
			rc = 1
			continue
		}
		out, fdiags := spec.Format(src, name)
		if fdiags.HasErrors() {
			allFiles[name] = &hcl.File{Bytes: src}
			diags = append(diags, fdiags...)
			rc = 1
			continue
		}
		if bytes.Equal(src, out) {
			continue
		}
		rel, _ := filepath.Rel(m.Dir, name)
		fmt.Fprintln(m.Stdout, filepath.ToSlash(rel))
		if *showDiff {
			m.Stdout.Write(diff.Diff("old/"+filepath.ToSlash(rel), src, "new/"+filepath.ToSlash(rel), out))
		}
		if *check {
			rc = 1
			continue
		}
		if err := lockfile.WriteFile(name, out); err != nil {
			fmt.Fprintf(m.Stderr, "Error: %v\n", err)
			rc = 1
		}
	}
	views.WriteDiagnostics(m.Stderr, allFiles, diags, m.color(*noColor))
	return rc
}
