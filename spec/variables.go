package spec

import (
	"errors"
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
	name      string
	decl      hcl.Range
	typ       cty.Type
	defaults  *typeexpr.Defaults
	sensitive bool
	// parseHCL is true when -var and environment values are HCL
	// expressions: for a complex type or `any`, as in Terraform. Without
	// a type, or with a primitive one, they are taken as strings.
	parseHCL    bool
	nullable    bool
	def         cty.Value // the converted default; cty.NilVal when there is none
	validations []validation

	value cty.Value
	set   bool
	// src is where the value came from: a file range, or nil for the
	// command line and environment, which from then names.
	src  *hcl.Range
	from string
}

type validation struct {
	condition, message hcl.Expression
	decl               hcl.Range
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
		{Name: "nullable"}, {Name: "ephemeral"},
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
			s.errorf(b.LabelRanges[0].Ptr(), "Invalid variable name", "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.")
			continue
		}
		if prev := s.variables[name]; prev != nil {
			s.errorf(b.DefRange.Ptr(), "Duplicate variable declaration", "A variable named %q was already declared at %s. Variable names must be unique within a module.", name, prev.decl)
			continue
		}
		v := &variable{name: name, decl: b.DefRange, typ: cty.DynamicPseudoType, nullable: true}
		content, diags := b.Body.Content(variableSchema)
		s.add(diags)
		if diags.HasErrors() {
			// Reported; a second error saying it has no value would be noise.
			v.value, v.set = cty.DynamicVal, true
		}
		if a := content.Attributes["type"]; a != nil {
			ty, defaults, diags := decodeVariableType(a.Expr)
			s.add(diags)
			if !diags.HasErrors() {
				v.typ, v.defaults, v.parseHCL = ty, defaults, !ty.IsPrimitiveType()
			}
		}
		v.sensitive, _ = s.literalBool(content.Attributes["sensitive"])
		if nullable, ok := s.literalBool(content.Attributes["nullable"]); ok {
			v.nullable = nullable
		}
		if ephemeral, _ := s.literalBool(content.Attributes["ephemeral"]); ephemeral {
			s.errorf(content.Attributes["ephemeral"].Expr.Range().Ptr(), "Ephemeral variables are not supported",
				"Every value an asset uses is recorded in its spec hash, the lock and the manifest, so seedform has no place for a value that must not be stored. Remove ephemeral; keep secrets such as API keys in the environment (a provider's api_key_env).")
		}
		if a := content.Attributes["description"]; a != nil {
			_, diags := a.Expr.Value(nil)
			s.add(diags)
		}
		if a := content.Attributes["default"]; a != nil {
			s.decodeDefault(v, a)
		}
		for _, vb := range content.Blocks {
			vc, diags := vb.Body.Content(validationSchema)
			s.add(diags)
			if diags.HasErrors() {
				continue
			}
			rule := validation{
				condition: vc.Attributes["condition"].Expr,
				message:   vc.Attributes["error_message"].Expr,
				decl:      vb.DefRange,
			}
			if s.checkValidationRefs(v.name, rule.condition) {
				v.validations = append(v.validations, rule)
			}
		}
		s.variables[name] = v
		s.varOrder = append(s.varOrder, name)
	}
	sort.Strings(s.varOrder)
}

// literalBool reads an optional attribute that must be a constant true or
// false ("true" will do, as in Terraform); ok is false when it is absent
// or wrong (and reported).
func (s *loadState) literalBool(a *hcl.Attribute) (val, ok bool) {
	if a == nil {
		return false, false
	}
	v, diags := a.Expr.Value(nil)
	s.add(diags)
	if diags.HasErrors() {
		return false, false
	}
	v, err := convert.Convert(v, cty.Bool)
	if err == nil && v.IsNull() {
		err = errors.New("value must not be null")
	}
	if err != nil {
		s.errorf(a.Expr.Range().Ptr(), "Unsuitable value type", "Unsuitable value: %s", err)
		return false, false
	}
	return v.True(), true
}

// decodeVariableType reads a variable's type as Terraform does: the
// pre-0.12 quoted forms are errors that say what to write, and the bare
// keywords list and map mean list(any) and map(any).
func decodeVariableType(expr hcl.Expression) (cty.Type, *typeexpr.Defaults, hcl.Diagnostics) {
	const quoted = "Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. "
	if t, ok := expr.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
		v, _ := t.Value(nil)
		detail := map[string]string{
			"string": quoted + `Remove the quotes around "string".`,
			"list":   quoted + `Remove the quotes around "list" and write list(string) instead to explicitly indicate that the list elements are strings.`,
			"map":    quoted + `Remove the quotes around "map" and write map(string) instead to explicitly indicate that the map elements are strings.`,
		}[v.AsString()]
		summary := "Invalid quoted type constraints"
		if detail == "" {
			summary, detail = "Invalid legacy variable type hint", "To provide a full type expression, remove the surrounding quotes and give the type expression directly."
		}
		return cty.DynamicPseudoType, nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: expr.Range().Ptr()}}
	}
	switch hcl.ExprAsKeyword(expr) {
	case "list":
		return cty.List(cty.DynamicPseudoType), nil, nil
	case "map":
		return cty.Map(cty.DynamicPseudoType), nil, nil
	}
	return typeexpr.TypeConstraintWithDefaults(expr)
}

