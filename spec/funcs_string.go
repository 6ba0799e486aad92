package spec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// This file holds Terraform's string, template and sensitivity functions
// that go-cty's standard library lacks or defines differently.

// replaceFunc is Terraform's replace: a search string wrapped in slashes
// is a regular expression, whose replacement may use $1 and ${name};
// anything else is replaced literally.
var replaceFunc = function.New(&function.Spec{
	Description: "Replaces all occurrences of substr in str with replace; substr wrapped in forward slashes is a regular expression.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, substr, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(substr) > 1 && substr[0] == '/' && substr[len(substr)-1] == '/' {
			re, err := regexp.Compile(substr[1 : len(substr)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, substr, repl)), nil
	},
})

// startsWithFunc is Terraform's startswith; an unknown string whose known
// prefix decides the answer still gives one.
var startsWithFunc = function.New(&function.Spec{
	Description: "Determines if the input string starts with the provided prefix.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String, AllowUnknown: true},
		{Name: "prefix", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		prefix := args[1].AsString()
		if !args[0].IsKnown() {
			known := args[0].Range().StringPrefix()
			switch {
			case prefix == "" || known != "" && strings.HasPrefix(known, prefix):
				return cty.True, nil
			case known != "" && len(known) >= len(prefix):
				return cty.False, nil
			}
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.BoolVal(strings.HasPrefix(args[0].AsString(), prefix)), nil
	},
})

var endsWithFunc = function.New(&function.Spec{
	Description: "Determines if the input string ends with the provided suffix.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "suffix", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.Bool),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.BoolVal(strings.HasSuffix(args[0].AsString(), args[1].AsString())), nil
	},
})

var strContainsFunc = function.New(&function.Spec{
	Description: "Checks whether a substring is within another string.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.BoolVal(strings.Contains(args[0].AsString(), args[1].AsString())), nil
	},
})

// templateFuncs are the functions a template may not call: a template
// rendering another could recurse without end.
var templateFuncs = map[string]bool{"templatefile": true, "templatestring": true}

// fileFuncs read the file system; templatestring's templates, which may
// come from anywhere, may not call them.
var fileFuncs = map[string]bool{
	"file": true, "fileexists": true, "fileset": true, "filebase64": true,
	"filebase64sha256": true, "filebase64sha512": true, "filemd5": true,
	"filesha1": true, "filesha256": true, "filesha512": true, "templatefile": true,
}

// renderTemplate evaluates a parsed template with vars as its only
// variables and every function but the template functions (and, unless
// allowFiles, the file functions). As in Terraform, the result keeps its
// type: a template that is a single interpolation can give a list.
func renderTemplate(expr hcl.Expression, vars cty.Value, funcs map[string]function.Function, allowFiles bool) (cty.Value, error) {
	if ty := vars.Type(); !ty.IsMapType() && !ty.IsObjectType() {
		return cty.DynamicVal, function.NewArgErrorf(1, "invalid vars value: must be a map")
	}
	ctx := &hcl.EvalContext{Variables: vars.AsValueMap(), Functions: make(map[string]function.Function, len(funcs))}
	for name := range ctx.Variables {
		if !hclsyntax.ValidIdentifier(name) {
			return cty.DynamicVal, function.NewArgErrorf(1, "invalid template variable name %q: must start with a letter, followed by zero or more letters, digits, and underscores", name)
		}
	}
	for _, t := range expr.Variables() {
		if _, ok := ctx.Variables[t.RootName()]; !ok {
			return cty.DynamicVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s", t.RootName(), t[0].SourceRange())
		}
	}
	for name, fn := range funcs {
		plain := strings.TrimPrefix(name, corePrefix)
		switch {
		case templateFuncs[plain]:
			fn = unavailableFuncMsg(fmt.Sprintf("cannot recursively call %s from inside another template function", plain))
		case !allowFiles && fileFuncs[plain]:
			fn = unavailableFuncMsg(fmt.Sprintf("cannot use filesystem access functions like %s in templatestring templates; consider passing the function result as a template variable instead", plain))
		}
		ctx.Functions[name] = fn
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if val.IsNull() {
		return cty.DynamicVal, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Template result is null",
			Detail:   "The result of the template is null, which is not a valid result for a templatestring call.",
			Subject:  expr.Range().Ptr(),
		}
	}
	return val, nil
}

