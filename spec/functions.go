package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions returns the functions configurations may call: the go-cty
// standard library under Terraform's names, plus file functions whose
// relative paths are taken from the configuration directory. Functions
// that would make a spec differ from run to run (timestamp, uuid) are left
// out on purpose.
func (s *loadState) functions() map[string]function.Function {
	funcs := map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"can":             tryfunc.CanFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        coalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          stdlib.FormatFunc,
		"formatdate":      stdlib.FormatDateFunc,
		"formatlist":      stdlib.FormatListFunc,
		"indent":          stdlib.IndentFunc,
		"join":            stdlib.JoinFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"length":          lengthFunc,
		"log":             stdlib.LogFunc,
		"lookup":          stdlib.LookupFunc,
		"lower":           stdlib.LowerFunc,
		"max":             stdlib.MaxFunc,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"range":           stdlib.RangeFunc,
		"regex":           stdlib.RegexFunc,
		"regexall":        stdlib.RegexAllFunc,
		"replace":         stdlib.ReplaceFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"signum":          stdlib.SignumFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"strlen":          stdlib.StrlenFunc,
		"strrev":          stdlib.ReverseFunc,
		"substr":          stdlib.SubstrFunc,
		"timeadd":         stdlib.TimeAddFunc,
		"title":           stdlib.TitleFunc,
		"tobool":          stdlib.MakeToFunc(cty.Bool),
		"tolist":          uniformTupleFunc(cty.List, stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType))),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":        stdlib.MakeToFunc(cty.Number),
		"toset":           uniformTupleFunc(cty.Set, stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType))),
		"tostring":        stdlib.MakeToFunc(cty.String),
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"try":             tryfunc.TryFunc,
		"upper":           stdlib.UpperFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		"abspath":    s.abspathFunc(),
		"file":       s.fileFunc(),
		"filesha256": s.filesha256Func(),
	}
	// templatefile's templates may call every other function, but not
	// templatefile itself: that could recurse without end.
	inner := make(map[string]function.Function, len(funcs))
	for k, f := range funcs {
		inner[k] = f
	}
	funcs["templatefile"] = s.templatefileFunc(inner)
	return funcs
}

// lengthFunc is Terraform's length: the number of elements of a list,
// set, map, tuple or object, or the number of characters (grapheme
// clusters, as strlen counts them) of a string. go-cty's length takes only
// collections, so length("abc") would fail where Terraform users expect 3.
var lengthFunc = function.New(&function.Spec{
	Description: "Returns the number of elements of a collection or structural value, or the number of characters of a string.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowDynamicType: true, AllowUnknown: true, AllowMarked: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		if ty == cty.String || ty == cty.DynamicPseudoType || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType() {
			return cty.Number, nil
		}
		return cty.NilType, errors.New("argument must be a string, a collection or a structural value")
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		ty := v.Type()
		switch {
		case ty == cty.DynamicPseudoType:
			return cty.UnknownVal(cty.Number).WithMarks(marks), nil
		case ty == cty.String:
			n, err := stdlib.Strlen(v)
			return n.WithMarks(marks), err
		case ty.IsObjectType():
			return cty.NumberIntVal(int64(len(ty.AttributeTypes()))).WithMarks(marks), nil
		}
		return v.Length().WithMarks(marks), nil
	},
})

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string, all converted to one type. go-cty's skips only
// nulls, so coalesce("", "c") would be "" where Terraform gives "c".
var coalesceFunc = function.New(&function.Spec{
	Description: "Returns the first argument that is neither null nor an empty string.",
	VarParam: &function.Parameter{
		Name: "vals", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowDynamicType: true, AllowNull: true,
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, v := range args {
			types[i] = v.Type()
		}
		if ty, _ := convert.UnifyUnsafe(types); ty != cty.NilType {
			return ty, nil
		}
		return cty.NilType, errors.New("all arguments must have the same type")
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		for _, arg := range args {
			v, err := convert.Convert(arg, retType)
			if err != nil {
				return cty.NilVal, err
			}
			if !v.IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			if v.IsNull() || v.RawEquals(cty.StringVal("")) {
				continue
			}
			return v, nil
		}
		return cty.NilVal, errors.New("no non-null, non-empty-string arguments")
	},
})

