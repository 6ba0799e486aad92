package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An asset named by index, image["hero"], is a reference image as
// image.hero is: the same References entry and the same dependency.
func TestIndexedAssetReference(t *testing.T) {
	for _, ref := range []string{`image.hero.file`, `image["hero"].file`} {
		t.Run(ref, func(t *testing.T) {
			dir := writeConfig(t, map[string]string{"main.sf.hcl": `
provider "placeholder" {}
image "hero" {
  prompt = "hero"
}
image "b" {
  prompt     = "b"
  references = [` + ref + `]
}
`})
			b := mustLoad(t, dir, Options{}).Asset("image.b")
			if diff := cmp.Diff([]Reference{{Asset: "image.hero"}}, b.References); diff != "" {
				t.Errorf("references (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"image.hero"}, b.DependsOn); diff != "" {
				t.Errorf("depends on (-want +got):\n%s", diff)
			}
		})
	}
}

// A block picked by a computed key, image[var.pick], may be any image but
// the one referring to it: that is no cycle unless the pick is the block
// itself; a cycle between two blocks is still one.
func TestComputedAssetReference(t *testing.T) {
	const config = `
provider "placeholder" {}
variable "pick" {
  default = "hero"
}
image "hero" {
  prompt = "hero"
}
image "b" {
  prompt     = "b"
  references = [image[var.pick].file]
}
`
	dir := writeConfig(t, map[string]string{"main.sf.hcl": config})
	b := mustLoad(t, dir, Options{}).Asset("image.b")
	if diff := cmp.Diff([]Reference{{Asset: "image.hero"}}, b.References); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"image.hero"}, b.DependsOn); diff != "" {
		t.Errorf("depends on (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		name, config string
		opts         Options
		want         []string
	}{
		{"pick itself", config, Options{Vars: []string{"pick=b"}}, []string{"image.b -> image.b"}},
		{"two blocks", `
provider "placeholder" {}
variable "pick" {
  default = "b"
}
image "a" {
  prompt     = "a"
  references = [image[var.pick].file]
}
image "b" {
  prompt     = "b"
  references = [image.a.file]
}
`, Options{}, []string{"image.a -> image.b -> image.a", "image.b -> image.a -> image.b"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeConfig(t, map[string]string{"main.sf.hcl": tt.config})
			_, diags := NewLoader().Load(dir, tt.opts)
			found := false
			for _, d := range diags {
				if d.Summary != "Dependency cycle" {
					t.Errorf("unexpected diagnostic: %s", d)
					continue
				}
				found = true
				if !containsAny(d.Detail, tt.want) {
					t.Errorf("cycle detail %q names none of %q", d.Detail, tt.want)
				}
			}
			if !found {
				t.Errorf("no Dependency cycle reported; diagnostics: %v", diags)
			}
		})
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
