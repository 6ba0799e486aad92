package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"testing"

	"github.com/seedform/seedform/schema"
)

// legacyHashInput is the struct every spec hash was made from before
// provider types described their own attributes, copied here unchanged:
// a lock entry written then must keep its hash, or every user's images
// would be paid for again.
type legacyHashInput struct {
	ProviderType   string      `json:"provider_type"`
	Model          string      `json:"model,omitempty"`
	Prompt         string      `json:"prompt"`
	Size           string      `json:"size,omitempty"`
	Seed           *int64      `json:"seed,omitempty"`
	GuidanceScale  *float64    `json:"guidance_scale,omitempty"`
	Watermark      bool        `json:"watermark"`
	OutputFormat   string      `json:"output_format"`
	MaxImages      int         `json:"max_images,omitempty"`
	OptimizePrompt string      `json:"optimize_prompt,omitempty"`
	Thinking       string      `json:"thinking,omitempty"`
	WebSearch      bool        `json:"web_search,omitempty"`
	References     []HashedRef `json:"references,omitempty"`
}

func (in legacyHashInput) hash(t *testing.T) string {
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// TestSpecHashUnchangedForExistingProviders loads Seedream and placeholder
// assets using every attribute the old hash covered, and checks that each
// spec hash is the one the old struct gave, and that the request the lock
// stores reads back to the same hash.
func TestSpecHashUnchangedForExistingProviders(t *testing.T) {
	t.Parallel()
	const config = `
provider "seedream" {}
provider "placeholder" {}

image "all_fields" {
  model           = "doubao-seedream-5-0-260128"
  prompt          = "Fish & chips <b>bold</b> \u2028 \"quoted\""
  size            = "2048x2048"
  watermark       = false
  output_format   = "jpeg"
  optimize_prompt = "standard"
  stream          = true
  references      = ["refs/a.png", "https://example.com/r.png", image.plain.file]
}

image "plain" {
  provider = placeholder
  prompt   = "A lighthouse"
}

image "searching" {
  model      = "doubao-seedream-5-0-lite-260128"
  prompt     = "today's weather in Paris"
  size       = "2K"
  web_search = true
  thinking   = "auto"
}

image "seeded" {
  model          = "doubao-seedream-3-0-t2i-250415"
  prompt         = "seeded"
  seed           = 2147483647
  guidance_scale = 7.5
}

image "zero_seed" {
  model          = "doubao-seedream-3-0-t2i-250415"
  prompt         = "seed zero"
  seed           = 0
  guidance_scale = 3
  path           = "zero.jpg"
}

image_set "board" {
  provider   = placeholder
  model      = "doubao-seedream-4-5-251128"
  prompt     = "Four panels"
  max_images = 4
  dir        = "board"
}

image "endpoint" {
  model        = "ep-20250101-abc"
  model_family = "seedream-5.0"
  prompt       = "an endpoint"
  size         = "2K"
  path         = "endpoint.png"
}

image "sized" {
  provider = placeholder
  prompt   = "thumbnail"
  size     = "64x32"
  path     = "sized.png"
}
`
	var png bytes.Buffer
	if err := pngEncode(&png, 32, 32); err != nil {
		t.Fatal(err)
	}
	dir := writeConfig(t, map[string]string{"main.sf.hcl": config, "refs/a.png": png.String()})
	cfg := mustLoad(t, dir, Options{})
	ptr := func(n int64) *int64 { return &n }
	fl := func(f float64) *float64 { return &f }
	sumA := sha256.Sum256(png.Bytes())
	refA := hex.EncodeToString(sumA[:])
	want := map[string]legacyHashInput{
		"image.all_fields": {ProviderType: "seedream", Model: "doubao-seedream-5-0-260128",
			Prompt: "Fish & chips <b>bold</b> \u2028 \"quoted\"", Size: "2048x2048",
			OutputFormat: "jpeg", OptimizePrompt: "standard",
			References: []HashedRef{{SHA256: refA}, {URL: "https://example.com/r.png"}, {Asset: "image.plain"}}},
		"image.plain": {ProviderType: "placeholder", Prompt: "A lighthouse", Size: "1024x1024", Watermark: true, OutputFormat: "jpeg"},
		"image.searching": {ProviderType: "seedream", Model: "doubao-seedream-5-0-lite-260128", Prompt: "today's weather in Paris",
			Size: "2K", Watermark: true, OutputFormat: "jpeg", Thinking: "auto", WebSearch: true},
		"image.seeded": {ProviderType: "seedream", Model: "doubao-seedream-3-0-t2i-250415", Prompt: "seeded",
			Seed: ptr(2147483647), GuidanceScale: fl(7.5), Watermark: true, OutputFormat: "jpeg"},
		"image.zero_seed": {ProviderType: "seedream", Model: "doubao-seedream-3-0-t2i-250415", Prompt: "seed zero",
			Seed: ptr(0), GuidanceScale: fl(3), Watermark: true, OutputFormat: "jpeg"},
		"image_set.board": {ProviderType: "placeholder", Model: "doubao-seedream-4-5-251128", Prompt: "Four panels",
			Watermark: true, OutputFormat: "jpeg", MaxImages: 4},
		"image.endpoint": {ProviderType: "seedream", Model: "ep-20250101-abc", Prompt: "an endpoint", Size: "2K",
			Watermark: true, OutputFormat: "png"},
		"image.sized": {ProviderType: "placeholder", Prompt: "thumbnail", Size: "64x32", Watermark: true, OutputFormat: "png"},
	}
	if len(cfg.Assets) != len(want) {
		t.Fatalf("loaded %d assets, want %d", len(cfg.Assets), len(want))
	}
	for _, a := range cfg.Assets {
		legacy, ok := want[a.Addr]
		if !ok {
			t.Errorf("unexpected asset %s", a.Addr)
			continue
		}
		if got, w := a.SpecHash, legacy.hash(t); got != w {
			got, _ := a.Request().MarshalJSON()
			old, _ := json.Marshal(legacy)
			t.Errorf("%s: spec hash changed\n new %s\n old %s", a.Addr, got, old)
			continue
		}
		// An existing lock entry holds the old struct as the lock wrote
		// it: indented, HTML characters unescaped. Read back, it must hash
		// the same and equal the request the config makes now.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("    ", "  ")
		if err := enc.Encode(legacy); err != nil {
			t.Fatal(err)
		}
		var stored schema.Values
		if err := json.Unmarshal(buf.Bytes(), &stored); err != nil {
			t.Fatalf("%s: reading the lock's spec: %v", a.Addr, err)
		}
		if got := stored.Hash(); got != a.SpecHash {
			t.Errorf("%s: the lock's spec hashes to %s, want %s", a.Addr, got, a.SpecHash)
		}
		if !stored.Equal(a.Request()) {
			t.Errorf("%s: the lock's spec differs from the request", a.Addr)
		}
	}
}

// pngEncode writes a w x h grey PNG: a reference image the API takes.
func pngEncode(w io.Writer, width, height int) error {
	img := image.NewGray(image.Rect(0, 0, width, height))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	return png.Encode(w, img)
}
