package spec

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
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

// Dependencies are per instance: an instance depends on the instances its
// own values use, so that a change cascades only where it is used. A
// reference whose value carries no output, and depends_on, stand for
// every instance they name.
func TestPerInstanceDependencies(t *testing.T) {
	t.Parallel()
	dir := writeConfig(t, map[string]string{"main.sf.hcl": `
provider "placeholder" {}
locals {
  keys = toset(["a", "b", "c"])
}
image "base" {
  for_each = local.keys
  prompt   = "base ${each.key}"
}
image "derived" {
  for_each   = local.keys
  prompt     = "derived ${each.key}"
  references = [image.base[each.key].file]
}
image "by_prompt" {
  for_each = local.keys
  prompt   = "see ${image.base[each.key].file}"
}
image "counted" {
  for_each = local.keys
  prompt   = "${length(image.base)} bases"
}
image "declared" {
  for_each   = local.keys
  prompt     = "declared ${each.key}"
  references = [image.base[each.key].file]
  depends_on = [image.base]
}
image "one" {
  prompt     = "one"
  references = [image.derived["b"].file]
}
`})
	cfg := mustLoad(t, dir, Options{})
	all := []string{`image.base["a"]`, `image.base["b"]`, `image.base["c"]`}
	for addr, want := range map[string][]string{
		`image.derived["a"]`:   {`image.base["a"]`},
		`image.derived["c"]`:   {`image.base["c"]`},
		`image.by_prompt["b"]`: {`image.base["b"]`},
		`image.counted["a"]`:   all,
		`image.declared["b"]`:  all,
		`image.one`:            {`image.derived["b"]`},
		`image.base["a"]`:      nil,
	} {
		if diff := cmp.Diff(want, cfg.Asset(addr).DependsOn); diff != "" {
			t.Errorf("%s depends on (-want +got):\n%s", addr, diff)
		}
	}
}

// TestReferenceRequestSize: local references are sent inline, and a
// request they would make too large fails at validate, on references.
func TestReferenceRequestSize(t *testing.T) {
	t.Parallel()
	// A PNG whose header says 64x64, padded to 17 MB: the API reads
	// the header, the request carries every byte.
	ihdr := []byte("IHDR\x00\x00\x00\x40\x00\x00\x00\x40\x08\x00\x00\x00\x00")
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(ihdr))
	big := "\x89PNG\r\n\x1a\n\x00\x00\x00\x0d" + string(ihdr) + string(sum[:]) + strings.Repeat("\x00", 17<<20)
	dir := writeConfig(t, map[string]string{
		"main.sf.hcl": `provider "seedream" {}
image "two" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = ["a.png", "b.png"]
}
image "three" {
  model      = "doubao-seedream-4-5-251128"
  prompt     = "x"
  references = ["a.png", "b.png", "c.png"]
}
`,
		"a.png": big, "b.png": big, "c.png": big,
	})
	_, diags := NewLoader().Load(dir, Options{})
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%d: %s", d.Subject.Start.Line, d.Summary))
	}
	if want := []string{"10: Request too large"}; !cmp.Equal(want, got) {
		t.Errorf("diagnostics %q, want %q", got, want)
	}
	if len(diags) == 1 && !strings.Contains(diags[0].Detail, "image.three") {
		t.Errorf("%q does not name the asset", diags[0].Detail)
	}
}
