package spec

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkLoad10k is one for_each over 10,000 keys: the budget is 300 ms.
func BenchmarkLoad10k(b *testing.B) {
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = fmt.Sprintf("%q", fmt.Sprintf("k%05d", i))
	}
	dir := writeConfig(b, map[string]string{"keys.json": "[" + strings.Join(keys, ",") + "]", "main.sf.hcl": `
provider "placeholder" {}

variable "style" {
  default = "watercolor"
}

locals {
  keys = jsondecode(file("keys.json"))
}

image "hero" {
  prompt = "A lighthouse, ${var.style}"
  size   = "256x256"
}

image "tile" {
  for_each   = toset(local.keys)
  prompt     = "Tile ${each.key}, ${var.style}"
  size       = "64x64"
  references = [image.hero.file]
  meta       = { key = each.key }
}
`})
	benchLoad(b, dir, 10001)
}

// BenchmarkLoad10kBlocks is 10,000 separate image blocks: the budget is 1 s.
func BenchmarkLoad10kBlocks(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("provider \"placeholder\" {}\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "image \"img%05d\" {\n  prompt = \"Image number %d\"\n  size   = \"64x64\"\n  path   = \"img/%05d.png\"\n}\n", i, i, i)
	}
	dir := writeConfig(b, map[string]string{"main.sf.hcl": sb.String()})
	benchLoad(b, dir, 10000)
}

// benchLoad also reports the process CPU time per load (cpu-ms/op): on a
// shared 2-core CI runner wall time varies with the neighbours' load.
func benchLoad(b *testing.B, dir string, assets int) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		cfg, diags := NewLoader().Load(dir, Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(cfg.Assets) != assets {
			b.Fatalf("got %d assets, want %d", len(cfg.Assets), assets)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}
