package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Variable value sources, lowest precedence first.
const (
	// DefaultVarsFile is loaded automatically when present.
	DefaultVarsFile = "seedform.sfvars.hcl"
	// AutoVarsSuffix marks further automatically loaded variable files.
	AutoVarsSuffix = ".auto.sfvars.hcl"
	// EnvVarPrefix prefixes environment variables that set variables.
	EnvVarPrefix = "SEEDFORM_VAR_"
)

// sensitiveMark marks values of sensitive variables, so that HCL's
// diagnostic writer does not print them and so that redact can find them.
type sensitiveMarkType struct{}

var sensitiveMark = sensitiveMarkType{}

type variable struct {
	name        string
	decl        hcl.Range
	typ         cty.Type
	defaults    *typeexpr.Defaults
	sensitive   bool
	validations []validation

	value cty.Value
	set   bool
	// src is where the value came from: a file range, or nil for the
	// command line and environment.
	src *hcl.Range
}

type validation struct {
	condition, message hcl.Expression
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true},
		{Name: "error_message", Required: true},
	},
}

func (s *loadState) decodeVariables(blocks []*hcl.Block) {
	for _, b := range blocks {
		name := b.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			s.errorf(b.LabelRanges[0].Ptr(), "Invalid variable name", "%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", name)
			continue
		}
		if prev := s.variables[name]; prev != nil {
			s.errorf(b.DefRange.Ptr(), "Duplicate variable declaration", "A variable named %q was already declared at %s.", name, prev.decl)
			continue
		}
		v := &variable{name: name, decl: b.DefRange, typ: cty.DynamicPseudoType}
		content, diags := b.Body.Content(variableSchema)
		s.add(diags)
		if a := content.Attributes["type"]; a != nil {
			ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(a.Expr)
			s.add(diags)
			if !diags.HasErrors() {
				v.typ, v.defaults = ty, defaults
			}
		}
		if a := content.Attributes["sensitive"]; a != nil {
			val, diags := a.Expr.Value(nil)
			s.add(diags)
			if !diags.HasErrors() {
				if val.Type() != cty.Bool || val.IsNull() {
					s.errorf(a.Expr.Range().Ptr(), "Invalid sensitive value", "sensitive must be true or false.")
				} else {
					v.sensitive = val.True()
				}
			}
		}
		if a := content.Attributes["description"]; a != nil {
			_, diags := a.Expr.Value(nil)
			s.add(diags)
		}
		if a := content.Attributes["default"]; a != nil {
			val, diags := a.Expr.Value(nil)
			s.add(diags)
			if !diags.HasErrors() {
				if _, err := s.convertVar(v, val); err != nil {
					s.errorf(a.Expr.Range().Ptr(), "Invalid default value for variable", "The default value is not suitable for var.%s: %s.", name, err)
					// Set, so that no second error says it has no value.
					v.value, v.set = cty.DynamicVal, true
				} else {
					v.value, v.set, v.src = val, true, a.Expr.Range().Ptr()
				}
			}
		}
		for _, vb := range content.Blocks {
			vc, diags := vb.Body.Content(validationSchema)
			s.add(diags)
			if diags.HasErrors() {
				continue
			}
			v.validations = append(v.validations, validation{
				condition: vc.Attributes["condition"].Expr,
				message:   vc.Attributes["error_message"].Expr,
			})
		}
		s.variables[name] = v
		s.varOrder = append(s.varOrder, name)
	}
	sort.Strings(s.varOrder)
}

// convertVar applies the type's optional-attribute defaults and converts.
func (s *loadState) convertVar(v *variable, val cty.Value) (cty.Value, error) {
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	return convert.Convert(val, v.typ)
}

