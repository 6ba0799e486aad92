package command

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/spec"
	"github.com/seedform/seedform/views"
)

// Version is seedform's version.
const Version = "0.1.0"

// Meta is what every command gets from the process.
type Meta struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Env is the environment, as os.Environ.
	Env []string
	// Interactive is true when stdin is a terminal (apply may ask).
	Interactive bool
	// Piped is true when stdin is a pipe or a file: apply reads its
	// confirmation from it (`echo yes | seedform apply`) unless -input=false.
	Piped bool
	// Terminal is true when stdout is a terminal (colours allowed).
	Terminal bool
	// Width is the terminal's width in columns, 0 when stdout is none.
	Width int
	// Stop is closed on the first interrupt; ctx is cancelled on the second.
	Stop <-chan struct{}

	// Dir is the configuration directory (-chdir).
	Dir string
	// Now, when set, is the clock that ages price cards (tests set it).
	Now func() time.Time

	// helped is set when a command printed its -h help: Run exits 0.
	helped bool
}

// color reports whether output may be coloured: stdout is a terminal,
// the command has no -no-color, and NO_COLOR (no-color.org) is unset.
func (m *Meta) color(noColor bool) bool {
	return m.Terminal && !noColor && m.Getenv("NO_COLOR") == ""
}

// inAutomation reports whether seedform runs unattended, where hints
// about what to type next are noise: SEEDFORM_IN_AUTOMATION (as
// Terraform's TF_IN_AUTOMATION) or CI is set to anything but false.
func (m *Meta) inAutomation() bool {
	for _, k := range []string{"SEEDFORM_IN_AUTOMATION", "CI"} {
		switch strings.ToLower(m.Getenv(k)) {
		case "", "0", "false", "no":
		default:
			return true
		}
	}
	return false
}

// path resolves a path the user gave on the command line. As with
// Terraform's -chdir, the switch happens before anything else, so every
// relative path (a plan file, -out, -var-file) is relative to Dir.
func (m *Meta) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(m.Dir, p)
}

// Getenv reads one variable from m.Env.
func (m *Meta) Getenv(key string) string {
	for i := len(m.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(m.Env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

type command struct {
	synopsis string
	run      func(ctx context.Context, m *Meta, args []string) int
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"validate": {"check the configuration; no network", runValidate},
		"fmt":      {"rewrite *.sf.hcl in canonical form", runFmt},
		"plan":     {"show what apply would do", runPlan},
		"apply":    {"carry out a plan", runApply},
		"shard":    {"merge sharded applies' fragments into the lock and manifest (shard merge PLANFILE)", runShard},
		"destroy":  {"delete the outputs and lock entries", runDestroy},
		"show":     {"the lock, one asset of it, or a saved plan, readable or JSON", runShow},
		"list":     {"the address of every asset in the lock", runList},
		"graph":    {"the dependency graph in DOT", runGraph},
		"console":  {"evaluate expressions over the configuration", runConsole},
		"version":  {"print the version", runVersion},
		"report":   {"a visual review of what changes: HTML or Markdown", runReport},
		"approve":  {"record that outputs' content is approved", runApprove},
	}
}

// Run runs one seedform command line (without the program name) and
// returns the exit code: 0 success, 1 error, 2 changes with
// plan -detailed-exitcode.
func Run(ctx context.Context, args []string, m *Meta) int {
	fs := flag.NewFlagSet("seedform", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	chdir := fs.String("chdir", ".", "switch to `DIR` before doing anything")
	showVersion := fs.Bool("version", false, "print the version")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			usage(m.Stdout)
			return 0
		}
		usage(m.Stderr)
		return 1
	}
	if *showVersion {
		return runVersion(ctx, m, nil)
	}
	if fs.NArg() == 0 {
		usage(m.Stderr)
		return 1
	}
	name := fs.Arg(0)
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(m.Stderr, "seedform: unknown command %q\n\n", name)
		usage(m.Stderr)
		return 1
	}
	if fi, err := os.Stat(*chdir); err != nil || !fi.IsDir() {
		fmt.Fprintf(m.Stderr, "Error: -chdir=%s is not a directory\n", *chdir)
		return 1
	}
	m.Dir = *chdir
	code := cmd.run(ctx, m, fs.Args()[1:])
	if m.helped {
		return 0
	}
	return code
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: seedform [-chdir=DIR] <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].synopsis)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Global options:")
	fmt.Fprintln(w, "  -chdir=DIR  switch to DIR before doing anything")
	fmt.Fprintln(w, "  -version    print the version")
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "seedform <command> -h" for a command's arguments, flags and an example.`)
}