// decodeDefault checks a variable's default against its type, as
// Terraform does when it reads the declaration.
func (s *loadState) decodeDefault(v *variable, a *hcl.Attribute) {
	val, diags := a.Expr.Value(nil)
	s.add(diags)
	if diags.HasErrors() {
		v.value, v.set = cty.DynamicVal, true
		return
	}
	conv, err := s.convertVar(v, val)
	switch {
	case err != nil:
		s.errorf(a.Expr.Range().Ptr(), "Invalid default value for variable", "This default value is not compatible with the variable's type constraint: %s.", err)
		// Set, so that no second error says it has no value.
		v.value, v.set = cty.DynamicVal, true
		return
	case !v.nullable && val.IsNull():
		s.errorf(a.Expr.Range().Ptr(), "Invalid default value for variable", "A null default value is not valid when nullable=false.")
		v.value, v.set = cty.DynamicVal, true
		return
	}
	// A default is blamed, as Terraform blames it, at the declaration.
	v.def = conv
	v.value, v.set = val, true
}

// convertVar applies the type's optional-attribute defaults and converts.
func (s *loadState) convertVar(v *variable, val cty.Value) (cty.Value, error) {
	if v.defaults != nil && !val.IsNull() {
		val = v.defaults.Apply(val)
	}
	return convert.Convert(val, v.typ)
}

// assignVariableValues applies the value sources in Terraform's order of
// precedence, the last one winning: defaults (already set), then the
// SEEDFORM_VAR_<name> environment variables, seedform.sfvars.hcl, the
// *.auto.sfvars.hcl files in lexical order, and -var and -var-file in
// command-line order. A committed file thus beats a stray CI variable.
func (s *loadState) assignVariableValues(opts Options) {
	for _, kv := range opts.Env {
		k, raw, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, EnvVarPrefix) {
			continue
		}
		// Like Terraform, an environment variable for an undeclared name
		// is ignored: the environment is shared with other configs.
		if v := s.variables[strings.TrimPrefix(k, EnvVarPrefix)]; v != nil {
			s.setRawVar(v, raw, fmt.Sprintf("set using the %s environment variable", k))
		}
	}
	autoFiles := []string{DefaultVarsFile}
	if entries, err := os.ReadDir(s.dir); err == nil {
		for _, e := range entries { // ReadDir sorts by name
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
	for _, arg := range opts.commandLine() {
		if arg.File {
			s.loadVarFileArg(arg.Value)
		} else {
			s.loadVarArg(arg.Value)
		}
	}
}

func (s *loadState) loadVarFileArg(f string) {
	p := f
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.dir, p)
	}
	if _, err := os.Stat(p); err != nil {
		s.errorf(nil, "Failed to read variables file", "Given variables file %s does not exist.", f)
		return
	}
	s.loadVarFile(p)
}

func (s *loadState) loadVarArg(opt string) {
	name, raw, ok := strings.Cut(opt, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		s.errorf(nil, "Invalid -var option", "The given -var option %q is not correctly specified. Must be a variable name and value separated by an equals sign, like -var=\"key=value\".", opt)
		return
	}
	v := s.variables[name]
	if v == nil {
		s.errorf(nil, "Value for undeclared variable", "A variable named %q was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration.%s", name, didYouMean(name, s.varOrder))
		return
	}
	s.setRawVar(v, raw, fmt.Sprintf("set using -var=\"%s=...\"", name))
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
				Detail:   fmt.Sprintf("The root module does not declare a variable named %q but a value was found in file %q. If you meant to use this value, add a \"variable\" block to the configuration.%s\n\nTo silence these warnings, use %s... environment variables to provide certain \"global\" settings to all configurations in your organization.", name, filepath.Base(p), didYouMean(name, s.varOrder), EnvVarPrefix),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		val, diags := a.Expr.Value(nil)
		s.add(diags)
		if diags.HasErrors() {
			v.value, v.set, v.src = cty.DynamicVal, true, a.Expr.Range().Ptr()
			continue
		}
		v.value, v.set, v.src, v.from = val, true, a.Expr.Range().Ptr(), ""
	}
}

// setRawVar sets a variable from a command-line or environment string,
// as Terraform does: without a type or with a primitive one the string
// is the value; a complex type or `any` parses it as an HCL expression.
// from says where it came from ("set using -var=...") for messages. A
// value that does not parse is reported once, at the declaration, and
// leaves the variable set, so that no second error says it has none.
func (s *loadState) setRawVar(v *variable, raw, from string) {
	v.set, v.src, v.from = true, nil, from
	if !v.parseHCL {
		v.value = cty.StringVal(raw)
		return
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), fmt.Sprintf("<value for var.%s>", v.name), hcl.InitialPos)
	if !diags.HasErrors() {
		var val cty.Value
		if val, diags = expr.Value(nil); !diags.HasErrors() {
			v.value = val
			return
		}
	}
	v.value = cty.DynamicVal
	// The parser's detail does not quote the value; a sensitive one's
	// detail is left out all the same.
	why := diags[0].Summary
	if !v.sensitive {
		why += ": " + strings.TrimSuffix(diags[0].Detail, ".")
	}
	s.errorf(v.decl.Ptr(), "Invalid value for input variable", "Unsuitable value for var.%s %s: %s. For a variable of type %s the value is an HCL expression, written as in a configuration file.", v.name, from, why, v.typ.FriendlyNameForConstraint())
}

