package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/seedream"
)

// recordEvents remembers ImageReady calls.
type recordEvents struct {
	mu    sync.Mutex
	ready []string
	// then, if set, runs after each call (to cancel mid-request).
	then func()
}

func (e *recordEvents) ImageReady(index, w, h int) {
	e.mu.Lock()
	e.ready = append(e.ready, fmt.Sprintf("%d:%dx%d", index, w, h))
	e.mu.Unlock()
	if e.then != nil {
		e.then()
	}
}

func (e *recordEvents) Retrying(int, time.Duration, string) {}

func stageFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPlaceholderGenerate(t *testing.T) {
	refDir := t.TempDir()
	ref := filepath.Join(refDir, "ref.png")
	writePNG(t, ref, 320, 240)

	type shape struct {
		W, H   int
		Format string
	}
	tests := []struct {
		name  string
		asset schema.Asset
		refs  []Ref
		want  []shape
	}{
		{"no model, WxH", schema.Asset{OutputFormat: "png", Attrs: attrs("size", "64x64")}, nil, []shape{{64, 64, "png"}}},
		{"no model, unicode x", schema.Asset{OutputFormat: "jpeg", Attrs: attrs("size", "300×200")}, nil, []shape{{300, 200, "jpeg"}}},
		{"no model, no size", schema.Asset{OutputFormat: "jpeg"}, nil, []shape{{1024, 1024, "jpeg"}}},
		{"no format means jpeg", schema.Asset{Attrs: attrs("size", "40x30")}, nil, []shape{{40, 30, "jpeg"}}},
		{"seedream 3.0", schema.Asset{OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream30), "size", "512x768")}, nil, []shape{{512, 768, "jpeg"}}},
		{"4.0 preset", schema.Asset{OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.Seedream40), "size", "1K")}, nil, []shape{{1024, 1024, "jpeg"}}},
		{"4.5 default size", schema.Asset{OutputFormat: "png", Attrs: attrs("model_family", string(seedream.Seedream45))}, nil, []shape{{2048, 2048, "png"}}},
		{"5.0 png WxH", schema.Asset{OutputFormat: "png", Attrs: attrs("model_family", string(seedream.Seedream50), "size", "2848x1600")}, nil, []shape{{2848, 1600, "png"}}},
		{"seededit adaptive from a file", schema.Asset{OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.SeedEdit30), "size", "adaptive")}, []Ref{{File: ref}}, []shape{{320, 240, "jpeg"}}},
		{"seededit adaptive from a URL", schema.Asset{OutputFormat: "jpeg", Attrs: attrs("model_family", string(seedream.SeedEdit30))}, []Ref{{URL: "https://example.com/a.png"}}, []shape{{1024, 1024, "jpeg"}}},
		{"image set", schema.Asset{Kind: schema.KindImageSet, MaxImages: 3, OutputFormat: "png", Attrs: attrs("size", "96x64")}, nil,
			[]shape{{96, 64, "png"}, {96, 64, "png"}, {96, 64, "png"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := tt.asset
			a.Addr, a.Prompt = "image.test", "A lighthouse at dawn, soft watercolor"
			if a.Kind == "" {
				a.Kind = schema.KindImage
			}
			stage := t.TempDir()
			events := &recordEvents{}
			res, err := NewPlaceholder().Generate(context.Background(), &Request{
				Asset: &a, SpecHash: "sha256:" + tt.name, References: tt.refs, StageDir: stage, Events: events,
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []shape
			var wantReady []string
			sums := map[string]bool{}
			for i, im := range res.Images {
				got = append(got, shape{im.Width, im.Height, im.Format})
				wantReady = append(wantReady, fmt.Sprintf("%d:%dx%d", i, im.Width, im.Height))
				if im.Index != i || filepath.Dir(im.TempPath) != stage {
					t.Errorf("image %d: index %d in %s, want index %d in the stage dir", i, im.Index, im.TempPath, i)
				}
				data, err := os.ReadFile(im.TempPath)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				if hex.EncodeToString(sum[:]) != im.SHA256 || int64(len(data)) != im.Bytes {
					t.Errorf("image %d: reported sha256 %s, %d bytes; the file has %x, %d bytes", i, im.SHA256, im.Bytes, sum, len(data))
				}
				sums[im.SHA256] = true
				cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("image %d has no valid header: %v", i, err)
				}
				if cfg.Width != im.Width || cfg.Height != im.Height || format != im.Format {
					t.Errorf("image %d is %s %dx%d, reported %s %dx%d", i, format, cfg.Width, cfg.Height, im.Format, im.Width, im.Height)
				}
				// Decoding the pixels is slow under -race: the small ones suffice.
				if im.Width*im.Height <= 512*512 {
					if _, _, err := imageDecode(data); err != nil {
						t.Fatalf("image %d does not decode: %v", i, err)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantReady, events.ready); diff != "" {
				t.Errorf("ImageReady calls (-want +got):\n%s", diff)
			}
			if len(sums) != len(res.Images) {
				t.Errorf("the %d images of a set are not all different", len(res.Images))
			}
			if res.GeneratedImages != len(tt.want) {
				t.Errorf("GeneratedImages = %d, want %d", res.GeneratedImages, len(tt.want))
			}
		})
	}
}

func imageDecode(data []byte) (image.Image, string, error) {
	return image.Decode(bytes.NewReader(data))
}

// generate renders one image and returns its bytes.
func generate(t *testing.T, a schema.Asset, specHash string) []byte {
	t.Helper()
	if a.Kind == "" {
		a.Kind = schema.KindImage
	}
	res, err := NewPlaceholder().Generate(context.Background(), &Request{Asset: &a, SpecHash: specHash, StageDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(res.Images[0].TempPath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPlaceholderDeterministic(t *testing.T) {
	for _, format := range []string{"png", "jpeg"} {
		a := schema.Asset{Addr: "image.hero", Prompt: "A lighthouse at dawn", OutputFormat: format, Attrs: attrs("size", "256x160")}
		first := generate(t, a, "sha256:aaa")
		if again := generate(t, a, "sha256:aaa"); !bytes.Equal(first, again) {
			t.Errorf("%s: the same spec hash gave different bytes", format)
		}
		if other := generate(t, a, "sha256:bbb"); bytes.Equal(first, other) {
			t.Errorf("%s: different spec hashes gave the same bytes", format)
		}
	}
}

func TestPlaceholderDrawsPrompt(t *testing.T) {
	// Same hash, so the same colours and pattern: only the text differs.
	pixels := func(prompt string) image.Image {
		a := schema.Asset{Addr: "image.hero", Prompt: prompt, OutputFormat: "png", Attrs: attrs("size", "256x160")}
		img, _, err := imageDecode(generate(t, a, "sha256:same"))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	a, b := pixels("A lighthouse at dawn"), pixels("A lighthouse at dusk")
	differ := 0
	for y := range 160 {
		for x := range 256 {
			if a.At(x, y) != b.At(x, y) {
				differ++
			}
		}
	}
	if differ == 0 {
		t.Error("changing the prompt changed no pixel")
	}
}

func TestFitText(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		boxW, boxH int
		maxScale   int
		wantLines  []string
		wantScale  int
	}{
		{"fits at the largest scale", "a lighthouse at dawn", 7 * 10 * 3, 13 * 3 * 3, 3, []string{"a", "lighthouse", "at dawn"}, 3},
		{"shrinks to fit", "a lighthouse at dawn", 7 * 20 * 2, 13*2 - 1, 2, []string{"a lighthouse at dawn"}, 1},
		{"cuts long words", "abcdefghij", 7 * 4, 13 * 3, 1, []string{"abcd", "efgh", "ij"}, 1},
		{"ellipsis when it cannot fit", "one two three four", 7 * 5, 13 * 2, 1, []string{"one", "two…"}, 1},
		{"ellipsis on a full line", "aaaaa bbbbb ccccc", 7 * 5, 13 * 2, 1, []string{"aaaaa", "bbbb…"}, 1},
		{"no room", "text", 3, 3, 1, nil, 1},
		{"empty prompt", "", 100, 100, 1, nil, 1},
	}
	for _, tt := range tests {
		lines, scale := fitText(tt.text, tt.boxW, tt.boxH, tt.maxScale)
		if diff := cmp.Diff(tt.wantLines, lines); diff != "" || scale != tt.wantScale {
			t.Errorf("%s: scale %d, want %d; lines (-want +got):\n%s", tt.name, scale, tt.wantScale, diff)
		}
	}
}

func TestPlaceholderErrors(t *testing.T) {
	tests := []struct {
		name  string
		asset schema.Asset
		refs  []Ref
		want  string
	}{
		{"bad size", schema.Asset{Attrs: attrs("size", "big")}, nil, `size "big" is not WxH`},
		{"too large", schema.Asset{Attrs: attrs("size", "20000x20000")}, nil, "size 20000x20000 is too large for the placeholder"},
		{"huge side", schema.Asset{Attrs: attrs("size", "99999999999x1")}, nil, "is too large for the placeholder"},
		{"unknown family", schema.Asset{Attrs: attrs("model_family", "seedream-9", "size", "64x64")}, nil, `unknown model family "seedream-9"`},
		{"bad format", schema.Asset{OutputFormat: "webp", Attrs: attrs("size", "64x64")}, nil, `output format must be png or jpeg, got "webp"`},
		{"unreadable reference", schema.Asset{Attrs: attrs("model_family", string(seedream.SeedEdit30))}, []Ref{{File: "/nonexistent/ref.png"}}, "adaptive size: open /nonexistent/ref.png"},
		{"empty set", schema.Asset{Kind: schema.KindImageSet, Attrs: attrs("size", "64x64")}, nil, "max_images must be in [1, 15], got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.asset
			a.Addr = "image.x"
			stage := t.TempDir()
			_, err := NewPlaceholder().Generate(context.Background(), &Request{Asset: &a, SpecHash: "sha256:x", References: tt.refs, StageDir: stage})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
			if files := stageFiles(t, stage); len(files) != 0 {
				t.Errorf("files left in the stage dir: %v", files)
			}
		})
	}
	if _, err := NewPlaceholder().Generate(context.Background(), &Request{}); err == nil {
		t.Error("a request without an asset succeeded")
	}
}

func TestPlaceholderCancel(t *testing.T) {
	a := schema.Asset{Addr: "image_set.s", Kind: schema.KindImageSet, MaxImages: 4, OutputFormat: "png", Attrs: attrs("size", "128x128")}

	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		stage := t.TempDir()
		_, err := NewPlaceholder().Generate(ctx, &Request{Asset: &a, SpecHash: "sha256:x", StageDir: stage})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if files := stageFiles(t, stage); len(files) != 0 {
			t.Errorf("files left in the stage dir: %v", files)
		}
	})

	t.Run("after the first image", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stage := t.TempDir()
		events := &recordEvents{then: cancel}
		_, err := NewPlaceholder().Generate(ctx, &Request{Asset: &a, SpecHash: "sha256:x", StageDir: stage, Events: events})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if diff := cmp.Diff([]string{"0:128x128"}, events.ready); diff != "" {
			t.Errorf("ImageReady calls (-want +got):\n%s", diff)
		}
		if files := stageFiles(t, stage); len(files) != 0 {
			t.Errorf("the finished image was not removed: %v", files)
		}
	})

	t.Run("while encoding", func(t *testing.T) {
		// A context that is done stops the encoder at its next write.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		stage := t.TempDir()
		card := renderCard(512, 512, cardSeed("sha256:x", 0), "prompt", "label")
		if _, err := writeImage(ctx, stage, card, "png"); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		if files := stageFiles(t, stage); len(files) != 0 {
			t.Errorf("the partial file was not removed: %v", files)
		}
	})
}

func BenchmarkPlaceholder(b *testing.B) {
	for _, tc := range []struct{ size, format string }{
		{"2048x2048", "png"}, {"2048x2048", "jpeg"}, {"4096x4096", "png"}, {"4096x4096", "jpeg"},
	} {
		b.Run(tc.size+"-"+tc.format, func(b *testing.B) {
			a := schema.Asset{Addr: "image.bench", Kind: schema.KindImage, Prompt: "A lighthouse at dawn, soft watercolor, long exposure", OutputFormat: tc.format, Attrs: attrs("size", tc.size)}
			stage := b.TempDir()
			var bytes int64
			for b.Loop() {
				res, err := NewPlaceholder().Generate(context.Background(), &Request{Asset: &a, SpecHash: "sha256:bench", StageDir: stage})
				if err != nil {
					b.Fatal(err)
				}
				bytes = res.Images[0].Bytes
				os.Remove(res.Images[0].TempPath)
			}
			b.ReportMetric(float64(bytes), "file-bytes")
		})
	}
}

// attrs builds a provider type's attribute map from name, value pairs.
func attrs(kv ...any) schema.Values {
	var v schema.Values
	for i := 0; i < len(kv); i += 2 {
		if err := v.Set(kv[i].(string), kv[i+1]); err != nil {
			panic(err)
		}
	}
	return v
}