// templateStringFunc is Terraform's templatestring: it renders a template
// held in a string that comes from elsewhere (a variable, a local, a file
// read with file). A literal template is refused: write it inline.
func templateStringFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders a template held in a string value with the given variables.",
		Params: []function.Parameter{
			{Name: "template", Type: customdecode.ExpressionClosureType},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			closure := customdecode.ExpressionClosureFromVal(args[0])
			if err := checkTemplateStringExpr(closure.Expression); err != nil {
				return cty.UnknownVal(retType), err
			}
			tmpl, diags := closure.Value()
			if diags.HasErrors() {
				return cty.UnknownVal(retType), function.NewArgErrorf(0, "invalid template expression: %s", diags.Error())
			}
			if !tmpl.IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			if tmpl.Type() != cty.String || tmpl.IsNull() {
				return cty.UnknownVal(retType), function.NewArgErrorf(0, "invalid template value: a string is required")
			}
			tmpl, marks := tmpl.Unmark()
			expr, diags := hclsyntax.ParseTemplate([]byte(tmpl.AsString()), "<templatestring argument>", hcl.InitialPos)
			if diags.HasErrors() {
				return cty.UnknownVal(retType), function.NewArgErrorf(0, "invalid template: %s", diags.Error())
			}
			out, err := renderTemplate(expr, args[1], funcs, false)
			if err != nil {
				return cty.UnknownVal(retType), err
			}
			out, err = convert.Convert(out, cty.String)
			if err != nil {
				return cty.UnknownVal(retType), fmt.Errorf("invalid template result: %s", err)
			}
			return out.WithMarks(marks), nil
		},
	})
}

// checkTemplateStringExpr accepts only a reference to a string held
// elsewhere, as Terraform does, with Terraform's reasons otherwise.
func checkTemplateStringExpr(expr hcl.Expression) error {
	const prefix = "invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere"
	switch e := expr.(type) {
	case *hclsyntax.TemplateWrapExpr:
		return function.NewArgErrorf(0, "%s; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax", prefix)
	case *hclsyntax.TemplateExpr:
		if len(e.Parts) == 1 {
			if _, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr); ok {
				return function.NewArgErrorf(0, "%s, and so does not support providing a literal template; consider using a template string expression instead", prefix)
			}
		}
		return function.NewArgErrorf(0, "%s; to render an inline template, consider using a plain template string expression", prefix)
	}
	if !isReferenceExpr(expr) {
		return function.NewArgErrorf(0, "invalid template expression: must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax")
	}
	return nil
}

func isReferenceExpr(expr hcl.Expression) bool {
	switch e := expr.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return true
	case *hclsyntax.RelativeTraversalExpr:
		return isReferenceExpr(e.Source)
	case *hclsyntax.IndexExpr:
		return isReferenceExpr(e.Collection)
	case *hclsyntax.SplatExpr:
		return isReferenceExpr(e.Source)
	}
	return false
}

var anyValueParam = []function.Parameter{{
	Name: "value", Type: cty.DynamicPseudoType,
	AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
}}

func sameType(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil }

// sensitiveFunc is Terraform's sensitive: the value is marked, and its
// text is kept out of every message as a sensitive variable's is.
func (s *loadState) sensitiveFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Treats the given value as sensitive.",
		Params:      anyValueParam,
		Type:        sameType,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			plain, _ := args[0].UnmarkDeep()
			s.noteSensitive(plain)
			return args[0].Mark(sensitiveMark), nil
		},
	})
}

var nonsensitiveFunc = function.New(&function.Spec{
	Description: "Removes the sensitive marking from the given value.",
	Params:      anyValueParam,
	Type:        sameType,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, sensitiveMark)
		return v.WithMarks(marks), nil
	},
})

var isSensitiveFunc = function.New(&function.Spec{
	Description: "Determines whether the given value is marked as sensitive.",
	Params:      anyValueParam,
	Type:        function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		switch v := args[0]; {
		case v.HasMark(sensitiveMark):
			return cty.True, nil
		case !v.IsKnown():
			return cty.UnknownVal(cty.Bool), nil
		}
		return cty.False, nil
	},
})

// ephemeralAsNullFunc is Terraform's ephemeralasnull. seedform has no
// ephemeral values, so every value comes back as it is.
var ephemeralAsNullFunc = function.New(&function.Spec{
	Description: "Returns the given value with any ephemeral values replaced with null.",
	Params:      anyValueParam,
	Type:        sameType,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return args[0], nil
	},
})

// withoutDynamicArgs is f as go-cty v1.16 (Terraform 1.11's) declared it:
// its variadic arguments do not take an untyped null, so a call given one
// is unknown rather than an error. format and formatlist changed in
// go-cty v1.17.
func withoutDynamicArgs(f function.Function) function.Function {
	vp := *f.VarParam()
	vp.AllowDynamicType = false
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    &vp,
		Type:        f.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return f.Call(args)
		},
	})
}
