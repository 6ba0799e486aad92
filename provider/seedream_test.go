package provider

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// TestMarkLost: only an answer whose every download failed for good is
// given up; anything that may work later keeps it recoverable.
func TestMarkLost(t *testing.T) {
	expired := &seedream.Error{Op: "download", StatusCode: 403, Code: "AccessDenied"}
	tooLarge := &seedream.Error{Op: "download", Message: "image too large"}
	flaky := &seedream.Error{Op: "download", StatusCode: 503, Transient: true}
	cancelled := &seedream.Error{Op: "download", Err: context.Canceled}
	wrap := func(errs ...error) error {
		return &seedream.Error{Op: "generate", Message: "downloading the images failed", Err: errors.Join(errs...)}
	}
	tests := []struct {
		name string
		err  error
		lost bool
	}{
		{"no error", nil, false},
		{"a generation error", &seedream.Error{Op: "generate", StatusCode: 400, Code: "InvalidParameter"}, false},
		{"an expired URL", wrap(expired), true},
		{"every download for good", wrap(expired, tooLarge), true},
		{"a recovery's own download", expired, true},
		{"one download may work later", wrap(expired, flaky), false},
		{"cancelled mid-download", wrap(cancelled), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markLost(tt.err)
			if lost := errors.Is(got, ErrAnswerLost); lost != tt.lost {
				t.Errorf("lost = %v, want %v", lost, tt.lost)
			}
			if tt.err != nil && got.Error() != tt.err.Error() {
				t.Errorf("message changed: %q, want %q", got, tt.err)
			}
			if tt.err != nil && !errors.Is(got, tt.err) {
				t.Errorf("the cause is no longer reachable with errors.Is")
			}
		})
	}
}

const fakeKey = "sk-provider-test-key"

// fakeSeedream starts the fake API and returns it with a provider of it.
func fakeSeedream(t *testing.T, edit func(*seedream.Config)) (*seedreamtest.Server, *Seedream) {
	t.Helper()
	srv := seedreamtest.New()
	t.Cleanup(srv.Close)
	srv.SetAPIKey(fakeKey)
	cfg := seedream.Config{BaseURL: srv.BaseURL(), APIKey: fakeKey, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}
	if edit != nil {
		edit(&cfg)
	}
	c, err := seedream.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, NewSeedream(c)
}

// writeReference writes a w x h PNG of one grey level and returns its
// path and the data URI the API must receive for it: the file's own
// bytes, base64-encoded.
func writeReference(t *testing.T, name string, w, h int, grey uint8) (path, dataURI string) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = grey
	}
	img.SetGray(0, 0, color.Gray{Y: ^grey}) // no two references alike
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func ptrTo[T any](v T) *T { return &v }

