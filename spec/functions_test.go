package spec

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestTerraformFunctions checks the functions whose go-cty versions differ
// from Terraform's: length takes strings (counting characters as strlen
// does) and coalesce skips empty strings as well as nulls.
func TestTerraformFunctions(t *testing.T) {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{
			"unknown":    cty.UnknownVal(cty.String),
			"secret":     cty.StringVal("secret").Mark(sensitiveMark),
			"secret_obj": cty.ObjectVal(map[string]cty.Value{"a": cty.True}).Mark(sensitiveMark),
			"secret_set": cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}).Mark(sensitiveMark),
		})},
		Functions: (&loadState{}).functions(),
	}
	tests := []struct {
		expr    string
		want    cty.Value
		wantErr string // a substring of the error, when one is expected
	}{
		{expr: `length("abc")`, want: cty.NumberIntVal(3)},
		{expr: `length("")`, want: cty.NumberIntVal(0)},
		{expr: `length("héllo")`, want: cty.NumberIntVal(5)},
		{expr: `length("e\u0301")`, want: cty.NumberIntVal(1)}, // e + combining acute: one character
		{expr: `length("🇫🇷!")`, want: cty.NumberIntVal(2)},     // a flag is two code points, one character
		{expr: `length(["a", "b"])`, want: cty.NumberIntVal(2)},
		{expr: `length(tolist(["a", "b", "c"]))`, want: cty.NumberIntVal(3)},
		{expr: `length(toset(["a", "a", "b"]))`, want: cty.NumberIntVal(2)},
		{expr: `length(tomap({ a = "x" }))`, want: cty.NumberIntVal(1)},
		{expr: `length({ a = 1, b = "x" })`, want: cty.NumberIntVal(2)},
		{expr: `length([])`, want: cty.NumberIntVal(0)},
		{expr: `length(var.unknown)`, want: cty.UnknownVal(cty.Number).Refine().NotNull().NumberRangeLowerBound(cty.Zero, true).NewValue()},
		{expr: `length(var.secret)`, want: cty.NumberIntVal(6).Mark(sensitiveMark)},
		{expr: `length(var.secret_obj)`, want: cty.NumberIntVal(1).Mark(sensitiveMark)},
		{expr: `length(var.secret_set)`, want: cty.NumberIntVal(2).Mark(sensitiveMark)},
		{expr: `length(1)`, wantErr: "argument must be a string, a collection type, or a structural type"},
		{expr: `length(true)`, wantErr: "argument must be a string, a collection type, or a structural type"},
		{expr: `length(null)`, wantErr: "must not be null"},

		{expr: `coalesce("", "c")`, want: cty.StringVal("c")},
		{expr: `coalesce(null, "", "b", "c")`, want: cty.StringVal("b")},
		{expr: `coalesce("a", "")`, want: cty.StringVal("a")},
		{expr: `coalesce(" ", "b")`, want: cty.StringVal(" ")},
		{expr: `coalesce("", 1)`, want: cty.StringVal("1")},
		{expr: `coalesce(null, 0, 1)`, want: cty.NumberIntVal(0)},
		{expr: `coalesce(null, false)`, want: cty.False},
		{expr: `coalesce("", var.secret)`, want: cty.StringVal("secret").Mark(sensitiveMark)},
		{expr: `coalesce("", var.unknown, "c")`, want: cty.UnknownVal(cty.String).RefineNotNull()},
		{expr: `coalesce("", "")`, wantErr: "no non-null, non-empty-string arguments"},
		{expr: `coalesce(null, "")`, wantErr: "no non-null, non-empty-string arguments"},
		{expr: `coalesce("a", ["b"])`, wantErr: "all arguments must have the same type"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			expr, diags := hclsyntax.ParseExpression([]byte(tt.expr), "test.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			got, diags := expr.Value(ctx)
			if tt.wantErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.wantErr) {
					t.Fatalf("got %#v, %v; want an error with %q", got, diags, tt.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if !got.RawEquals(tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestAbspathCleans: abspath resolves against the configuration directory
// and cleans "." and "..", as Terraform's does with the working directory.
func TestAbspathCleans(t *testing.T) {
	t.Parallel()
	s := &loadState{absDir: filepath.FromSlash("/cfg/dir")}
	f := s.functions()["abspath"]
	for in, want := range map[string]string{
		"a.txt":        "/cfg/dir/a.txt",
		"notes/../a":   "/cfg/dir/a",
		"../up/./b":    "/cfg/up/b",
		"/abs/x/../y/": "/abs/y",
	} {
		got, err := f.Call([]cty.Value{cty.StringVal(in)})
		if err != nil || got.AsString() != filepath.ToSlash(filepath.FromSlash(want)) {
			t.Errorf("abspath(%q) = %#v, %v; want %q", in, got, err, want)
		}
	}
}
