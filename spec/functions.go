package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions returns the functions configurations may call: Terraform's
// built-in functions under their names and with their semantics, taken
// from go-cty's standard library where it has them. File functions take
// relative paths from the configuration directory. Functions whose result
// changes from run to run are present only to explain why they cannot be
// used (see leftOutFunctions).
func (s *loadState) functions() map[string]function.Function {
	funcs := map[string]function.Function{
		"abs":              stdlib.AbsoluteFunc,
		"alltrue":          allTrueFunc,
		"anytrue":          anyTrueFunc,
		"base64decode":     base64DecodeFunc,
		"base64encode":     base64EncodeFunc,
		"base64gzip":       base64GzipFunc,
		"base64sha256":     stringHashFunc(sha256New, encodeBase64),
		"base64sha512":     stringHashFunc(sha512New, encodeBase64),
		"basename":         basenameFunc,
		"can":              tryfunc.CanFunc,
		"ceil":             stdlib.CeilFunc,
		"chomp":            stdlib.ChompFunc,
		"chunklist":        stdlib.ChunklistFunc,
		"coalesce":         coalesceFunc,
		"coalescelist":     stdlib.CoalesceListFunc,
		"compact":          stdlib.CompactFunc,
		"concat":           stdlib.ConcatFunc,
		"contains":         containsFunc,
		"csvdecode":        stdlib.CSVDecodeFunc,
		"dirname":          dirnameFunc,
		"distinct":         stdlib.DistinctFunc,
		"element":          elementFunc,
		"endswith":         endsWithFunc,
		"ephemeralasnull":  ephemeralAsNullFunc,
		"flatten":          stdlib.FlattenFunc,
		"floor":            stdlib.FloorFunc,
		"format":           withoutDynamicArgs(stdlib.FormatFunc),
		"formatdate":       stdlib.FormatDateFunc,
		"formatlist":       withoutDynamicArgs(stdlib.FormatListFunc),
		"indent":           stdlib.IndentFunc,
		"index":            indexFunc,
		"issensitive":      isSensitiveFunc,
		"join":             stdlib.JoinFunc,
		"jsondecode":       jsonDecodeFunc,
		"jsonencode":       stdlib.JSONEncodeFunc,
		"keys":             stdlib.KeysFunc,
		"length":           lengthFunc,
		"list":             removedFunc("list", "tolist([ ... ]) syntax to write a literal list"),
		"log":              logFunc,
		"lookup":           lookupFunc,
		"lower":            stdlib.LowerFunc,
		"map":              removedFunc("map", "tomap({ ... }) syntax to write a literal map"),
		"matchkeys":        matchkeysFunc,
		"max":              stdlib.MaxFunc,
		"md5":              stringHashFunc(md5New, encodeHex),
		"merge":            stdlib.MergeFunc,
		"min":              stdlib.MinFunc,
		"nonsensitive":     nonsensitiveFunc,
		"one":              oneFunc,
		"parseint":         stdlib.ParseIntFunc,
		"pathexpand":       pathExpandFunc,
		"pow":              powFunc,
		"range":            stdlib.RangeFunc,
		"regex":            stdlib.RegexFunc,
		"regexall":         stdlib.RegexAllFunc,
		"replace":          replaceFunc,
		"reverse":          stdlib.ReverseListFunc,
		"sensitive":        s.sensitiveFunc(),
		"setintersection":  stdlib.SetIntersectionFunc,
		"setproduct":       stdlib.SetProductFunc,
		"setsubtract":      stdlib.SetSubtractFunc,
		"setunion":         stdlib.SetUnionFunc,
		"sha1":             stringHashFunc(sha1New, encodeHex),
		"sha256":           stringHashFunc(sha256New, encodeHex),
		"sha512":           stringHashFunc(sha512New, encodeHex),
		"signum":           stdlib.SignumFunc,
		"slice":            stdlib.SliceFunc,
		"sort":             stdlib.SortFunc,
		"split":            stdlib.SplitFunc,
		"startswith":       startsWithFunc,
		"strcontains":      strContainsFunc,
		"strrev":           stdlib.ReverseFunc,
		"substr":           stdlib.SubstrFunc,
		"sum":              sumFunc,
		"textdecodebase64": textDecodeBase64Func,
		"textencodebase64": textEncodeBase64Func,
		"timeadd":          stdlib.TimeAddFunc,
		"timecmp":          timeCmpFunc,
		"title":            stdlib.TitleFunc,
		"tobool":           makeToFunc(cty.Bool),
		"tolist":           uniformTupleFunc(cty.List, makeToFunc(cty.List(cty.DynamicPseudoType))),
		"tomap":            makeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":         makeToFunc(cty.Number),
		"toset":            uniformTupleFunc(cty.Set, makeToFunc(cty.Set(cty.DynamicPseudoType))),
		"tostring":         makeToFunc(cty.String),
		"transpose":        transposeFunc,
		"trim":             stdlib.TrimFunc,
		"trimprefix":       stdlib.TrimPrefixFunc,
		"trimspace":        stdlib.TrimSpaceFunc,
		"trimsuffix":       stdlib.TrimSuffixFunc,
		"try":              tryfunc.TryFunc,
		"upper":            stdlib.UpperFunc,
		"urlencode":        urlEncodeFunc,
		"uuidv5":           uuidV5Func,
		"values":           stdlib.ValuesFunc,
		"yamldecode":       ctyyaml.YAMLDecodeFunc,
		"yamlencode":       ctyyaml.YAMLEncodeFunc,
		"zipmap":           stdlib.ZipmapFunc,

		"abspath":          s.abspathFunc(),
		"file":             s.fileFunc(false),
		"filebase64":       s.fileFunc(true),
		"fileexists":       s.fileExistsFunc(),
		"fileset":          s.fileSetFunc(),
		"filemd5":          s.fileHashFunc(md5New, encodeHex),
		"filesha1":         s.fileHashFunc(sha1New, encodeHex),
		"filesha256":       s.fileHashFunc(sha256New, encodeHex),
		"filesha512":       s.fileHashFunc(sha512New, encodeHex),
		"filebase64sha256": s.fileHashFunc(sha256New, encodeBase64),
		"filebase64sha512": s.fileHashFunc(sha512New, encodeBase64),
	}
	for name, why := range leftOutFunctions {
		funcs[name] = unavailableFunc(name, why)
	}
	// The template functions render with every other function, which
	// they find in funcs once it is complete.
	funcs["templatefile"] = s.templateFileFunc(funcs)
	funcs["templatestring"] = templateStringFunc(funcs)
	// Every function is also in Terraform's core:: namespace.
	for _, name := range sortedKeys(funcs) {
		funcs[corePrefix+name] = funcs[name]
	}
	return funcs
}

