package command

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// help is what `seedform <command> -h` prints besides the synopsis and the
// flags, which come from the command table and its flag set.
type help struct {
	// args follows the command name on the usage line ("[PLANFILE]").
	args string
	// about explains the command and its arguments, one paragraph per
	// element.
	about []string
	// examples are command lines, each with a comment.
	examples []string
}

// addressQuoting is how to write an address with a key on a shell line.
const addressQuoting = `An ADDR names an asset: image.hero, image_set.board, image.tile[3], ` +
	`or image.season["spring"] with a string key in double quotes. Quote it for the shell: ` +
	`-target='image.season["spring"]'.`

// helps holds every command's help, by its flag set's name (a subcommand
// has its own: "shard merge"); TestEveryCommandHasHelp keeps it complete.
var helps = map[string]help{
	"validate": {
		about: []string{
			"Checks the configuration in the directory: syntax, references, variables, and every " +
				"asset against its model's rules. Sends no request and needs no API key.",
		},
		examples: []string{"seedform validate -json    # the diagnostics as one JSON object"},
	},
	"fmt": {
		args: "[FILE|DIR]...",
		about: []string{
			"Rewrites *.sf.hcl and *.sfvars.hcl files in canonical form and prints the name of each " +
				"file it changes. With no argument it formats the configuration directory.",
		},
		examples: []string{"seedform fmt -check -diff    # in CI: exit 1 and show what is not formatted"},
	},
	"plan": {
		about: []string{
			"Compares the configuration with the lock and the files on disk and shows what apply " +
				"would generate, regenerate, move, update or delete. Sends no request.",
			addressQuoting,
			"-detailed-exitcode exits 0 when nothing would change, 2 when something would, 1 on an error.",
		},
		examples: []string{
			"seedform plan -input=false -out=seedform.plan    # then: seedform apply seedform.plan",
			"seedform plan -detailed-exitcode -target='image.season[\"spring\"]'",
		},
	},
	"apply": {
		args: "[PLANFILE]",
		about: []string{
			"Carries out a plan. With a PLANFILE (written by plan -out) it applies exactly that plan " +
				"and asks nothing; without one it plans first and asks for \"yes\", read from a " +
				"terminal or a pipe (echo yes | seedform apply) unless -input=false.",
			addressQuoting,
		},
		examples: []string{
			"seedform apply -input=false -auto-approve",
			"seedform apply seedform.plan",
		},
	},
	"destroy": {
		about: []string{
			"Deletes the outputs of every asset in the lock (or of the -target assets) and their " +
				"lock entries. Assets with prevent_destroy are refused.",
			addressQuoting,
		},
		examples: []string{"seedform destroy -auto-approve -target=image.hero"},
	},
	"show": {
		args: "[PLANFILE|ADDR]",
		about: []string{
			"With no argument, shows every asset recorded in the lock. With a PLANFILE (a file " +
				"written by plan -out), shows that plan. With an ADDR, shows that asset's entry: " +
				"its files, spec, when it was made, by which model, and what it cost.",
			addressQuoting,
		},
		examples: []string{
			"seedform show -json 'image.season[\"spring\"]'",
			"seedform show seedform.plan",
		},
	},
	"list": {
		about:    []string{"Lists the address of every asset recorded in the lock, one a line."},
		examples: []string{"seedform list -json"},
	},
	"report": {
		args: "[PLANFILE]",
		about: []string{
			"Shows what changes as pictures: every change of a plan (a PLANFILE written by plan -out, " +
				"or the plan made now) with the image it replaces beside the new spec; or, with " +
				"-base=REF after an apply, every asset whose outputs differ from the lock at the git " +
				"revision REF, the image then beside the image now.",
			"-format=html (the default) writes a contact sheet into -out=DIR; -format=markdown prints " +
				"Markdown for a job summary or a pull-request comment, trimmed to -markdown-limit.",
		},
		examples: []string{
			"seedform report -out=review seedform.plan",
			"seedform report -format=markdown -base=origin/main >> \"$GITHUB_STEP_SUMMARY\"",
		},
	},
	"approve": {
		args: "ADDR...",
		about: []string{
			"Records in seedform.review.json that the current outputs of each ADDR are approved (or, " +
				"with -reject, rejected), by their content's sha256: the verdict follows the content " +
				"through moves and renames. -from=FILE records the verdicts exported from the HTML report.",
			addressQuoting,
		},
		examples: []string{
			"seedform approve -note='colours as agreed' image.hero 'image.season[\"spring\"]'",
		},
	},
	"console": {
		about: []string{
			"Evaluates expressions over the configuration, as terraform console does: each line " +
				"read is an expression (one may span lines while brackets are open) with var, local, " +
				"path, image.NAME.file and image_set.NAME.dir and .files (the planned output paths) " +
				"and every function; type(EXPR) shows a type. Piped input stops at the first error " +
				"with exit code 1; exit, Control-C or Control-D ends it.",
		},
		examples: []string{
			"echo 'templatefile(\"prompt.tmpl\", { season = \"winter\" })' | seedform console",
		},
	},
	"shard merge": {
		args: "PLANFILE",
		about: []string{
			"Writes what every shard of a sharded apply (apply -shard=I/N PLANFILE) recorded in " +
				".seedform/shards into the lock and the manifest, once; it refuses a fragment of " +
				"another plan, a missing shard and an address recorded twice.",
		},
		examples: []string{
			"seedform apply -shard=2/4 plan.sfplan    # in each of 4 jobs",
			"seedform shard merge plan.sfplan         # once, with every shard's images and fragment",
		},
	},
	"graph": {
		about:    []string{"Prints the dependency graph of the assets in DOT, for Graphviz."},
		examples: []string{"seedform graph | dot -Tsvg > graph.svg"},
	},
	"version": {
		about: []string{
			"Prints seedform's version; with -json also the Go version, the platform and the " +
				"revision seedform was built from.",
		},
		examples: []string{"seedform version -json"},
	},
}

// writeHelp prints a command's help: usage line, synopsis, what it does
// and how to write its arguments, every flag, and examples.
func writeHelp(w io.Writer, name string, fs *flag.FlagSet) {
	h := helps[name]
	line := "Usage: seedform [-chdir=DIR] " + name + " [options]"
	if h.args != "" {
		line += " " + h.args
	}
	fmt.Fprintln(w, line)
	fmt.Fprintln(w)
	// A subcommand ("shard merge") has its command's synopsis.
	cmd, _, _ := strings.Cut(name, " ")
	fmt.Fprintf(w, "  %s.\n", capitalize(commands[cmd].synopsis))
	for _, p := range h.about {
		fmt.Fprintln(w)
		fmt.Fprintln(w, wrap(p, "  ", 78))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Options:")
	fmt.Fprintln(w)
	old := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(old)
	if len(h.examples) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Examples:")
		fmt.Fprintln(w)
		for _, e := range h.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// wrap fills text to width columns, each line starting with indent.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		switch {
		case n == 0:
			b.WriteString(indent)
			n = len(indent)
		case n+1+len(word) > width:
			b.WriteString("\n" + indent)
			n = len(indent)
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// isHelpFlag reports whether arg asks for help, as the flag package takes it.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--h", "--help":
		return true
	}
	return false
}