// newFlags makes a command's flag set. A flag error goes to stderr with a
// pointer to the help; -h, -help or --help prints the command's help
// (help.go) to stdout, and Run then exits 0.
func newFlags(m *Meta, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	out := &flagOutput{w: m.Stderr}
	fs.SetOutput(out)
	fs.Usage = func() {
		// The flag package writes its error before it calls Usage; for
		// -h it calls Usage alone.
		if out.wrote {
			fmt.Fprintf(m.Stderr, "Run \"seedform %s -h\" for its usage.\n", name)
			return
		}
		m.helped = true
		writeHelp(m.Stdout, name, fs)
	}
	return fs
}

// flagOutput is a flag set's error output; it remembers whether the flag
// package wrote an error to it.
type flagOutput struct {
	w     io.Writer
	wrote bool
}

func (o *flagOutput) Write(p []byte) (int, error) {
	o.wrote = true
	return o.w.Write(p)
}

// parseArgs parses a command's flags wherever they are on the line, so
// that `apply p.plan -no-color` works as `apply -no-color p.plan` does,
// and returns the positional arguments. Go's flag package stops at the
// first positional argument; parsing resumes after each one. It reports a usage error on stderr and returns false when a
// flag is wrong or there are more positional arguments than maxArgs (0 or
// 1); what names the one allowed in the message ("a plan file").
func parseArgs(m *Meta, fs *flag.FlagSet, args []string, maxArgs int, what string) ([]string, bool) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, false // the flag package has printed the error and the flags
	}
	if len(pos) > maxArgs {
		if maxArgs == 0 {
			fmt.Fprintf(m.Stderr, "Error: %s takes no arguments, got %q\n", fs.Name(), pos)
		} else {
			fmt.Fprintf(m.Stderr, "Error: %s takes at most one argument, %s; got %q\n", fs.Name(), what, pos)
		}
		fmt.Fprintf(m.Stderr, "Run \"seedform %s -h\" for its usage.\n", fs.Name())
		return nil, false
	}
	return pos, true
}

// parseInterspersed parses flags and positional arguments in any order.
// A "--" ends the flags, as in the flag package: every argument after it
// is positional, even one that starts with a dash
// (`fmt -- -a.sf.hcl -b.sf.hcl`).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if endsFlags(args[:len(args)-len(rest)]) {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// endsFlags reports whether the arguments fs.Parse consumed end with the
// "--" that ends the flags. (A flag whose value is "--", as in -var --,
// looks the same; such a value is not worth parsing flags again for.)
func endsFlags(parsed []string) bool {
	return len(parsed) > 0 && parsed[len(parsed)-1] == "--"
}

// multi is a repeatable string flag.
type multi []string

func (v *multi) String() string     { return strings.Join(*v, ",") }
func (v *multi) Set(s string) error { *v = append(*v, s); return nil }

// varFlags are -var and -var-file. Each list keeps its own order and
// args keeps both in command-line order, in which they apply.
type varFlags struct {
	vars, files multi
	args        []spec.VarArg
}

func (v *varFlags) register(fs *flag.FlagSet) {
	fs.Func("var", "set a variable: `NAME=VALUE` (repeatable)", func(s string) error {
		v.args = append(v.args, spec.VarArg{Value: s})
		return v.vars.Set(s)
	})
	fs.Func("var-file", "read variables from `FILE` (repeatable)", func(s string) error {
		v.args = append(v.args, spec.VarArg{File: true, Value: s})
		return v.files.Set(s)
	})
}

// load reads and evaluates the configuration, rendering diagnostics to
// the writer given (human) or the JSON view.
// args are the -var and -var-file options in command-line order, when
// known (a saved plan keeps only vars and varFiles).
func load(m *Meta, args []spec.VarArg, vars, varFiles []string) (*spec.Config, *spec.Loader, hcl.Diagnostics) {
	l := spec.NewLoader()
	cfg, diags := l.Load(m.Dir, spec.Options{VarArgs: args, Vars: vars, VarFiles: varFiles, Env: m.Env})
	return cfg, l, diags
}

// diagWriter renders diagnostics for a command: as JSON lines when the
// command runs with -json, else as text on stderr.
type diagWriter struct {
	m     *Meta
	json  *views.JSON
	color bool
}

func (d diagWriter) write(files map[string]*hcl.File, diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	if d.json != nil {
		d.json.Diagnostics(files, diags)
		return
	}
	views.WriteDiagnostics(d.m.Stderr, files, diags, d.color)
}

// errorf reports a plain error (not tied to a source range).
func (d diagWriter) errorf(format string, args ...any) {
	d.write(nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: fmt.Sprintf(format, args...)}})
}

// warnf reports a plain warning (not tied to a source range). It may be
// called from several goroutines: each diagnostic is written whole.
func (d diagWriter) warnf(format string, args ...any) {
	d.write(nil, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: fmt.Sprintf(format, args...)}})
}
