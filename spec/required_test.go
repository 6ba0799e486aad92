package spec

import (
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// unknownFunc stands for any expression that gives an unknown value
// without an error (as go-cty functions may for an untyped null).
var unknownFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "ty", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		return map[string]cty.Type{"string": cty.String, "number": cty.Number, "map": cty.Map(cty.String)}[args[0].AsString()], nil
	},
	Impl: func(_ []cty.Value, ty cty.Type) (cty.Value, error) { return cty.UnknownVal(ty), nil },
})

// TestUnknownAndNullArguments checks that an unknown or null value where
// a value is required is an error at the attribute, never a silently
// empty prompt, path, instance list or meta.
func TestUnknownAndNullArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, asset   string
		summary, attr string // attr is the text the diagnostic's range covers
	}{
		{"unknown prompt", `prompt = unknown("string")`, "Unknown value", `unknown("string")`},
		{"unknown path", "prompt = \"p\"\n  path = unknown(\"string\")", "Unknown value", `unknown("string")`},
		{"unknown size", "prompt = \"p\"\n  size = unknown(\"string\")", "Unknown value", `unknown("string")`},
		{"unknown meta", "prompt = \"p\"\n  meta = { a = unknown(\"string\") }", "Unknown value", `{ a = unknown("string") }`},
		{"unknown references", "prompt = \"p\"\n  references = [unknown(\"string\")]", "Unknown value", `[unknown("string")]`},
		{"unknown for_each", "for_each = unknown(\"map\")\n  prompt = \"p\"", "Unknown value", `unknown("map")`},
		{"unknown for_each key", "for_each = toset([unknown(\"string\")])\n  prompt = \"p\"", "Unknown value", `toset([unknown("string")])`},
		{"unknown count", "count = unknown(\"number\")\n  prompt = \"p\"", "Unknown value", `unknown("number")`},
		{"null prompt", `prompt = null`, "Missing required argument", "null"},
		{"null count", "count = null\n  prompt = \"p\"", "Invalid count argument", "null"},
		{"null for_each", "for_each = null\n  prompt = \"p\"", "Invalid for_each argument", "null"},
		{"contains with null", `prompt = contains(["a"], null) ? "a" : "b"`, "Invalid function argument", "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "provider \"placeholder\" {}\nimage \"a\" {\n  " + tt.asset + "\n}\n"
			dir := writeConfig(t, map[string]string{"main.sf.hcl": src})
			s := newLoadState(hclparse.NewParser(), dir)
			s.funcs["unknown"] = unknownFunc
			cfg := s.load(Options{})
			if cfg != nil || len(s.diags) != 1 {
				t.Fatalf("want one error, got config %v and %v", cfg != nil, s.diags)
			}
			d := s.diags[0]
			if d.Summary != tt.summary || d.Subject == nil {
				t.Fatalf("got %v, want %q with a range", d, tt.summary)
			}
			if got := src[d.Subject.Start.Byte:d.Subject.End.Byte]; got != tt.attr {
				t.Errorf("the error covers %q, want %q", got, tt.attr)
			}
		})
	}
}

// TestNullOptionalArgument checks that null means "not given", as in
// Terraform: the default path and no meta.
func TestNullOptionalArgument(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, map[string]string{"main.sf.hcl": "provider \"placeholder\" {}\nimage \"a\" {\n  prompt = \"p\"\n  path = null\n  meta = null\n  size = null\n}\n"})
	cfg := mustLoad(t, dir, Options{})
	a := cfg.Asset("image.a")
	if size, _ := a.Attrs.String("size"); a.Path != "a.jpeg" || a.Meta != nil || size != "1024x1024" {
		t.Errorf("got path %q, meta %s, size %q; want the defaults", a.Path, a.Meta, size)
	}
}

// TestCountAndForEachWording checks count and for_each errors against
// what terraform plan 1.11.4 said for the same arguments.
func TestCountAndForEachWording(t *testing.T) {
	t.Parallel()
	tests := []struct{ attr, summary, detail string }{
		{`count = -1`, "Invalid count argument", `The given "count" argument value is unsuitable: must be greater than or equal to zero.`},
		{`count = 1.5`, "Invalid count argument", `The given "count" argument value is unsuitable: value must be a whole number, between -9223372036854775808 and 9223372036854775807.`},
		{`count = "x"`, "Incorrect value type", "Invalid expression value: a number is required."},
		{`count = [1]`, "Incorrect value type", "Invalid expression value: number required."},
		{`for_each = ["a"]`, "Invalid for_each argument", `The given "for_each" argument value is unsuitable: the "for_each" argument must be a map, or set of strings, and you have provided a value of type tuple.`},
		{`for_each = toset([1])`, "Invalid for_each set argument", `The given "for_each" argument value is unsuitable: "for_each" supports maps and sets of strings, but you have provided a set containing type number.`},
		{`for_each = toset(["a", null])`, "Invalid for_each set argument", `The given "for_each" argument value is unsuitable: "for_each" sets must not contain null values.`},
		{`for_each = sensitive(toset(["a"]))`, "Invalid for_each argument", "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key."},
	}
	for _, tt := range tests {
		t.Run(tt.attr, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, map[string]string{"main.sf.hcl": "provider \"placeholder\" {}\nimage \"a\" {\n  " + tt.attr + "\n  prompt = \"p\"\n}\n"})
			_, diags := NewLoader().Load(dir, Options{})
			if len(diags) != 1 || diags[0].Summary != tt.summary || diags[0].Detail != tt.detail {
				t.Errorf("got %v\nwant %s: %s", diags, tt.summary, tt.detail)
			}
		})
	}
}
