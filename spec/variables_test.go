package spec

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestVariableDiagnostics checks Terraform's rules and wording for
// variable values: where each error points (the value where a file wrote
// it, the declaration for -var and the environment), nullable, ephemeral,
// and -var parsing.
func TestVariableDiagnostics(t *testing.T) {
	t.Parallel()
	const config = `provider "placeholder" {}
variable "style" {
  type    = string
  default = "ink"
  validation {
    condition     = contains(["watercolor", "ink"], var.style)
    error_message = "style must be watercolor or ink."
  }
}
variable "strict" {
  type     = string
  nullable = false
  default  = "kept"
}
variable "required_strict" {
  type     = string
  nullable = false
  default  = "x"
}
variable "tags" {
  type    = list(string)
  default = []
}
image "a" {
  prompt = "${var.style} ${var.strict}"
}
`
	tests := []struct {
		name     string
		files    map[string]string
		opts     Options
		summary  string
		subject  string // "file:line" the error points at
		inDetail string
	}{
		{
			name: "validation of a file value points at the value", files: map[string]string{"seedform.sfvars.hcl": `style = "neon"`},
			summary: "Invalid value for variable", subject: "seedform.sfvars.hcl:1",
			inDetail: "style must be watercolor or ink.\n\nThis was checked by the validation rule at " + "main.sf.hcl:5,3-13.",
		},
		{
			name: "validation of a -var value points at the declaration", opts: Options{Vars: []string{"style=neon"}},
			summary: "Invalid value for variable", subject: "main.sf.hcl:2",
		},
		{
			name: "a wrong type from a file", files: map[string]string{"x.auto.sfvars.hcl": `tags = "a"`},
			summary: "Invalid value for input variable", subject: "x.auto.sfvars.hcl:1",
			inDetail: "The given value is not suitable for var.tags declared at ",
		},
		{
			name: "a wrong type from the environment", opts: Options{Env: []string{"SEEDFORM_VAR_tags=1"}},
			summary: "Invalid value for input variable", subject: "main.sf.hcl:20",
			inDetail: "Unsuitable value for var.tags set using the SEEDFORM_VAR_tags environment variable: list of string required.",
		},
		{
			name: "a -var that does not parse", opts: Options{Vars: []string{"tags=[1,"}},
			summary: "Invalid value for input variable", subject: "main.sf.hcl:20",
			inDetail: `Unsuitable value for var.tags set using -var="tags=...": Missing expression`,
		},
		{
			name:    "a condition may use other variables and locals; a default is blamed at the declaration",
			files:   map[string]string{"c.sf.hcl": "variable \"a\" {\n  default = \"x\"\n  validation {\n    condition     = var.a != var.b && var.a != local.l\n    error_message = \"a must differ from ${var.b} and ${local.l}\"\n  }\n}\nvariable \"b\" {\n  default = \"x\"\n}\nlocals {\n  l = \"z\"\n}\n"},
			summary: "Invalid value for variable", subject: "c.sf.hcl:1",
			inDetail: "a must differ from x and z\n\nThis was checked by the validation rule at c.sf.hcl:3,3-13.",
		},
		{
			name: "ephemeral is refused", files: map[string]string{"e.sf.hcl": "variable \"e\" {\n  ephemeral = true\n  default = 1\n}\n"},
			summary: "Ephemeral variables are not supported", subject: "e.sf.hcl:2",
		},
		{
			name: "a null default with nullable = false", files: map[string]string{"n.sf.hcl": "variable \"n\" {\n  nullable = false\n  default  = null\n}\n"},
			summary: "Invalid default value for variable", subject: "n.sf.hcl:3",
			inDetail: "A null default value is not valid when nullable=false.",
		},
		{
			name: "null for nullable = false without a default", files: map[string]string{"n.sf.hcl": "variable \"n\" {\n  nullable = false\n}\n", "n.auto.sfvars.hcl": "n = null\n"},
			summary: "Required variable not set", subject: "n.auto.sfvars.hcl:1",
			inDetail: "required variable may not be set to null",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{"main.sf.hcl": config}
			for k, v := range tt.files {
				files[k] = v
			}
			dir := writeConfig(t, files)
			_, diags := NewLoader().Load(dir, tt.opts)
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got %v", diags)
			}
			d := diags[0]
			if d.Summary != tt.summary || d.Subject == nil {
				t.Fatalf("got %v, want %q", d, tt.summary)
			}
			rel, _ := filepath.Rel(dir, d.Subject.Filename)
			if got := rel + ":" + itoa(d.Subject.Start.Line); got != tt.subject {
				t.Errorf("points at %s, want %s", got, tt.subject)
			}
			if !strings.Contains(strings.ReplaceAll(d.Detail, dir+string(os.PathSeparator), ""), tt.inDetail) {
				t.Errorf("detail %q does not say %q", d.Detail, tt.inDetail)
			}
		})
	}
}