// validateVariables converts each value to its type and marks sensitive
// values.
func (s *loadState) validateVariables() {
	for _, name := range s.varOrder {
		v := s.variables[name]
		if !v.set {
			s.errorf(v.decl.Ptr(), "No value for required variable",
				"The root module input variable %q is not set, and has no default value. Give it a value with -var=\"%s=...\", -var-file=FILE, %s, a *%s file, or the environment variable %s%s.",
				name, name, DefaultVarsFile, AutoVarsSuffix, EnvVarPrefix, name)
			v.value = cty.DynamicVal
			continue
		}
		if !v.value.IsWhollyKnown() {
			continue // an error was reported
		}
		if val, ok := s.finalVarValue(v); ok {
			if v.sensitive {
				s.noteSensitive(val)
				val = val.Mark(sensitiveMark)
			}
			v.value = val
		} else {
			v.value = cty.DynamicVal
		}
	}
}

// checkVariableValidations runs the validation rules, once locals are
// known: as in Terraform, a condition may refer to other variables and to
// local values.
func (s *loadState) checkVariableValidations() {
	for _, name := range s.varOrder {
		v := s.variables[name]
		if !v.value.IsWhollyKnown() {
			continue
		}
		for _, rule := range v.validations {
			s.checkValidation(v, rule, s.baseCtx)
		}
	}
}

// finalVarValue converts a variable's value to its type and applies
// nullable = false, with Terraform's messages: a value from a file is
// blamed where it is written, one from the command line or environment
// at the declaration.
func (s *loadState) finalVarValue(v *variable) (cty.Value, bool) {
	val, err := s.convertVar(v, v.value)
	if err != nil {
		switch {
		case v.src == nil:
			s.errorf(v.decl.Ptr(), "Invalid value for input variable", "Unsuitable value for var.%s %s: %s.", v.name, v.from, err)
		case v.sensitive:
			s.errorf(v.decl.Ptr(), "Invalid value for input variable", "The given value is not suitable for var.%s, which is sensitive: %s. Invalid value defined at %s.", v.name, err, v.src)
		default:
			s.errorf(v.src, "Invalid value for input variable", "The given value is not suitable for var.%s declared at %s: %s.", v.name, v.decl, err)
		}
		return cty.NilVal, false
	}
	if !val.IsNull() || v.nullable {
		return val, true
	}
	if v.def != cty.NilVal {
		return v.def, true
	}
	if v.src == nil {
		s.errorf(v.decl.Ptr(), "Required variable not set", "Unsuitable value for var.%s %s: required variable may not be set to null.", v.name, v.from)
	} else {
		s.errorf(v.src, "Required variable not set", "The given value is not suitable for var.%s defined at %s: required variable may not be set to null.", v.name, v.decl)
	}
	return cty.NilVal, false
}

// checkValidationRefs requires, as Terraform does, that a validation
// condition refers to the variable it validates: one that does not
// checks nothing.
func (s *loadState) checkValidationRefs(name string, cond hcl.Expression) bool {
	refs := cond.Variables()
	if len(refs) == 0 {
		s.errorf(cond.Range().Ptr(), "Invalid validation expression", "The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.")
	}
	for _, t := range refs {
		if t.RootName() != "var" || len(t) < 2 {
			continue
		}
		if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == name {
			return true
		}
	}
	s.errorf(cond.Range().Ptr(), "Invalid variable validation condition", "The condition for variable %q must refer to var.%s in order to test incoming values.", name, name)
	return false
}

func (s *loadState) checkValidation(v *variable, rule validation, ctx *hcl.EvalContext) {
	const invalidResult = "Invalid variable validation result"
	refs := s.checkRefs(rule.condition, refScope{locals: true, what: "A validation condition"}, rule.condition.Range())
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
	if !cond.IsKnown() {
		return
	}
	if cond.IsNull() {
		s.errorf(rule.condition.Range().Ptr(), invalidResult, "Validation condition expression must return either true or false, not null.")
		return
	}
	cond, err := convert.Convert(cond, cty.Bool)
	if err != nil {
		s.errorf(rule.condition.Range().Ptr(), invalidResult, "Invalid validation condition result value: %s.", err)
		return
	}
	if cond.True() {
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
		subject = v.decl.Ptr()
	}
	s.errorf(subject, "Invalid value for variable", "%s\n\nThis was checked by the validation rule at %s.", msg, rule.decl)
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
