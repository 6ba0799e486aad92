package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/openai/openaitest"
	"github.com/seedform/seedform/schema"
)

func fakeOpenAI(t *testing.T) (*openaitest.Server, *OpenAI) {
	t.Helper()
	srv := openaitest.New()
	srv.SetAPIKey(fakeKey)
	t.Cleanup(srv.Close)
	c, err := openai.NewClient(openai.Config{BaseURL: srv.BaseURL(), APIKey: fakeKey, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return srv, NewOpenAI(c)
}

func fileSum(t *testing.T, path string) (string, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), len(b)
}

// TestProviderRequests generates OpenAI assets of every model through the
// fake and compares the whole request it received: the JSON body of a
// generation, every part of an edit's multipart body.
func TestProviderRequests(t *testing.T) {
	refA, _ := writeReference(t, "a.png", 64, 48, 0x20)
	refB, _ := writeReference(t, "b.png", 40, 40, 0xc0)
	sumA, lenA := fileSum(t, refA)
	sumB, lenB := fileSum(t, refB)
	tests := []struct {
		name       string
		asset      schema.Asset
		refs       []Ref
		files      map[string]string
		wantPath   string
		wantBody   map[string]any
		wantParts  []openaitest.Part
		wantImages []string
	}{{
		name: "gpt-image-1 with every option",
		asset: schema.Asset{Kind: schema.KindImage, Model: "gpt-image-1", Prompt: "a fox", OutputFormat: "jpeg",
			Attrs: attrs("size", "1536x1024", "quality", "high", "background", "opaque", "output_compression", 80, "moderation", "low")},
		wantPath: "/v1/images/generations",
		wantBody: map[string]any{"model": "gpt-image-1", "prompt": "a fox", "size": "1536x1024", "quality": "high",
			"background": "opaque", "output_format": "jpeg", "output_compression": 80.0, "moderation": "low"},
		wantImages: []string{"1536x1024 jpeg"},
	}, {
		name:       "gpt-image-1-mini set: n, transparent png",
		asset:      schema.Asset{Kind: schema.KindImageSet, Model: "gpt-image-1-mini", Prompt: "icons", OutputFormat: "png", MaxImages: 3, Attrs: attrs("size", "1024x1024", "background", "transparent")},
		wantPath:   "/v1/images/generations",
		wantBody:   map[string]any{"model": "gpt-image-1-mini", "prompt": "icons", "n": 3.0, "size": "1024x1024", "background": "transparent", "output_format": "png"},
		wantImages: []string{"1024x1024 png", "1024x1024 png", "1024x1024 png"},
	}, {
		name:       "gpt-image-2 flexible size, defaults left to the API",
		asset:      schema.Asset{Kind: schema.KindImage, Model: "gpt-image-2", Prompt: "a banner", OutputFormat: "png", Attrs: attrs("size", "2048x1152")},
		wantPath:   "/v1/images/generations",
		wantBody:   map[string]any{"model": "gpt-image-2", "prompt": "a banner", "size": "2048x1152", "output_format": "png"},
		wantImages: []string{"2048x1152 png"},
	}, {
		name:       "dall-e-3 asks for b64_json, no output_format",
		asset:      schema.Asset{Kind: schema.KindImage, Model: "dall-e-3", Prompt: "retro", OutputFormat: "png", Attrs: attrs("size", "1792x1024", "quality", "hd", "style", "natural")},
		wantPath:   "/v1/images/generations",
		wantBody:   map[string]any{"model": "dall-e-3", "prompt": "retro", "size": "1792x1024", "quality": "hd", "style": "natural", "response_format": "b64_json"},
		wantImages: []string{"1792x1024 png"},
	}, {
		name:       "dall-e-3 url answer is downloaded",
		asset:      schema.Asset{Kind: schema.KindImage, Model: "dall-e-3", Prompt: "retro", OutputFormat: "png", Attrs: attrs("response_format", "url")},
		wantPath:   "/v1/images/generations",
		wantBody:   map[string]any{"model": "dall-e-3", "prompt": "retro", "response_format": "url"},
		wantImages: []string{"1024x1024 png"},
	}, {
		name:     "gpt-image-1.5 edit of two files",
		asset:    schema.Asset{Kind: schema.KindImage, Model: "gpt-image-1.5", Prompt: "combine them", OutputFormat: "png", Attrs: attrs("quality", "medium")},
		refs:     []Ref{{File: refA}, {File: refB}},
		wantPath: "/v1/images/edits",
		wantBody: map[string]any{"model": "gpt-image-1.5", "prompt": "combine them", "quality": "medium", "output_format": "png"},
		wantParts: []openaitest.Part{
			{Name: "model", Value: "gpt-image-1.5"}, {Name: "prompt", Value: "combine them"},
			{Name: "quality", Value: "medium"}, {Name: "output_format", Value: "png"},
			{Name: "image[]", FileName: "a.png", ContentType: "image/png", SHA256: sumA, Bytes: lenA},
			{Name: "image[]", FileName: "b.png", ContentType: "image/png", SHA256: sumB, Bytes: lenB},
		},
		wantImages: []string{"1024x1024 png"},
	}, {
		name:     "a set edited from one file",
		asset:    schema.Asset{Kind: schema.KindImageSet, Model: "gpt-image-1", Prompt: "variations", OutputFormat: "jpeg", MaxImages: 2, Attrs: attrs("size", "1024x1536")},
		refs:     []Ref{{File: refB}},
		wantPath: "/v1/images/edits",
		wantBody: map[string]any{"model": "gpt-image-1", "prompt": "variations", "n": "2", "size": "1024x1536", "output_format": "jpeg"},
		wantParts: []openaitest.Part{
			{Name: "model", Value: "gpt-image-1"}, {Name: "prompt", Value: "variations"}, {Name: "n", Value: "2"},
			{Name: "size", Value: "1024x1536"}, {Name: "output_format", Value: "jpeg"},
			{Name: "image", FileName: "b.png", ContentType: "image/png", SHA256: sumB, Bytes: lenB},
		},
		wantImages: []string{"1024x1536 jpeg", "1024x1536 jpeg"},
	}, {
		name:     "an edit with a mask",
		asset:    schema.Asset{Kind: schema.KindImage, Model: "gpt-image-1", Prompt: "fill the hole", OutputFormat: "png", Attrs: attrs("mask", schema.FileValue{File: "mask.png", SHA256: sumB})},
		refs:     []Ref{{File: refA}},
		files:    map[string]string{"mask": refB},
		wantPath: "/v1/images/edits",
		wantBody: map[string]any{"model": "gpt-image-1", "prompt": "fill the hole", "output_format": "png"},
		wantParts: []openaitest.Part{
			{Name: "model", Value: "gpt-image-1"}, {Name: "prompt", Value: "fill the hole"}, {Name: "output_format", Value: "png"},
			{Name: "image", FileName: "a.png", ContentType: "image/png", SHA256: sumA, Bytes: lenA},
			{Name: "mask", FileName: "b.png", ContentType: "image/png", SHA256: sumB, Bytes: lenB},
		},
		wantImages: []string{"1024x1024 png"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, p := fakeOpenAI(t)
			var paid []PaidItem
			res, err := p.Generate(context.Background(), &Request{Asset: &tt.asset, References: tt.refs, Files: tt.files, StageDir: t.TempDir(),
				Paid: func(items []PaidItem) error { paid = append(paid, items...); return nil }})
			if err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			if reqs[0].Path != tt.wantPath {
				t.Errorf("path %s, want %s", reqs[0].Path, tt.wantPath)
			}
			if diff := cmp.Diff(tt.wantBody, reqs[0].Body); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantParts, reqs[0].Parts); diff != "" {
				t.Errorf("multipart parts (-want +got):\n%s", diff)
			}
			var got []string
			for _, im := range res.Images {
				w, h, format, err := ProbeFile(im.TempPath)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fmtShape(w, h, format))
			}
			if diff := cmp.Diff(tt.wantImages, got); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
			if len(paid) != len(tt.wantImages) || res.GeneratedImages != len(tt.wantImages) {
				t.Errorf("%d paid items, %d generated, want %d", len(paid), res.GeneratedImages, len(tt.wantImages))
			}
			if tt.asset.Model != "dall-e-3" && (res.InputTokens == 0 || res.TotalTokens != res.InputTokens+res.OutputTokens) {
				t.Errorf("usage %d in + %d out = %d total", res.InputTokens, res.OutputTokens, res.TotalTokens)
			}
		})
	}
}