// TestNullableFalseTakesDefault: a null given for a variable with
// nullable = false is its default, as in Terraform.
func TestNullableFalseTakesDefault(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, map[string]string{
		"main.sf.hcl":         "provider \"placeholder\" {}\nvariable \"v\" {\n  nullable = false\n  default = \"d\"\n}\nimage \"a\" {\n  prompt = var.v\n}\n",
		"seedform.sfvars.hcl": "v = null\n",
	})
	if got := mustLoad(t, dir, Options{}).Asset("image.a").Prompt; got != "d" {
		t.Errorf("prompt = %q, want the default", got)
	}
}

// TestFileFunctionErrors: a file function's error names the path as
// written, never the absolute path, and points at the argument.
func TestFileFunctionErrors(t *testing.T) {
	t.Parallel()
	src := "provider \"placeholder\" {}\nimage \"a\" {\n  prompt = file(\"notes/missing.txt\")\n}\n"
	dir := writeConfig(t, map[string]string{"main.sf.hcl": src})
	_, diags := NewLoader().Load(dir, Options{})
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %v", diags)
	}
	d := diags[0]
	if d.Summary != "Invalid function argument" || strings.Contains(d.Detail, dir) || !strings.Contains(d.Detail, `no file exists at "notes/missing.txt"`) {
		t.Errorf("got %s: %s", d.Summary, d.Detail)
	}
	if got := src[d.Subject.Start.Byte:d.Subject.End.Byte]; got != "notes/missing.txt" {
		t.Errorf("the error points at %q, want the argument", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestDeclarationWording checks errors in variable and locals blocks
// against what terraform validate 1.11.4 said for the same blocks.
func TestDeclarationWording(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, summary, detail string }{
		{"variable \"a\" {\n  type = \"string\"\n  default = \"x\"\n}\n", "Invalid quoted type constraints",
			`Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around "string".`},
		{"variable \"a\" {\n  sensitive = \"yes\"\n  default = \"x\"\n}\n", "Unsuitable value type", "Unsuitable value: a bool is required"},
		{"variable \"a\" {\n  nullable = 1\n  default = \"x\"\n}\n", "Unsuitable value type", "Unsuitable value: bool required"},
		{"variable \"a\" {\n  foo = 1\n}\n", "Unsupported argument", `An argument named "foo" is not expected here.`},
		{"variable \"1a\" {\n  default = 1\n}\n", "Invalid variable name", "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes."},
		{"variable \"a\" {\n  default = \"x\"\n  validation {\n    condition = length(var.b) > 0\n    error_message = \"m\"\n  }\n}\nvariable \"b\" {\n  default = \"y\"\n}\n",
			"Invalid variable validation condition", `The condition for variable "a" must refer to var.a in order to test incoming values.`},
		{"locals {\n  a = local.a\n}\n", "Self-referencing local value", "Local value local.a cannot use its own result as part of its expression."},
		{"locals {\n  a = local.b\n}\n", "Reference to undeclared local value", `A local value with the name "b" has not been declared. Did you mean "a"?`},
		{"locals {\n  a = 1 + \"x\"\n}\n", "Invalid operand", "Unsuitable value for right operand: a number is required."},
	}
	for _, tt := range tests {
		t.Run(tt.summary, func(t *testing.T) {
			t.Parallel()
			dir := writeConfig(t, map[string]string{"main.sf.hcl": "provider \"placeholder\" {}\n" + tt.src})
			_, diags := NewLoader().Load(dir, Options{})
			if len(diags) != 1 || diags[0].Summary != tt.summary || diags[0].Detail != tt.detail {
				t.Errorf("got %v\nwant %s: %s", diags, tt.summary, tt.detail)
			}
		})
	}
}
