package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Scope evaluates expressions over a loaded configuration, as seedform
// console does: var, local, path, image and image_set (each asset's
// planned output paths) and every function.
type Scope struct {
	s   *loadState
	ctx *hcl.EvalContext
}

// ConsoleInput is the file name of the console's expressions in
// diagnostics.
const ConsoleInput = "<console-input>"

// Scope loads dir as Load does and returns a Scope over what it
// evaluated. Errors in the configuration come back with a Scope when the
// configuration was read far enough to evaluate expressions (values that
// failed are unknown); the Scope is nil only when it was not.
func (l *Loader) Scope(dir string, opts Options) (*Scope, hcl.Diagnostics) {
	s := newLoadState(l.parser, dir)
	s.everyAsset = true
	s.load(opts)
	diags := terraformWording(s.redact(dedupe(s.diags)))
	if s.baseCtx == nil {
		return nil, diags
	}
	ctx := s.baseCtx.NewChild()
	ctx.Variables = map[string]cty.Value{}
	// All functions in one map, so that a misspelt name gets HCL's
	// suggestion among them.
	ctx.Functions = make(map[string]function.Function, len(s.funcs)+1)
	for name, f := range s.funcs {
		ctx.Functions[name] = f
	}
	ctx.Functions["type"] = typeFunc
	for _, root := range []string{"local", string(KindImage), string(KindImageSet)} {
		if _, ok := s.baseCtx.Variables[root]; !ok {
			ctx.Variables[root] = cty.EmptyObjectVal
		}
	}
	return &Scope{s: s, ctx: ctx}, diags
}

// Result is what a console expression gave. For type(EXPR), which
// exists only in the console, Value is EXPR's value and TypeOf is set:
// the console shows the value's type.
type Result struct {
	Value  cty.Value
	TypeOf bool
}

// Eval parses and evaluates one expression. Sensitive values keep their
// mark (see Unmark), so that a view can hide them.
func (sc *Scope) Eval(src string) (Result, hcl.Diagnostics) {
	expr, diags := hclsyntax.ParseExpression([]byte(src), ConsoleInput, hcl.InitialPos)
	if diags.HasErrors() {
		return Result{Value: cty.DynamicVal}, diags
	}
	res := Result{}
	if call, ok := expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "type" && len(call.Args) == 1 && !call.ExpandFinal {
		expr, res.TypeOf = call.Args[0], true
	}
	s := sc.s
	refs := s.checkRefs(expr, refScope{locals: true, assets: true, what: "A console expression"}, expr.Range())
	if refs.HasErrors() {
		return Result{Value: cty.DynamicVal}, refs
	}
	res.Value, diags = expr.Value(sc.ctx)
	diags = terraformWording(s.redact(diags))
	if diags.HasErrors() {
		return Result{Value: cty.DynamicVal}, diags
	}
	return res, diags
}

// typeFunc stands for the console's type function anywhere but at the top
// of an expression, where Eval handles it.
var typeFunc = unavailableFuncMsg(`the console-only "type" function cannot be used as part of an expression`)

// Unmark removes v's own marks and reports whether it is sensitive;
// marks on the values inside it stay, for the caller to unmark in turn.
func Unmark(v cty.Value) (cty.Value, bool) {
	v, marks := v.Unmark()
	_, sensitive := marks[sensitiveMark]
	return v, sensitive
}