// corePrefix is the namespace of built-in functions: core::upper is upper.
const corePrefix = "core::"

// leftOutFunctions are Terraform's functions that seedform does not offer,
// with the reason a call gives. The README lists them too.
var leftOutFunctions = map[string]string{
	"timestamp":     "its result changes on every run, so an asset using it would be regenerated, and paid for, on every apply",
	"plantimestamp": "its result changes on every run, so an asset using it would be regenerated, and paid for, on every apply",
	"uuid":          "its result changes on every run, so an asset using it would be regenerated, and paid for, on every apply; uuidv5 gives a stable one",
	"bcrypt":        "its result changes on every run (a random salt), so an asset using it would be regenerated, and paid for, on every apply",
	"rsadecrypt":    "seedform reads no private keys; secrets belong in the environment",
	"cidrhost":      "network address arithmetic serves no image configuration",
	"cidrnetmask":   "network address arithmetic serves no image configuration",
	"cidrsubnet":    "network address arithmetic serves no image configuration",
	"cidrsubnets":   "network address arithmetic serves no image configuration",
}

// unavailableFunc stands for a left-out function: any call is an error
// that says why, rather than "There is no function named ...".
func unavailableFunc(name, why string) function.Function {
	return unavailableFuncMsg(fmt.Sprintf("the %s function is not available in seedform: %s", name, why))
}

// removedFunc is one of the functions Terraform removed in v0.12; a call
// gets Terraform's message.
func removedFunc(name, instead string) function.Function {
	return unavailableFuncMsg(fmt.Sprintf("the %q function was deprecated in Terraform v0.12 and is no longer available; use %s", name, instead))
}

// unavailableFuncMsg is a function any call of which fails with msg.
func unavailableFuncMsg(msg string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{
			Name: "vals", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true,
		},
		Type: func([]cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, fmt.Errorf("%s", msg) },
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, fmt.Errorf("%s", msg) },
	})
}
