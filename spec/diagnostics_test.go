package spec

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// TestDiagnosticDetails checks that the messages the fixtures only match
// by summary say what the user needs: the members of a cycle, where each
// reference is, how to give a missing variable.
func TestDiagnosticDetails(t *testing.T) {
	tests := []struct {
		name    string
		config  string
		summary string
		// want holds substrings of the detail; {file} stands for the
		// path of main.sf.hcl.
		want []string
	}{
		{
			name:    "locals cycle",
			config:  "locals {\n  a = \"${local.b}!\"\n  b = \"${local.a}?\"\n}\n",
			summary: "Cycle in local values",
			want:    []string{"local.a -> local.b -> local.a"},
		},
		{
			name:    "locals cycle of three",
			config:  "locals {\n  x = local.y\n  y = local.z\n  z = \"${local.x}\"\n}\n",
			summary: "Cycle in local values",
			want:    []string{"local.x -> local.y -> local.z -> local.x"},
		},
		{
			name:    "local refers to itself",
			config:  "locals {\n  c = local.c\n}\n",
			summary: "Self-referencing local value",
			want:    []string{"Local value local.c cannot use its own result as part of its expression."},
		},
		{
			name: "asset cycle",
			config: `image "a" {
  prompt     = "a"
  references = [image.b.file]
}
image "b" {
  prompt     = "b"
  depends_on = [image.a]
}
`,
			summary: "Dependency cycle",
			want: []string{
				"image.a -> image.b -> image.a",
				"image.a refers to image.b at {file}:4:17",
				"image.b refers to image.a at {file}:8:17",
			},
		},
		{
			name:    "asset refers to itself",
			config:  "image \"self\" {\n  prompt = \"self ${image.self.file}\"\n}\n",
			summary: "Dependency cycle",
			want:    []string{"image.self -> image.self.", "image.self refers to image.self at {file}:3:20"},
		},
		{
			name:    "missing variable",
			config:  "variable \"style\" {\n  type = string\n}\n",
			summary: "No value for required variable",
			want: []string{
				`"style"`, `-var="style=..."`, "-var-file=FILE", "seedform.sfvars.hcl",
				"*.auto.sfvars.hcl", "SEEDFORM_VAR_style",
			},
		},
		{
			name:    "max_images over the limit",
			config:  "image_set \"s\" {\n  model      = \"doubao-seedream-4-0-250828\"\n  prompt     = \"x\"\n  max_images = 16\n}\n",
			summary: "Invalid max_images for seedream-4.0",
			want:    []string{"max_images must be in [1, 15], got 16"},
		},
		{
			name:    "references plus max_images over the limit",
			config:  "image_set \"s\" {\n  model      = \"doubao-seedream-4-0-250828\"\n  prompt     = \"x\"\n  references = [for i in range(14) : \"https://example.com/${i}.png\"]\n  max_images = 2\n}\n",
			summary: "Invalid max_images for seedream-4.0",
			want:    []string{"reference images plus max_images must be at most 15, got 14 + 2"},
		},
		{
			name:    "undeclared asset instance in depends_on",
			config:  "image \"hero\" {\n  prompt = \"x\"\n}\nimage \"poster\" {\n  prompt     = \"y\"\n  depends_on = [image.hero[\"big\"]]\n}\n",
			summary: "Reference to undeclared asset instance",
			want:    []string{`image.hero has no instance ["big"]: it has neither count nor for_each.`},
		},
		{
			name:    "undeclared counted instance in depends_on",
			config:  "image \"tile\" {\n  count  = 2\n  prompt = \"x\"\n}\nimage \"poster\" {\n  prompt     = \"y\"\n  depends_on = [image.tile[5]]\n}\n",
			summary: "Reference to undeclared asset instance",
			want:    []string{"image.tile has no instance [5]."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeConfig(t, map[string]string{"main.sf.hcl": "provider \"placeholder\" {}\n" + tt.config})
			_, diags := NewLoader().Load(dir, Options{})
			file := filepath.Join(dir, "main.sf.hcl")
			found := false
			for _, d := range diags {
				if d.Summary != tt.summary {
					continue
				}
				found = true
				for _, w := range tt.want {
					if w = strings.ReplaceAll(w, "{file}", file); !strings.Contains(d.Detail, w) {
						t.Errorf("detail %q lacks %q", d.Detail, w)
					}
				}
			}
			if !found {
				t.Fatalf("no %q diagnostic in %s", tt.summary, diags)
			}
		})
	}
}

// span renders a range as line:column-line:column, or "none".
func span(r *hcl.Range) string {
	if r == nil {
		return "none"
	}
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column)
}

// TestReferenceDiagnosticRanges checks that an error about a reference
// to an asset has the reference as Subject and the attribute holding it
// as Context, and that a cycle is reported at each of its references.
func TestReferenceDiagnosticRanges(t *testing.T) {
	type located struct{ Summary, Subject, Context string }
	tests := []struct {
		name   string
		config string
		want   []located
	}{
		{
			name: "cycle",
			config: `provider "placeholder" {}
image "a" {
  prompt     = "a"
  references = [image.b.file]
}
image "b" {
  prompt = "b"
  depends_on = [
    image.a,
  ]
}
`,
			want: []located{
				{"Dependency cycle", "4:17-4:29", "4:3-4:30"},
				{"Dependency cycle", "9:5-9:12", "8:3-10:4"},
			},
		},
		{
			name: "cycle through instances",
			config: `provider "placeholder" {}
image "tile" {
  count  = 2
  prompt = "tile ${image.edge.file}"
}
image "edge" {
  prompt = "x"
  meta = {
    after = image.tile[1].file
  }
}
`,
			want: []located{
				{"Dependency cycle", "9:13-9:31", "8:3-10:4"},
				{"Dependency cycle", "4:20-4:35", "4:3-4:37"},
			},
		},
		{
			name: "unknown assets",
			config: `provider "placeholder" {}
image "hero" {
  prompt = "x"
}
image "poster" {
  prompt     = "y ${image.heor.file}"
  depends_on = [image_set.board]
}
image "quoted" {
  prompt     = "y"
  depends_on = [image.hero, "image.hero"]
}
image "instance" {
  prompt     = "y"
  depends_on = [image.hero[0]]
}
`,
			want: []located{
				{"Reference to undeclared asset", "6:21-6:36", "6:3-6:38"},
				{"Reference to undeclared asset", "7:17-7:32", "7:3-7:33"},
				{"Invalid depends_on reference", "11:29-11:41", "11:3-11:42"},
				{"Reference to undeclared asset instance", "15:17-15:30", "15:3-15:31"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeConfig(t, map[string]string{"main.sf.hcl": tt.config})
			_, diags := NewLoader().Load(dir, Options{})
			var got []located
			for _, d := range diags {
				got = append(got, located{d.Summary, span(d.Subject), span(d.Context)})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\n%s", diff, diags)
			}
		})
	}
}
