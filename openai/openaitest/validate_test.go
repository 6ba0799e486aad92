package openaitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func post(t *testing.T, s *Server, path, ctype string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.BaseURL()+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer test-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("x-request-id") == "" {
		t.Error("no x-request-id")
	}
	var doc map[string]any
	json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc
}

// TestGenerationStrictness: what the API refuses, the fake refuses, with
// the API's error object naming the parameter.
func TestGenerationStrictness(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	tests := []struct {
		body      string
		status    int
		wantParam any
	}{
		{`{"model":"gpt-image-1","prompt":"x"}`, 200, nil},
		{`{"model":"gpt-image-1","prompt":"x","size":"512x512"}`, 400, "size"},
		{`{"model":"gpt-image-1","prompt":"x","background":"transparent","output_format":"jpeg"}`, 400, "background"},
		{`{"model":"gpt-image-1","prompt":"x","background":"transparent","output_format":"png"}`, 200, nil},
		{`{"model":"gpt-image-2","prompt":"x","background":"transparent"}`, 400, "background"},
		{`{"model":"gpt-image-1","prompt":"x","n":11}`, 400, "n"},
		{`{"model":"gpt-image-1","prompt":"x","n":"2"}`, 400, "n"},
		{`{"model":"gpt-image-1","prompt":"x","response_format":"b64_json"}`, 400, "response_format"},
		{`{"model":"gpt-image-1","prompt":"x","output_compression":50}`, 400, "output_compression"},
		{`{"model":"gpt-image-1","prompt":"x","output_format":"jpeg","output_compression":101}`, 400, "output_compression"},
		{`{"model":"gpt-image-1","prompt":"x","moderation":"strict"}`, 400, "moderation"},
		{`{"model":"gpt-image-1","prompt":"x","quality":"hd"}`, 400, "quality"},
		{`{"model":"gpt-image-1","prompt":"x","style":"vivid"}`, 400, "style"},
		{`{"model":"gpt-image-1","prompt":"x","seed":1}`, 400, "seed"},
		{`{"model":"gpt-image-1","prompt":""}`, 400, "prompt"},
		{`{"model":"gpt-image-9","prompt":"x"}`, 404, "model"},
		{`{"model":"gpt-image-2","prompt":"x","size":"1000x1000"}`, 400, "size"},
		{`{"model":"gpt-image-2","prompt":"x","size":"3840x1280"}`, 200, nil},
		{`{"model":"gpt-image-2","prompt":"x","size":"3856x1280"}`, 400, "size"},
		{`{"model":"gpt-image-2","prompt":"x","size":"2048x512"}`, 400, "size"},
		{`{"model":"gpt-image-2-2026-04-21","prompt":"x","size":"auto"}`, 200, nil},
		{`{"model":"dall-e-3","prompt":"x","n":2}`, 400, "n"},
		{`{"model":"dall-e-3","prompt":"x","quality":"hd","style":"natural","size":"1024x1792"}`, 200, nil},
		{`{"model":"dall-e-3","prompt":"x","output_format":"png"}`, 400, "output_format"},
		{`{"model":"gpt-image-1","prompt":"x [[fake: bogus=1]]"}`, 400, "prompt"},
	}
	for _, tt := range tests {
		status, doc := post(t, s, "/images/generations", "application/json", []byte(tt.body))
		if status != tt.status {
			t.Errorf("%s: status %d, want %d (%v)", tt.body, status, tt.status, doc)
			continue
		}
		if tt.status == 200 {
			if data, _ := doc["data"].([]any); len(data) == 0 {
				t.Errorf("%s: no data in %v", tt.body, doc)
			}
			continue
		}
		e, _ := doc["error"].(map[string]any)
		if e == nil || e["param"] != tt.wantParam || e["message"] == "" || e["type"] == nil {
			t.Errorf("%s: error %v, want param %v", tt.body, doc, tt.wantParam)
		}
	}
	status, _ := post(t, s, "/images/generations", "text/plain", []byte(`{"model":"gpt-image-1","prompt":"x"}`))
	if status != 400 {
		t.Errorf("text/plain body: status %d, want 400", status)
	}
}

func editBody(t *testing.T, fields map[string]string, files []Part, data [][]byte) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for i, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Name, f.FileName))
		h.Set("Content-Type", f.ContentType)
		p, _ := w.CreatePart(h)
		p.Write(data[i])
	}
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

func TestEditStrictness(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	png := func(name string) Part { return Part{Name: name, FileName: "a.png", ContentType: "image/png"} }
	many := func(n int) ([]Part, [][]byte) {
		var ps []Part
		var ds [][]byte
		for range n {
			ps = append(ps, png("image[]"))
			ds = append(ds, tinyPNG)
		}
		return ps, ds
	}
	sixteen, d16 := many(16)
	seventeen, d17 := many(17)
	tests := []struct {
		name   string
		fields map[string]string
		files  []Part
		data   [][]byte
		status int
		param  any
	}{
		{"one image", map[string]string{"model": "gpt-image-1", "prompt": "x"}, []Part{png("image")}, [][]byte{tinyPNG}, 200, nil},
		{"sixteen images", map[string]string{"model": "gpt-image-1", "prompt": "x"}, sixteen, d16, 200, nil},
		{"seventeen images", map[string]string{"model": "gpt-image-1", "prompt": "x"}, seventeen, d17, 400, "image"},
		{"mislabelled image", map[string]string{"model": "gpt-image-1", "prompt": "x"}, []Part{{Name: "image", FileName: "a.jpg", ContentType: "image/jpeg"}}, [][]byte{tinyPNG}, 400, "image"},
		{"not an image", map[string]string{"model": "gpt-image-1", "prompt": "x"}, []Part{png("image")}, [][]byte{[]byte("text")}, 400, "image"},
		{"no image", map[string]string{"model": "gpt-image-1", "prompt": "x"}, nil, nil, 400, "image"},
		{"dall-e-3 edits nothing", map[string]string{"model": "dall-e-3", "prompt": "x"}, []Part{png("image")}, [][]byte{tinyPNG}, 400, "model"},
		{"n as text", map[string]string{"model": "gpt-image-1", "prompt": "x", "n": "two"}, []Part{png("image")}, [][]byte{tinyPNG}, 400, "n"},
		{"mask", map[string]string{"model": "gpt-image-1", "prompt": "x"}, []Part{png("image"), png("mask")}, [][]byte{tinyPNG, tinyPNG}, 200, nil},
	}
	for _, tt := range tests {
		body, ctype := editBody(t, tt.fields, tt.files, tt.data)
		status, doc := post(t, s, "/images/edits", ctype, body)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d (%v)", tt.name, status, tt.status, doc)
			continue
		}
		if tt.status != 200 {
			if e, _ := doc["error"].(map[string]any); e == nil || e["param"] != tt.param {
				t.Errorf("%s: error %v, want param %v", tt.name, doc, tt.param)
			}
		}
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; len(last.Parts) != 4 || last.Parts[3].Name != "mask" || !strings.HasSuffix(last.Path, "/v1/images/edits") {
		t.Errorf("recorded %+v", last)
	}
}

func TestWrongKeyIs401(t *testing.T) {
	t.Parallel()
	s := New()
	defer s.Close()
	s.SetAPIKey("other")
	status, doc := post(t, s, "/images/generations", "application/json", []byte(`{"model":"gpt-image-1","prompt":"x"}`))
	if e, _ := doc["error"].(map[string]any); status != 401 || e == nil || e["code"] != "invalid_api_key" {
		t.Errorf("status %d, %v", status, doc)
	}
}
