package seedreamtest

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dataURI encodes a w x h picture as format ("png" or "jpeg") and labels
// it as label.
func dataURI(t *testing.T, label, format string, w, h int) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return "data:image/" + label + ";base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestRejects(t *testing.T) {
	s, c := newServer(t)
	png20 := dataURI(t, "png", "png", 20, 20)
	fifteen := make([]string, 15)
	for i := range fifteen {
		fifteen[i] = "https://example.com/ref.png"
	}
	seedream30 := map[string]any{"model": "doubao-seedream-3-0-t2i-250415", "size": nil}
	seededit := map[string]any{"model": "doubao-seededit-3-0-i2i-250628", "size": nil, "image": "https://example.com/a.png"}
	set := func(base map[string]any, k string, v any) map[string]any {
		m := clone(base)
		m[k] = v
		return m
	}

	type want struct {
		Status      int
		Code, Param string
	}
	bad := func(param string) want { return want{400, "InvalidParameter", param} }
	tests := []struct {
		name   string
		method string
		header map[string]string
		body   any // a map merged into a valid body, or a raw string
		want   want
	}{
		{name: "GET", method: http.MethodGet, want: want{405, "MethodNotAllowed", ""}},
		{name: "no key", header: map[string]string{"Authorization": ""}, want: want{401, "AuthenticationError", ""}},
		{name: "basic auth", header: map[string]string{"Authorization": "Basic dGVzdDp0ZXN0"}, want: want{401, "AuthenticationError", ""}},
		{name: "empty bearer", header: map[string]string{"Authorization": "Bearer "}, want: want{401, "AuthenticationError", ""}},
		{name: "form body", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: bad("")},
		{name: "not JSON", body: `{"model": `, want: bad("")},
		{name: "JSON array", body: `[{"model": "x"}]`, want: bad("")},
		{name: "JSON null", body: `null`, want: bad("")},
		{name: "no model", body: map[string]any{"model": nil}, want: want{400, "MissingParameter", "model"}},
		{name: "model not a string", body: map[string]any{"model": 45}, want: bad("model")},
		{name: "unknown model", body: map[string]any{"model": "doubao-seedream-9-9"}, want: want{404, "InvalidEndpointOrModel.NotFound", "model"}},
		{name: "unregistered endpoint", body: map[string]any{"model": "ep-20250101-abc"}, want: want{404, "InvalidEndpointOrModel.NotFound", "model"}},
		{name: "no prompt", body: map[string]any{"prompt": nil}, want: want{400, "MissingParameter", "prompt"}},
		{name: "empty prompt", body: map[string]any{"prompt": " "}, want: want{400, "MissingParameter", "prompt"}},
		{name: "prompt not a string", body: map[string]any{"prompt": []string{"a"}}, want: bad("prompt")},
		{name: "unknown field", body: map[string]any{"n": 2}, want: bad("n")},
		{name: "null field", body: `{"model": "` + testModel + `", "prompt": "a cat", "watermark": null}`, want: bad("watermark")},
		{name: "seed on 4.0", body: map[string]any{"seed": 42}, want: bad("seed")},
		{name: "fractional seed", body: set(seedream30, "seed", 1.5), want: bad("seed")},
		{name: "quoted seed", body: set(seedream30, "seed", "7"), want: bad("seed")},
		{name: "seed out of range", body: set(seedream30, "seed", -2), want: bad("seed")},
		{name: "guidance on 4.0", body: map[string]any{"guidance_scale": 2.5}, want: bad("guidance_scale")},
		{name: "guidance too high", body: set(seedream30, "guidance_scale", 11), want: bad("guidance_scale")},
		{name: "guidance not a number", body: set(seedream30, "guidance_scale", "high"), want: bad("guidance_scale")},
		{name: "1K on 4.5", body: map[string]any{"model": "doubao-seedream-4-5-251128"}, want: bad("size")},
		{name: "adaptive on 4.0", body: map[string]any{"size": "adaptive"}, want: bad("size")},
		{name: "area too small", body: map[string]any{"size": "512x512"}, want: bad("size")},
		{name: "aspect too wide", body: map[string]any{"size": "4000x240"}, want: bad("size")},
		{name: "empty size", body: map[string]any{"size": ""}, want: bad("size")},
		{name: "size on seededit", body: set(seededit, "size", "1024x1024"), want: bad("size")},
		{name: "seededit without image", body: set(seededit, "image", nil), want: bad("image")},
		{name: "seededit with two images", body: set(seededit, "image", []string{png20, png20}), want: bad("image")},
		{name: "image on 3.0", body: set(seedream30, "image", png20), want: bad("image")},
		{name: "empty image list on 3.0", body: set(seedream30, "image", []string{}), want: bad("image")},
		{name: "image a number", body: map[string]any{"image": 3}, want: bad("image")},
		{name: "image list of numbers", body: map[string]any{"image": []any{png20, 3}}, want: bad("image")},
		{name: "image ftp", body: map[string]any{"image": "ftp://example.com/a.png"}, want: bad("image")},
		{name: "image local path", body: map[string]any{"image": "refs/a.png"}, want: bad("image")},
		{name: "data URI upper case", body: map[string]any{"image": dataURI(t, "PNG", "png", 20, 20)}, want: bad("image")},
		{name: "data URI not base64", body: map[string]any{"image": "data:image/png;base64,%%%"}, want: bad("image")},
		{name: "data URI not an image", body: map[string]any{"image": "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("hello"))}, want: bad("image")},
		{name: "data URI 14 px", body: map[string]any{"image": dataURI(t, "png", "png", 14, 100)}, want: bad("image")},
		{name: "data URI mislabelled", body: map[string]any{"image": dataURI(t, "jpeg", "png", 20, 20)}, want: bad("image")},
		{name: "data URI heic without ftyp", body: map[string]any{"image": "data:image/heic;base64,AAAAAAAAAAAAAAAA"}, want: bad("image")},
		{name: "seededit 4:1 reference", body: set(seededit, "image", dataURI(t, "png", "png", 80, 20)), want: bad("image")},
		{name: "data URI not image", body: map[string]any{"image": "data:text/plain;base64,AAAA"}, want: bad("image")},
		{name: "data URI aspect", body: map[string]any{"image": dataURI(t, "png", "png", 340, 20)}, want: bad("image")},
		{name: "data URI over 6000x6000", body: map[string]any{"image": "data:image/png;base64," + base64.StdEncoding.EncodeToString(flatPNG(7000, 6000, [3]byte{}, pngPixelData(7000, 6000)))}, want: bad("image")},
		{name: "15 references", body: map[string]any{"image": fifteen}, want: bad("image")},
		{name: "sequential on 3.0", body: set(seedream30, "sequential_image_generation", "disabled"), want: bad("sequential_image_generation")},
		{name: "sequential sometimes", body: map[string]any{"sequential_image_generation": "sometimes"}, want: bad("sequential_image_generation")},
		{name: "options without auto", body: map[string]any{"sequential_image_generation_options": map[string]any{"max_images": 2}}, want: bad("sequential_image_generation_options")},
		{name: "options with disabled", body: map[string]any{"sequential_image_generation": "disabled", "sequential_image_generation_options": map[string]any{"max_images": 2}}, want: bad("sequential_image_generation_options")},
		{name: "options not an object", body: map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": 3}, want: bad("sequential_image_generation_options")},
		{name: "options unknown key", body: map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"min_images": 1}}, want: bad("sequential_image_generation_options.min_images")},
		{name: "max_images 0", body: map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 0}}, want: bad("sequential_image_generation_options.max_images")},
		{name: "max_images 16", body: map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 16}}, want: bad("sequential_image_generation_options.max_images")},
		{name: "max_images 2.5", body: map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 2.5}}, want: bad("sequential_image_generation_options.max_images")},
		{name: "refs plus images over 15", body: map[string]any{"image": []string{png20, png20}, "sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 14}}, want: bad("sequential_image_generation_options.max_images")},
		{name: "stream on 3.0", body: set(seedream30, "stream", false), want: bad("stream")},
		{name: "stream a string", body: map[string]any{"stream": "true"}, want: bad("stream")},
		{name: "response_format png", body: map[string]any{"response_format": "png"}, want: bad("response_format")},
		{name: "watermark a string", body: map[string]any{"watermark": "no"}, want: bad("watermark")},
		{name: "output_format on 4.0", body: map[string]any{"output_format": "png"}, want: bad("output_format")},
		{name: "output_format webp on 5.0", body: map[string]any{"model": "doubao-seedream-5-0-260128", "size": "2K", "output_format": "webp"}, want: bad("output_format")},
		{name: "fast on 4.5", body: map[string]any{"model": "doubao-seedream-4-5-251128", "size": "2K", "optimize_prompt_options": map[string]any{"mode": "fast"}}, want: bad("optimize_prompt_options.mode")},
		{name: "optimize on 3.0", body: set(seedream30, "optimize_prompt_options", map[string]any{}), want: bad("optimize_prompt_options")},
		{name: "fast on 5.0 Lite", body: map[string]any{"model": "doubao-seedream-5-0-260128", "size": "2K", "optimize_prompt_options": map[string]any{"mode": "fast"}}, want: bad("optimize_prompt_options.mode")},
		{name: "thinking sometimes", body: map[string]any{"optimize_prompt_options": map[string]any{"thinking": "sometimes"}}, want: bad("optimize_prompt_options.thinking")},
		{name: "web search on 4.5", body: map[string]any{"model": "doubao-seedream-4-5-251128", "size": "2K", "tools": []any{map[string]any{"type": "web_search"}}}, want: bad("tools")},
		{name: "tools not an array", body: map[string]any{"model": "doubao-seedream-5-0-260128", "size": "2K", "tools": "web_search"}, want: bad("tools")},
		{name: "unknown tool", body: map[string]any{"model": "doubao-seedream-5-0-260128", "size": "2K", "tools": []any{map[string]any{"type": "calculator"}}}, want: bad("tools[0].type")},
		{name: "stream on 5.0 Pro", body: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "size": "2K", "stream": true}, want: bad("stream")},
		{name: "set on 5.0 Pro", body: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "size": "2K", "sequential_image_generation": "auto"}, want: bad("sequential_image_generation")},
		{name: "4K on 5.0 Pro", body: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "size": "4K"}, want: bad("size")},
		{name: "area over 5.0 Pro's", body: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "size": "2160x2160"}, want: bad("size")},
		{name: "11 references on 5.0 Pro", body: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "size": "2K", "image": fifteen[:11]}, want: bad("image")},
		{name: "bad directive", body: map[string]any{"prompt": "a cat [[fake: images=many]]"}, want: bad("prompt")},
	}
	ran := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran++
			reqBody := tt.body
			if m, ok := tt.body.(map[string]any); ok || tt.body == nil {
				reqBody = body(m)
			}
			req := newRequest(t, s.BaseURL()+"/images/generations", reqBody)
			if tt.method != "" {
				req.Method = tt.method
			}
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			a := do(t, c, req)
			e := apiErrorOf(t, a)
			got := want{a.Status, e.Code, e.Param}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nmessage: %s", diff, e.Message)
			}
			if e.Type == "" || strings.Contains(e.Type, " ") {
				t.Errorf("type %q is not a status name", e.Type)
			}
		})
	}
	if got, want := s.Count(), ran; got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
}

func TestAPIKey(t *testing.T) {
	s, c := newServer(t)
	s.SetAPIKey("right")
	req := newRequest(t, s.BaseURL()+"/images/generations", body(nil))
	req.Header.Set("Authorization", "Bearer wrong")
	if a := do(t, c, req); a.Status != http.StatusUnauthorized {
		t.Errorf("wrong key: status %d, want 401", a.Status)
	}
	req = newRequest(t, s.BaseURL()+"/images/generations", body(nil))
	req.Header.Set("Authorization", "Bearer right")
	if a := do(t, c, req); a.Status != http.StatusOK {
		t.Errorf("right key: status %d, want 200: %s", a.Status, a.Body)
	}
}

func TestUnknownPath(t *testing.T) {
	s, c := newServer(t)
	a := do(t, c, newRequest(t, s.BaseURL()+"/chat/completions", body(nil)))
	if e := apiErrorOf(t, a); a.Status != http.StatusNotFound || e.Code != "NotFound" {
		t.Errorf("got %d %s, want 404 NotFound", a.Status, e.Code)
	}
	if s.Count() != 0 {
		t.Errorf("Count() = %d, want 0: not a generation request", s.Count())
	}
}