// TestSeedreamRequests generates assets of every model through the fake
// and compares the request body it received with what the asset asks
// for, field by field.
func TestSeedreamRequests(t *testing.T) {
	refA, uriA := writeReference(t, "a.png", 64, 48, 0x20)
	refB, uriB := writeReference(t, "b.png", 40, 40, 0xc0)
	const styleURL = "https://cdn.example.com/style.png?sig=1"
	tests := []struct {
		name  string
		asset schema.Asset
		refs  []Ref
		// endpoint, if set, is registered with the fake for the asset's family.
		endpoint   string
		wantBody   map[string]any
		wantImages []string // "WxH format" of each image, by slot
		// wantInputImages and wantToolUsage are the usage the result reports.
		wantInputImages int
		wantToolUsage   map[string]int
	}{{
		name:  "3.0 with seed and guidance_scale",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-3-0-t2i-250415", Prompt: "a cat", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream30), "size", "512x512", "seed", int64(42), "guidance_scale", float64(7.5), "watermark", true)},
		wantBody: map[string]any{"model": "doubao-seedream-3-0-t2i-250415", "prompt": "a cat", "size": "512x512",
			"seed": 42.0, "guidance_scale": 7.5, "watermark": true},
		wantImages: []string{"512x512 jpeg"},
	}, {
		name:  "seededit with one local reference",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seededit-3-0-i2i-250628", Prompt: "make it blue", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.SeedEdit30), "size", "adaptive", "seed", int64(-1), "guidance_scale", float64(5.5))},
		refs:  []Ref{{File: refA}},
		wantBody: map[string]any{"model": "doubao-seededit-3-0-i2i-250628", "prompt": "make it blue", "size": "adaptive",
			"image": uriA, "seed": -1.0, "guidance_scale": 5.5, "watermark": false},
		wantImages: []string{"64x48 jpeg"},
	}, {
		name:  "4.0 with two local references and a URL, in order",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-4-0-250828", Prompt: "combine them", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream40), "size", "1K", "optimize_prompt", "fast")},
		refs:  []Ref{{File: refA}, {URL: styleURL}, {File: refB}},
		wantBody: map[string]any{"model": "doubao-seedream-4-0-250828", "prompt": "combine them", "size": "1K",
			"image": []any{uriA, styleURL, uriB}, "watermark": false, "optimize_prompt_options": map[string]any{"mode": "fast"}},
		wantImages: []string{"1024x1024 jpeg"},
	}, {
		name:  "5.0 with output_format png",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-5-0-260128", Prompt: "an icon", OutputFormat: "png", Attrs: attrs("model_family", string(seedream.Seedream50), "size", "1920x1920", "watermark", true)},
		wantBody: map[string]any{"model": "doubao-seedream-5-0-260128", "prompt": "an icon", "size": "1920x1920",
			"output_format": "png", "watermark": true},
		wantImages: []string{"1920x1920 png"},
	}, {
		name:     "5.0 endpoint id takes output_format by its family",
		asset:    schema.Asset{Kind: schema.KindImage, Model: "ep-20260101-icons", Prompt: "an icon", OutputFormat: "png", Attrs: attrs("model_family", string(seedream.Seedream50), "size", "1920x1920")},
		endpoint: "ep-20260101-icons",
		wantBody: map[string]any{"model": "ep-20260101-icons", "prompt": "an icon", "size": "1920x1920",
			"output_format": "png", "watermark": false},
		wantImages: []string{"1920x1920 png"},
	}, {
		name:  "5.0 Pro with two references, 1.5K png, thinking",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-5-0-pro-260628", Prompt: "a poster", OutputFormat: "png", Attrs: attrs("model_family", string(seedream.Seedream50Pro), "size", "1.5K", "optimize_prompt", "standard", "thinking", "enabled")},
		refs:  []Ref{{File: refA}, {File: refB}},
		wantBody: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "prompt": "a poster", "size": "1.5K",
			"image": []any{uriA, uriB}, "output_format": "png", "watermark": false,
			"optimize_prompt_options": map[string]any{"mode": "standard", "thinking": "enabled"}},
		wantImages:      []string{"1536x1536 png"},
		wantInputImages: 2,
	}, {
		name:  "5.0 Pro by its BytePlus id",
		asset: schema.Asset{Kind: schema.KindImage, Model: "dola-seedream-5-0-pro-260628", Prompt: "a poster", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream50Pro), "size", "1K")},
		wantBody: map[string]any{"model": "dola-seedream-5-0-pro-260628", "prompt": "a poster", "size": "1K",
			"output_format": "jpeg", "watermark": false},
		wantImages: []string{"1024x1024 jpeg"},
	}, {
		name:  "5.0 Lite alias with web search and thinking alone",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-5-0-lite-260128", Prompt: "today's weather in Paris", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream50), "size", "2K", "web_search", true, "thinking", "auto")},
		wantBody: map[string]any{"model": "doubao-seedream-5-0-lite-260128", "prompt": "today's weather in Paris", "size": "2K",
			"output_format": "jpeg", "watermark": false, "tools": []any{map[string]any{"type": "web_search"}},
			"optimize_prompt_options": map[string]any{"thinking": "auto"}},
		wantImages:    []string{"2048x2048 jpeg"},
		wantToolUsage: map[string]int{"web_search": 1},
	}, {
		name:  "BytePlus 4.0 and 4.5 ids",
		asset: schema.Asset{Kind: schema.KindImageSet, Model: "seedream-4-0-250828", Prompt: "two panels", OutputFormat: "jpeg", MaxImages: 2, Attrs: attrs("model_family", string(seedream.Seedream40), "size", "1K", "optimize_prompt", "fast")},
		wantBody: map[string]any{"model": "seedream-4-0-250828", "prompt": "two panels", "size": "1K", "watermark": false,
			"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 2.0},
			"optimize_prompt_options": map[string]any{"mode": "fast"}},
		wantImages: []string{"1024x1024 jpeg", "1024x1024 jpeg"},
	}, {
		name:       "BytePlus 5.0 Lite png",
		asset:      schema.Asset{Kind: schema.KindImage, Model: "seedream-5-0-260128", Prompt: "an icon", OutputFormat: "png", Attrs: attrs("model_family", string(seedream.Seedream50), "size", "3K", "watermark", true)},
		wantBody:   map[string]any{"model": "seedream-5-0-260128", "prompt": "an icon", "size": "3K", "output_format": "png", "watermark": true},
		wantImages: []string{"3072x3072 png"},
	}, {
		name:  "watermark false is sent, not left to the API's default",
		asset: schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-4-5-251128", Prompt: "a hero", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream45), "size", "2K", "stream", true)},
		wantBody: map[string]any{"model": "doubao-seedream-4-5-251128", "prompt": "a hero", "size": "2K",
			"watermark": false, "stream": true},
		wantImages: []string{"2048x2048 jpeg"},
	}, {
		name:  "image_set asks for a sequential set of max_images",
		asset: schema.Asset{Kind: schema.KindImageSet, Model: "doubao-seedream-4-0-250828", Prompt: "three panels", OutputFormat: "jpeg", MaxImages: 3, Attrs: attrs("model_family", string(seedream.Seedream40), "size", "1K")},
		wantBody: map[string]any{"model": "doubao-seedream-4-0-250828", "prompt": "three panels", "size": "1K",
			"watermark": false, "sequential_image_generation": "auto",
			"sequential_image_generation_options": map[string]any{"max_images": 3.0}},
		wantImages: []string{"1024x1024 jpeg", "1024x1024 jpeg", "1024x1024 jpeg"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, p := fakeSeedream(t, nil)
			if tt.endpoint != "" {
				family, _ := tt.asset.Attrs.String("model_family")
				srv.RegisterEndpoint(tt.endpoint, seedream.Family(family))
			}
			var paid []PaidItem
			res, err := p.Generate(context.Background(), &Request{
				Asset: &tt.asset, References: tt.refs, StageDir: t.TempDir(),
				Paid: func(items []PaidItem) error { paid = append(paid, items...); return nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			want := map[string]any{"response_format": "url"}
			for k, v := range tt.wantBody {
				want[k] = v
			}
			if diff := cmp.Diff(want, reqs[0].Body); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
			var got []string
			for _, im := range res.Images {
				// The file itself, not only what the result says of it.
				w, h, format, err := ProbeFile(im.TempPath)
				if err != nil {
					t.Fatal(err)
				}
				if w != im.Width || h != im.Height || format != im.Format {
					t.Errorf("image %d: the file is %dx%d %s, the result says %dx%d %s", im.Index, w, h, format, im.Width, im.Height, im.Format)
				}
				got = append(got, fmt.Sprintf("%dx%d %s", w, h, format))
			}
			if diff := cmp.Diff(tt.wantImages, got); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
			if reqs[0].ClientRequestID == "" || res.RequestID != reqs[0].RequestID {
				t.Errorf("sent X-Client-Request-Id %q; result request id %q, the server's %q", reqs[0].ClientRequestID, res.RequestID, reqs[0].RequestID)
			}
			for _, it := range paid {
				if it.RequestID != reqs[0].RequestID {
					t.Errorf("paid item %d names request %q, want %q", it.Index, it.RequestID, reqs[0].RequestID)
				}
			}
			if res.InputImages != tt.wantInputImages || !cmp.Equal(res.ToolUsage, tt.wantToolUsage, cmpopts.EquateEmpty()) {
				t.Errorf("usage: %d input images and tools %v, want %d and %v", res.InputImages, res.ToolUsage, tt.wantInputImages, tt.wantToolUsage)
			}
			if len(paid) != len(tt.wantImages) || res.GeneratedImages != len(tt.wantImages) {
				t.Errorf("%d paid items and %d generated images, want %d", len(paid), res.GeneratedImages, len(tt.wantImages))
			}
		})
	}
}

// TestSeedreamConfig checks the client configuration a provider block
// makes, and that max_retries = 0 in HCL means no retries at all.
func TestSeedreamConfig(t *testing.T) {
	p := Instance{Type: "seedream", Parallelism: 6, Settings: attrs("base_url", "https://ark.example.com/api/v3",
		"images_per_minute", 300, "max_retries", 2, "response_format", "b64_json", "max_image_bytes", 1<<20, "timeout", 90)}
	want := seedream.Config{BaseURL: "https://ark.example.com/api/v3", APIKey: "k", Parallelism: 6, ImagesPerMinute: 300,
		MaxRetries: 2, ResponseFormat: "b64_json", MaxImageBytes: 1 << 20, Timeout: 90 * time.Second}
	if diff := cmp.Diff(want, SeedreamConfig(p, "k")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		maxRetries, wantCalls int
	}{{0, 1}, {1, 2}, {3, 4}} {
		srv := seedreamtest.New()
		t.Cleanup(srv.Close)
		srv.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 500, Times: 10})
		cfg := SeedreamConfig(Instance{Type: "seedream", Parallelism: 4, Settings: attrs("base_url", srv.BaseURL(),
			"max_retries", tt.maxRetries, "response_format", "url", "max_image_bytes", 1<<20, "timeout", 30)}, fakeKey)
		cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, time.Millisecond
		c, err := seedream.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		asset := &schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream30), "size", "512x512")}
		_, err = NewSeedream(c).Generate(context.Background(), &Request{Asset: asset, StageDir: t.TempDir()})
		if !seedream.IsTransient(err) || srv.Count() != tt.wantCalls {
			t.Errorf("max_retries = %d: got %v after %d calls, want a 500 after %d", tt.maxRetries, err, srv.Count(), tt.wantCalls)
		}
	}
}

