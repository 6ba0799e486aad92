package planfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// A saved plan keeps the -var flags it was made with, so that apply loads
// the same configuration. The value of a variable declared sensitive is
// not kept: the flag is saved as the variable's name and a hash of its
// value, and apply must be given the value again (-var or the
// environment), which the hash then checks. A plan file is passed between
// CI jobs as an artifact; a secret in it would be readable by anyone who
// can download the artifact.

// WithholdVars replaces every -var that sets one of the named variables by
// the variable's name and the hash of its value, and returns the names
// withheld, sorted.
func (p *Plan) WithholdVars(sensitive []string) []string {
	var withheld []string
	kept := p.Options.Vars[:0:0]
	for _, v := range p.Options.Vars {
		if name, _ := splitVar(v); slices.Contains(sensitive, name) {
			continue // VarArgs keeps its place
		}
		kept = append(kept, v)
	}
	if len(kept) == 0 {
		kept = nil
	}
	p.Options.Vars = kept
	for i, a := range p.Options.VarArgs {
		if a.File || a.Withheld != "" {
			continue
		}
		name, value := splitVar(a.Value)
		if !slices.Contains(sensitive, name) {
			continue
		}
		p.Options.VarArgs[i] = VarArg{Value: name, Withheld: valueHash(value)}
		if !slices.Contains(withheld, name) {
			withheld = append(withheld, name)
		}
	}
	slices.Sort(withheld)
	return withheld
}

// Withheld names the variables whose values the plan does not keep.
func (p *Plan) Withheld() []string {
	var names []string
	for _, a := range p.Options.VarArgs {
		if a.Withheld != "" && !slices.Contains(names, a.Value) {
			names = append(names, a.Value)
		}
	}
	return names
}

// RestoreVars puts back each withheld value, taken from given (NAME=VALUE,
// the -var flags of apply) or else from lookup (the environment variable
// SEEDFORM_VAR_<NAME>). It refuses a given flag for any other variable, a
// value missing, and a value other than the one the plan was made with,
// and names the variable and the way out.
func (p *Plan) RestoreVars(path string, given []string, lookup func(name string) (string, bool)) error {
	values := map[string]string{}
	for _, v := range given {
		name, value := splitVar(v)
		if !slices.Contains(p.Withheld(), name) {
			return fmt.Errorf("a saved plan is applied exactly as planned: -var, -var-file, -target, -replace and -refresh-only belong to plan "+
				"(-var is taken only for a sensitive variable %s was made with, and %q is not one)", path, name)
		}
		values[name] = value
	}
	for i, a := range p.Options.VarArgs {
		if a.Withheld == "" {
			continue
		}
		value, ok := values[a.Value]
		if !ok {
			value, ok = lookup(a.Value)
		}
		if !ok {
			return fmt.Errorf("%s was made with -var for the sensitive variable %q, whose value a saved plan does not keep: "+
				"give it again with -var '%s=...' or the environment variable SEEDFORM_VAR_%s", path, a.Value, a.Value, a.Value)
		}
		if valueHash(value) != a.Withheld {
			return fmt.Errorf("the value given for the sensitive variable %q is not the one %s was made with: give the same value, or make a new plan", a.Value, path)
		}
		p.Options.VarArgs[i] = VarArg{Value: a.Value + "=" + value}
	}
	return nil
}

// splitVar splits a -var flag as the loader does.
func splitVar(v string) (name, value string) {
	name, value, _ = strings.Cut(v, "=")
	return strings.TrimSpace(name), value
}

func valueHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(sum[:])
}
