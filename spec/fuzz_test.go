package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary file contents to the loader: it must never
// panic, and it returns a Config exactly when there is no error.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"../examples/quickstart/main.sf.hcl",
		"testdata/valid/language/main.sf.hcl",
		"testdata/invalid/asset_cycle/main.sf.hcl",
		"testdata/invalid/model_rules/main.sf.hcl",
		"testdata/invalid/asset_reference_unknown/main.sf.hcl",
	} {
		b, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`image "x" { for_each = {a = 1} prompt = "${each.value}" references = [image.x["a"].file] }`))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.sf.hcl"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, diags := NewLoader().Load(dir, Options{})
		if (cfg == nil) != diags.HasErrors() {
			t.Fatalf("Config %v with diagnostics %s", cfg != nil, diags)
		}
	})
}