// TestImageFileMode checks that both providers write images readable by
// all: they are renamed as they are into a design repository.
func TestImageFileMode(t *testing.T) {
	asset := &schema.Asset{Kind: schema.KindImage, Addr: "image.x", Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x", OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream30), "size", "512x512")}
	_, sd := fakeSeedream(t, nil)
	for name, p := range map[string]Provider{"seedream": sd, "placeholder": NewPlaceholder()} {
		res, err := p.Generate(context.Background(), &Request{Asset: asset, SpecHash: "sha256:00", StageDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(res.Images[0].TempPath)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want -rw-r--r--", name, st.Mode().Perm())
		}
	}
}

// A reference that is still a Git LFS pointer is refused before anything
// is sent: the API would be paid to draw from a text file.
func TestSeedreamRefusesLFSPointerReference(t *testing.T) {
	t.Parallel()
	srv, p := fakeSeedream(t, nil)
	ptr := filepath.Join(t.TempDir(), "ref.png")
	body := "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("ab", 32) + "\nsize 5000\n"
	if err := os.WriteFile(ptr, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := p.Generate(context.Background(), &Request{
		Asset: &schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-4-0-250828", Prompt: "from the reference", OutputFormat: "jpeg",
			Attrs: attrs("model_family", string(seedream.Seedream40), "size", "1K")},
		References: []Ref{{File: ptr}},
		StageDir:   t.TempDir(),
	})
	if err == nil || !strings.Contains(err.Error(), "Git LFS pointer") || !strings.Contains(err.Error(), "git lfs pull") {
		t.Fatalf("Generate with a pointer reference: %v; want an error saying to fetch it", err)
	}
	if n := srv.Count(); n != 0 {
		t.Errorf("the API got %d request(s)", n)
	}
}

// A 401 names the variable the key came from, and never the key.
func TestSeedreamKeyRefusedNamesTheVariable(t *testing.T) {
	t.Parallel()
	_, p := fakeSeedream(t, func(c *seedream.Config) { c.APIKey = "sk-wrong-one" })
	p.KeyEnv = "MY_ARK_KEY"
	_, err := p.Generate(context.Background(), &Request{
		Asset: &schema.Asset{Kind: schema.KindImage, Model: "doubao-seedream-4-0-250828", Prompt: "x", OutputFormat: "jpeg",
			Attrs: attrs("model_family", string(seedream.Seedream40), "size", "1K")},
		StageDir: t.TempDir(),
	})
	var se *seedream.Error
	if !errors.As(err, &se) || se.StatusCode != 401 {
		t.Fatalf("Generate with a wrong key: %v; want a seedream 401", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "environment variable MY_ARK_KEY was refused") || strings.Contains(msg, "sk-wrong-one") {
		t.Errorf("error = %q; want it to name MY_ARK_KEY and not hold the key", msg)
	}
}

// TestSeedreamReferenceLimits: a reference file first seen at apply (an
// upstream asset's output) is checked against the model's own limits
// before anything is sent.
func TestSeedreamReferenceLimits(t *testing.T) {
	wide, _ := writeReference(t, "wide.png", 80, 20, 0x40)
	srv, p := fakeSeedream(t, nil)
	asset := &schema.Asset{Kind: schema.KindImage, Model: "doubao-seededit-3-0-i2i-250628", Prompt: "make it blue", OutputFormat: "jpeg",
		Attrs: attrs("model_family", string(seedream.SeedEdit30), "size", "adaptive")}
	_, err := p.Generate(context.Background(), &Request{Asset: asset, References: []Ref{{File: wide}}, StageDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "80x20: the aspect ratio must lie in [1/3, 3]") || srv.Count() != 0 {
		t.Errorf("got %v after %d requests, want the aspect ratio refused before any", err, srv.Count())
	}
}
