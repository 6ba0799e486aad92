package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/gocty"
)

// This file keeps null and unknown values from reaching an asset
// silently. An unknown value would become an empty prompt or path, no
// instances or a dropped meta: with a paid API, an image that can never
// be written. A null is, as in Terraform, an argument not given: an error
// for a required one.

// reportUnknown reports an attribute whose value is unknown. An unknown is
// usually the trace of an error already reported (a failed local or
// upstream asset stands for its value with an unknown); only when no
// error was reported is it news, such as a function given an untyped
// null.
func (s *loadState) reportUnknown(a *hcl.Attribute) {
	s.unknowns++
	if s.diags.HasErrors() {
		return
	}
	s.errorf(a.Expr.Range().Ptr(), "Unknown value",
		"The value of %q cannot be known before apply: part of the expression gives an unknown value (as some functions do when given an untyped null). seedform needs every value at plan time, so that nothing is paid for by mistake.", a.Name)
}

// isNull evaluates a and reports whether it is null. Errors and unknowns
// are reported and count as not null; evaluating a again later is cheap,
// and cached where the value cannot differ between instances.
func (s *loadState) isNull(a *hcl.Attribute, ctx *hcl.EvalContext) bool {
	if _, ok := a.Expr.(*hclsyntax.TemplateExpr); ok {
		// A template with text around its interpolations (most prompts
		// and paths) gives a string or an error, never null: no need to
		// evaluate it twice. ("${x}" alone is a TemplateWrapExpr.)
		return false
	}
	v, diags := s.attrValue(a, ctx)
	if diags.HasErrors() {
		return false
	}
	v, _ = v.Unmark()
	return v.IsKnown() && v.IsNull()
}

// given returns a, or nil when a is absent or null: Terraform treats an
// argument set to null as one not given.
func (s *loadState) given(a *hcl.Attribute, ctx *hcl.EvalContext) *hcl.Attribute {
	if a == nil || s.isNull(a, ctx) {
		return nil
	}
	return a
}

// required is given for a required argument (the schema has made sure it
// is written): a null is an error.
func (s *loadState) required(a *hcl.Attribute, ctx *hcl.EvalContext) *hcl.Attribute {
	if a == nil || !s.isNull(a, ctx) {
		return a
	}
	s.errorf(a.Expr.Range().Ptr(), "Missing required argument", "The argument %q is required, but no definition was found.", a.Name)
	return nil
}

// evalCount reads count as Terraform does, with its messages: a whole
// number of at least 0; null is an error, not zero instances.
func (s *loadState) evalCount(a *hcl.Attribute) (int64, bool) {
	const invalid = "Invalid count argument"
	rng := a.Expr.Range().Ptr()
	v, diags := a.Expr.Value(s.baseCtx)
	s.add(diags)
	if diags.HasErrors() {
		return 0, false
	}
	v, _ = v.UnmarkDeep()
	v, err := convert.Convert(v, cty.Number)
	var n int64
	switch {
	case err != nil:
		s.errorf(rng, "Incorrect value type", "Invalid expression value: %s.", err)
	case v.IsNull():
		s.errorf(rng, invalid, `The given "count" argument value is null. An integer is required.`)
	case !v.IsKnown():
		s.reportUnknown(a)
	default:
		if err := gocty.FromCtyValue(v, &n); err != nil {
			s.errorf(rng, invalid, `The given "count" argument value is unsuitable: %s.`, err)
		} else if n < 0 {
			s.errorf(rng, invalid, `The given "count" argument value is unsuitable: must be greater than or equal to zero.`)
		} else {
			return n, true
		}
	}
	return 0, false
}

// knownForEach reports a for_each value that is unknown or null; it
// returns whether the value can be expanded.
func (s *loadState) knownForEach(a *hcl.Attribute, v cty.Value) bool {
	switch {
	case !v.IsKnown():
		s.reportUnknown(a)
		return false
	case v.IsNull():
		s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", `The given "for_each" argument value is unsuitable: the given "for_each" argument value is null. A map, or set of strings is allowed.`)
		return false
	}
	return true
}

// forEachType reports, in Terraform's words, a for_each value that is no
// map or set of strings.
func (s *loadState) forEachType(a *hcl.Attribute, ty cty.Type) bool {
	switch {
	case ty.IsMapType() || ty.IsObjectType() || ty.IsSetType() && ty.ElementType() == cty.String:
		return true
	case ty.IsSetType():
		s.errorf(a.Expr.Range().Ptr(), "Invalid for_each set argument", `The given "for_each" argument value is unsuitable: "for_each" supports maps and sets of strings, but you have provided a set containing type %s.`, ty.ElementType().FriendlyName())
	default:
		s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", `The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, or set of strings, and you have provided a value of type %s.`, ty.FriendlyName())
	}
	return false
}