// assignVariableValues applies the value sources in precedence order, the
// last one winning: defaults (already set), seedform.sfvars.hcl,
// *.auto.sfvars.hcl, -var-file, SEEDFORM_VAR_<name>, -var.
func (s *loadState) assignVariableValues(opts Options) {
	autoFiles := []string{DefaultVarsFile}
	if entries, err := os.ReadDir(s.dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), AutoVarsSuffix) {
				autoFiles = append(autoFiles, e.Name())
			}
		}
	}
	for _, name := range autoFiles {
		p := filepath.Join(s.dir, name)
		if _, err := os.Stat(p); err == nil {
			s.loadVarFile(p)
		}
	}
	for _, f := range opts.VarFiles {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			s.errorf(nil, "Failed to read variables file", "Cannot read -var-file=%s: %s.", f, err)
			continue
		}
		s.loadVarFile(p)
	}
	for _, kv := range opts.Env {
		k, raw, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, EnvVarPrefix) {
			continue
		}
		// Like Terraform, an environment variable for an undeclared name
		// is ignored: the environment is shared with other configs.
		if v := s.variables[strings.TrimPrefix(k, EnvVarPrefix)]; v != nil {
			s.setRawVar(v, raw, "environment variable "+k)
		}
	}
	for _, opt := range opts.Vars {
		name, raw, ok := strings.Cut(opt, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			s.errorf(nil, "Invalid -var option", "The option -var=%q is not of the form -var=\"name=value\".", opt)
			continue
		}
		v := s.variables[name]
		if v == nil {
			s.errorf(nil, "Value for undeclared variable", "A -var option sets %q, but no variable of that name is declared.%s", name, didYouMean(name, s.varOrder))
			continue
		}
		s.setRawVar(v, raw, "-var option")
	}
}

