package command

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/spec"
	"github.com/zclconf/go-cty/cty"
)

// runConsole evaluates expressions over the configuration, one per line
// (or several lines while brackets are open), as terraform console does:
// var, local, path, image and image_set and every function. Piped input
// stops at the first error with exit code 1, so that a script can check
// a prompt template before anything is paid for; at a terminal an error
// is shown and the next expression read.
func runConsole(_ context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "console")
	var vf varFlags
	vf.register(fs)
	noColor := fs.Bool("no-color", false, "no colours in diagnostics")
	if _, ok := parseArgs(m, fs, args, 0, ""); !ok {
		return 1
	}
	l := spec.NewLoader()
	scope, diags := l.Scope(m.Dir, spec.Options{VarArgs: vf.args, Vars: vf.vars, VarFiles: vf.files, Env: m.Env})
	dw := diagWriter{m: m, color: m.color(*noColor)}
	if diags.HasErrors() && scope != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Due to the problems above, some expressions may produce unexpected results.",
		})
	}
	dw.write(l.Files(), diags)
	if scope == nil {
		return 1
	}
	return repl(m, scope, func(diags hcl.Diagnostics) { dw.write(l.Files(), diags) })
}

// consoleHelp is what `help` prints.
const consoleHelp = `The seedform console evaluates expressions over the configuration: var.NAME,
local.NAME, path.module, image.NAME.file, image_set.NAME.dir and .files (the
planned output paths) and every function; type(EXPR) shows a type.

Type an expression and press enter; one may span lines while brackets are
open. To leave, type "exit" or press Control-C or Control-D.`