func fmtShape(w, h int, format string) string {
	return fmt.Sprintf("%dx%d %s", w, h, format)
}

// A 401 names the variable the key came from, and never the key.
func TestOpenAIKeyRefusedNamesTheVariable(t *testing.T) {
	t.Parallel()
	srv := openaitest.New()
	srv.SetAPIKey(fakeKey)
	t.Cleanup(srv.Close)
	c, err := openai.NewClient(openai.Config{BaseURL: srv.BaseURL(), APIKey: "sk-wrong-one", MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	p := NewOpenAI(c)
	p.KeyEnv = "MY_OPENAI_KEY"
	_, err = p.Generate(context.Background(), &Request{
		Asset:    &schema.Asset{Kind: schema.KindImage, Model: "gpt-image-1", Prompt: "a fox", OutputFormat: "png", Attrs: attrs("size", "1024x1024")},
		StageDir: t.TempDir(),
	})
	var oe *openai.Error
	if !errors.As(err, &oe) || oe.StatusCode != 401 {
		t.Fatalf("Generate with a wrong key: %v; want an OpenAI 401", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "environment variable MY_OPENAI_KEY was refused") || strings.Contains(msg, "sk-wrong-one") {
		t.Errorf("error = %q; want it to name MY_OPENAI_KEY and not hold the key", msg)
	}
}