// loadVarFile reads name = value lines; values are constants.
func (s *loadState) loadVarFile(p string) {
	f, diags := s.parser.ParseHCLFile(p)
	s.add(diags)
	if f == nil || diags.HasErrors() {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	s.add(diags)
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := attrs[name]
		v := s.variables[name]
		if v == nil {
			// A warning, as in Terraform: one var file often serves several configs.
			s.diags = append(s.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The file sets %q, but no variable of that name is declared.%s", name, didYouMean(name, s.varOrder)),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		val, diags := a.Expr.Value(nil)
		s.add(diags)
		if diags.HasErrors() {
			continue
		}
		v.value, v.set, v.src = val, true, a.Expr.Range().Ptr()
	}
}

// setRawVar sets a variable from a command-line or environment string: a
// string-typed (or untyped) variable takes it as is, any other type parses
// it as an HCL expression, as Terraform does.
func (s *loadState) setRawVar(v *variable, raw, from string) {
	if v.typ == cty.String || v.typ == cty.DynamicPseudoType {
		v.value, v.set, v.src = cty.StringVal(raw), true, nil
		return
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), fmt.Sprintf("<value for var.%s>", v.name), hcl.InitialPos)
	if !diags.HasErrors() {
		var val cty.Value
		val, diags = expr.Value(nil)
		if !diags.HasErrors() {
			v.value, v.set, v.src = val, true, nil
			return
		}
	}
	// The parse error would quote the value: say only where it came from.
	s.errorf(nil, "Invalid value for variable", "The %s for var.%s is not a valid %s expression.", from, v.name, v.typ.FriendlyName())
}

// validateVariables converts each value to its type, runs the validation
// rules and marks sensitive values.
func (s *loadState) validateVariables() {
	for _, name := range s.varOrder {
		v := s.variables[name]
		if !v.set {
			s.errorf(v.decl.Ptr(), "No value for required variable",
				"The variable %q has no default value and was not set. Give it a value with -var=\"%s=...\", -var-file=FILE, %s, a *%s file, or the environment variable %s%s.",
				name, name, DefaultVarsFile, AutoVarsSuffix, EnvVarPrefix, name)
			v.value = cty.DynamicVal
			continue
		}
		if !v.value.IsWhollyKnown() {
			continue // an error was reported
		}
		val, err := s.convertVar(v, v.value)
		if err != nil {
			subject := v.src
			if subject == nil {
				subject = v.decl.Ptr()
			}
			s.errorf(subject, "Invalid value for variable", "The value is not suitable for var.%s, declared at %s: %s.", name, v.decl, err)
			v.value = cty.DynamicVal
			continue
		}
		if v.sensitive {
			s.noteSensitive(val)
			val = val.Mark(sensitiveMark)
		}
		v.value = val
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": s.varsObject()},
		Functions: s.funcs,
	}
	for _, name := range s.varOrder {
		v := s.variables[name]
		if !v.value.IsWhollyKnown() {
			continue
		}
		for _, rule := range v.validations {
			s.checkValidation(v, rule, ctx)
		}
	}
}

func (s *loadState) checkValidation(v *variable, rule validation, ctx *hcl.EvalContext) {
	refs := s.checkRefs(rule.condition, refScope{what: "A validation condition"}, rule.condition.Range())
	s.add(refs)
	if refs.HasErrors() {
		return
	}
	cond, diags := rule.condition.Value(ctx)
	s.add(diags)
	if diags.HasErrors() {
		return
	}
	cond, _ = cond.UnmarkDeep()
	if cond, err := convert.Convert(cond, cty.Bool); err != nil || cond.IsNull() {
		s.errorf(rule.condition.Range().Ptr(), "Invalid validation condition", "The condition must be true or false.")
		return
	} else if !cond.IsKnown() || cond.True() {
		return
	}
	msg := "The value does not pass the validation rule."
	if mv, diags := rule.message.Value(ctx); !diags.HasErrors() {
		mv, _ = mv.UnmarkDeep()
		if mv, err := convert.Convert(mv, cty.String); err == nil && mv.IsKnown() && !mv.IsNull() {
			msg = mv.AsString()
		}
	}
	subject := v.src
	if subject == nil {
		subject = rule.condition.Range().Ptr()
	}
	s.errorf(subject, "Invalid value for variable", "%s\n\nThis was checked by the validation rule at %s.", msg, rule.condition.Range())
}

// varsObject is the value of `var`.
func (s *loadState) varsObject() cty.Value {
	m := make(map[string]cty.Value, len(s.variables))
	for name, v := range s.variables {
		if v.value == cty.NilVal {
			m[name] = cty.DynamicVal
			continue
		}
		m[name] = v.value
	}
	return cty.ObjectVal(m)
}

// noteSensitive records the text forms of a sensitive value's leaves.
func (s *loadState) noteSensitive(val cty.Value) {
	_ = cty.Walk(val, func(_ cty.Path, v cty.Value) (bool, error) {
		if v.IsNull() || !v.IsKnown() {
			return true, nil
		}
		switch v.Type() {
		case cty.String:
			s.sensitiveStrings = append(s.sensitiveStrings, v.AsString())
		case cty.Number:
			s.sensitiveStrings = append(s.sensitiveStrings, v.AsBigFloat().Text('f', -1))
		}
		return true, nil
	})
}

// minRedacted is the shortest sensitive value removed from diagnostic text:
// replacing a one- or two-letter value everywhere would garble every
// message while hiding nothing worth hiding.
const minRedacted = 3

// redact removes sensitive values from every diagnostic's text and drops
// the expression context that would let a renderer print them.
func (s *loadState) redact(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(s.sensitiveStrings) == 0 {
		return diags
	}
	// Longest first, so that a value containing another is removed whole.
	secrets := append([]string(nil), s.sensitiveStrings...)
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	clean := func(text string) string {
		for _, sec := range secrets {
			if len(sec) >= minRedacted {
				text = strings.ReplaceAll(text, sec, "(sensitive value)")
			}
		}
		return text
	}
	for _, d := range diags {
		d.Summary, d.Detail = clean(d.Summary), clean(d.Detail)
		d.Expression, d.EvalContext = nil, nil
	}
	return diags
}