// repl reads expressions and prints their values until the input ends,
// "exit", or an interrupt; piped input also stops at the first error.
func repl(m *Meta, scope *spec.Scope, showDiags func(hcl.Diagnostics)) int {
	lines := readLines(m.Stdin)
	var pending strings.Builder
	for {
		if m.Interactive {
			prompt := "> "
			if pending.Len() > 0 {
				prompt = ". "
			}
			fmt.Fprint(m.Stdout, prompt)
		}
		var ln line
		select {
		case <-m.Stop:
			fmt.Fprintln(m.Stdout)
			return 0
		case ln = <-lines:
		}
		if ln.err != nil {
			showDiags(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Failed to read standard input", Detail: ln.err.Error()}})
			return 1
		}
		if !ln.eof {
			pending.WriteString(ln.text)
			pending.WriteByte('\n')
			if opensBrackets(pending.String()) {
				continue
			}
		}
		src := strings.TrimSpace(pending.String())
		pending.Reset()
		switch src {
		case "exit":
			return 0
		case "help":
			fmt.Fprintln(m.Stdout, consoleHelp)
		case "":
		default:
			res, diags := scope.Eval(src)
			showDiags(diags)
			if diags.HasErrors() {
				if !m.Interactive {
					return 1
				}
				break
			}
			if res.TypeOf {
				fmt.Fprintln(m.Stdout, typeString(res.Value.Type(), 0))
			} else {
				fmt.Fprintln(m.Stdout, formatValue(res.Value, 0))
			}
		}
		if ln.eof {
			return 0
		}
	}
}

// line is one line of input, or its end (eof), or a read error.
type line struct {
	text string
	eof  bool
	err  error
}

// readLines reads r line by line on its own goroutine, so that an
// interrupt can end the console while a read is blocked.
func readLines(r io.Reader) <-chan line {
	out := make(chan line)
	go func() {
		in := bufio.NewScanner(r)
		in.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for in.Scan() {
			out <- line{text: in.Text()}
		}
		out <- line{eof: true, err: in.Err()}
	}()
	return out
}

// opensBrackets reports whether src has more (, [ or { open than closed,
// outside quoted strings: the expression continues on the next line.
func opensBrackets(src string) bool {
	depth, inString := 0, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return depth > 0
}

// formatValue writes a value as terraform console does: HCL-like, with
// conversion functions naming collection types and nulls of a known type.
func formatValue(v cty.Value, indent int) string {
	if !v.IsKnown() {
		return "(known after apply)"
	}
	v, sensitive := spec.Unmark(v)
	if sensitive {
		return "(sensitive value)"
	}
	ty := v.Type()
	if v.IsNull() {
		return formatNull(ty)
	}
	switch {
	case ty == cty.String:
		return formatString(v.AsString(), indent)
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return strconv.FormatBool(v.True())
	case ty.IsObjectType():
		return formatMapping(v, indent)
	case ty.IsTupleType():
		return formatSequence(v, indent)
	case ty.IsListType():
		return "tolist(" + formatSequence(v, indent) + ")"
	case ty.IsSetType():
		return "toset(" + formatSequence(v, indent) + ")"
	case ty.IsMapType():
		return "tomap(" + formatMapping(v, indent) + ")"
	}
	return v.GoString()
}

func formatNull(ty cty.Type) string {
	switch {
	case ty == cty.DynamicPseudoType:
		return "null"
	case ty == cty.String:
		return "tostring(null)"
	case ty == cty.Number:
		return "tonumber(null)"
	case ty == cty.Bool:
		return "tobool(null)"
	case ty.IsListType():
		return fmt.Sprintf("tolist(null) /* of %s */", ty.ElementType().FriendlyName())
	case ty.IsSetType():
		return fmt.Sprintf("toset(null) /* of %s */", ty.ElementType().FriendlyName())
	case ty.IsMapType():
		return fmt.Sprintf("tomap(null) /* of %s */", ty.ElementType().FriendlyName())
	}
	return fmt.Sprintf("null /* %s */", ty.FriendlyName())
}

// formatString quotes a one-line string and writes a longer one as a
// heredoc whose delimiter appears on none of its lines.
func formatString(s string, indent int) string {
	lines := strings.Split(s, "\n")
	if len(lines) < 2 {
		return strconv.Quote(s)
	}
	op, delim := "<<", "EOT"
	if indent > 0 {
		op = "<<-"
	}
	for taken := true; taken; {
		taken = false
		for _, l := range lines {
			if strings.TrimSpace(l) == delim {
				delim += "_"
				taken = true
				break
			}
		}
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	b.WriteString(op + delim)
	for _, l := range lines {
		b.WriteString("\n" + pad + l)
	}
	b.WriteString("\n" + pad + delim)
	return b.String()
}

func formatMapping(v cty.Value, indent int) string {
	var b strings.Builder
	b.WriteByte('{')
	pad := strings.Repeat(" ", indent+2)
	n := 0
	for it := v.ElementIterator(); it.Next(); n++ {
		k, e := it.Element()
		b.WriteString("\n" + pad + formatValue(k, indent+2) + " = " + formatValue(e, indent+2))
	}
	if n > 0 {
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	b.WriteByte('}')
	return b.String()
}

func formatSequence(v cty.Value, indent int) string {
	var b strings.Builder
	b.WriteByte('[')
	pad := strings.Repeat(" ", indent+2)
	n := 0
	for it := v.ElementIterator(); it.Next(); n++ {
		_, e := it.Element()
		b.WriteString("\n" + pad + formatValue(e, indent+2) + ",")
	}
	if n > 0 {
		b.WriteString("\n" + strings.Repeat(" ", indent))
	}
	b.WriteByte(']')
	return b.String()
}

// typeString writes a type as terraform console's type() does.
func typeString(ty cty.Type, indent int) string {
	pad := strings.Repeat("    ", indent+1)
	end := strings.Repeat("    ", indent)
	switch {
	case ty.IsObjectType():
		atys := ty.AttributeTypes()
		if len(atys) == 0 {
			return "object({})"
		}
		names := make([]string, 0, len(atys))
		for name := range atys {
			names = append(names, name)
		}
		sort.Strings(names)
		var b strings.Builder
		b.WriteString("object({\n")
		for _, name := range names {
			b.WriteString(pad + name + ": " + typeString(atys[name], indent+1) + ",\n")
		}
		return b.String() + end + "})"
	case ty.IsTupleType():
		etys := ty.TupleElementTypes()
		if len(etys) == 0 {
			return "tuple([])"
		}
		var b strings.Builder
		b.WriteString("tuple([\n")
		for _, ety := range etys {
			b.WriteString(pad + typeString(ety, indent+1) + ",\n")
		}
		return b.String() + end + "])"
	case ty.IsListType() || ty.IsMapType() || ty.IsSetType():
		kind := "list("
		if ty.IsMapType() {
			kind = "map("
		} else if ty.IsSetType() {
			kind = "set("
		}
		ety := ty.ElementType()
		if ety.IsObjectType() || ety.IsTupleType() {
			return kind + "\n" + pad + typeString(ety, indent+1) + ",\n" + end + ")"
		}
		return kind + typeString(ety, indent) + ")"
	}
	return ty.FriendlyName()
}