// uniformTupleFunc wraps tolist or toset with a fast path for a tuple whose
// elements all have one type, such as a [for ...] of strings: cty's
// general conversion unifies the element types pairwise, which takes
// seconds on the 10,000-element sets for_each is meant to handle.
func uniformTupleFunc(collection func(cty.Type) cty.Type, general function.Function) function.Function {
	build := cty.ListVal
	if collection(cty.String).IsSetType() {
		build = cty.SetVal
	}
	return function.New(&function.Spec{
		Description: general.Description(),
		Params: []function.Parameter{{
			Name: "v", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if ety, ok := uniformTuple(args[0]); ok {
				return collection(ety), nil
			}
			return general.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if _, ok := uniformTuple(args[0]); ok && args[0].IsKnown() {
				return build(args[0].AsValueSlice()), nil
			}
			return general.Call(args)
		},
	})
}

// uniformTuple returns the element type of a non-empty tuple whose
// elements all have the same known type.
func uniformTuple(v cty.Value) (cty.Type, bool) {
	ty := v.Type()
	if !ty.IsTupleType() || v.IsNull() {
		return cty.NilType, false
	}
	etys := ty.TupleElementTypes()
	if len(etys) == 0 || etys[0] == cty.DynamicPseudoType {
		return cty.NilType, false
	}
	for _, t := range etys[1:] {
		if !t.Equals(etys[0]) {
			return cty.NilType, false
		}
	}
	return etys[0], true
}

// configPath resolves a path argument against the configuration directory.
func (s *loadState) configPath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.absDir, filepath.FromSlash(p))
}

var pathParam = []function.Parameter{{Name: "path", Type: cty.String}}

func (s *loadState) abspathFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the absolute path of a path relative to the configuration directory.",
		Params:      pathParam,
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(filepath.ToSlash(s.configPath(args[0].AsString()))), nil
		},
	})
}

func (s *loadState) fileFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Reads a UTF-8 text file relative to the configuration directory.",
		Params:      pathParam,
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			text, err := s.readText(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(text), nil
		},
	})
}

func (s *loadState) readText(p string) (string, error) {
	b, err := os.ReadFile(s.configPath(p))
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%s is not valid UTF-8 text; use filesha256 for binary files", p)
	}
	return string(b), nil
}

func (s *loadState) filesha256Func() function.Function {
	return function.New(&function.Spec{
		Description: "Returns the hex sha256 of a file relative to the configuration directory.",
		Params:      pathParam,
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			sum, err := s.hashFile(s.configPath(args[0].AsString()))
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			return cty.StringVal(sum), nil
		},
	})
}

// hashFile streams a file through sha256 once per Load: reference images
// may be large and one is often shared by many assets.
func (s *loadState) hashFile(abs string) (string, error) {
	if h, ok := s.fileHashes[abs]; ok {
		return h.sum, h.err
	}
	sum, err := hashFileUncached(abs)
	s.fileHashes[abs] = fileHash{sum, err}
	return sum, err
}

func hashFileUncached(abs string) (string, error) {
	f, err := os.Open(abs)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", abs)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (s *loadState) templatefileFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders a template file relative to the configuration directory with the given variables.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			src, err := s.readText(name)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			vars := args[1]
			if !vars.CanIterateElements() || !(vars.Type().IsObjectType() || vars.Type().IsMapType()) {
				return cty.NilVal, function.NewArgErrorf(1, "vars must be an object or a map")
			}
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: funcs}
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				ctx.Variables[k.AsString()] = v
			}
			expr, diags := hclsyntax.ParseTemplate([]byte(src), name, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgError(0, diags)
			}
			out, diags := expr.Value(ctx)
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgError(1, diags)
			}
			out, err = convert.Convert(out, cty.String)
			if err != nil {
				return cty.NilVal, fmt.Errorf("the template %s does not produce a string: %w", name, err)
			}
			return out, nil
		},
	})
}
