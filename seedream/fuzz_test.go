package seedream

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fuzzPNG is a 16x16 PNG: the image every fuzzed URL serves, and the
// b64_json of the seed answers.
var fuzzPNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 16))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// imageHost answers every download in-process, so that a URL in a fuzzed
// answer never reaches the network: a path containing "gone" is an
// expired link, any other is the PNG.
type imageHost struct{}

func (imageHost) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"image/png"}},
		Body: io.NopCloser(bytes.NewReader(fuzzPNG)), ContentLength: int64(len(fuzzPNG)), Request: r}
	if strings.Contains(r.URL.Path, "gone") {
		resp.StatusCode, resp.ContentLength = http.StatusForbidden, -1
		resp.Body = io.NopCloser(strings.NewReader("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"))
	}
	return resp, nil
}

// fuzzAnswer reads data as a 2xx answer of contentType the way
// generateOnce does, and checks what must hold whatever the server sent:
// every image on disk is in the result and in dir, and nothing else is
// left in dir.
func fuzzAnswer(t *testing.T, data []byte, contentType string) {
	c, err := NewClient(Config{
		BaseURL: "http://api.invalid/api/v3", APIKey: "k", HTTPClient: &http.Client{Transport: imageHost{}},
		MaxRetries: NoRetries, MaxImageBytes: 1 << 16,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx := context.Background()
	var answered []AnswerItem
	a := &answer{
		c: c, ctx: ctx, req: &Request{Model: "ep-fuzz", Prompt: "p", Stream: true},
		opts: Options{
			Dir:      dir,
			OnAnswer: func(ans Answer) error { answered = append(answered, ans.Items...); return nil },
			OnImage: func(img Image) {
				if filepath.Dir(img.Path) != dir {
					t.Errorf("image %d reported at %s, outside %s", img.Index, img.Path, dir)
				}
			},
		},
		body:    &trackedReader{r: bytes.NewReader(data)},
		res:     &Result{},
		release: func() {},
	}
	res, e, _ := a.read(ctx, http.StatusOK, contentType)
	if e == nil && (res == nil || len(res.Images)+len(res.Failed) == 0) {
		t.Fatalf("success with nothing in it: %+v", res)
	}
	if e != nil {
		_ = e.Error()
	}
	var want []string
	if res != nil {
		slots := map[int]bool{}
		for _, img := range res.Images {
			if filepath.Dir(img.Path) != dir {
				t.Errorf("image %d at %s, outside %s", img.Index, img.Path, dir)
			}
			if slots[img.Index] {
				t.Errorf("slot %d holds two images", img.Index)
			}
			slots[img.Index] = true
			want = append(want, filepath.Base(img.Path))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range entries {
		got = append(got, en.Name())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files in the directory %v, images returned %v", got, want)
	}
}

var fuzzB64 = base64.StdEncoding.EncodeToString(fuzzPNG)

// FuzzSSE feeds the stream reader arbitrary event streams.
func FuzzSSE(f *testing.F) {
	for _, s := range []string{
		// SEEDREAM_API.md "Streaming": two images, url and b64_json.
		"event: image_generation.partial_succeeded\ndata: {\"type\":\"image_generation.partial_succeeded\",\"model\":\"doubao-seedream-4-0-250828\",\"created\":1757469067,\"image_index\":0,\"url\":\"https://cdn.example.com/0.jpeg?X-Tos-Expires=86400\",\"size\":\"16x16\"}\n\n" +
			"event: image_generation.partial_succeeded\ndata: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":1,\"b64_json\":\"" + fuzzB64 + "\",\"size\":\"16x16\"}\n\n" +
			"event: image_generation.completed\ndata: {\"type\":\"image_generation.completed\",\"model\":\"doubao-seedream-4-0-250828\",\"created\":1757469067,\"usage\":{\"generated_images\":2,\"output_tokens\":2,\"total_tokens\":2}}\n\n" +
			"data: [DONE]\n\n",
		// A filtered slot between two images, CRLF line ends.
		"event: image_generation.partial_succeeded\r\ndata: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":0,\"b64_json\":\"" + fuzzB64 + "\"}\r\n\r\n" +
			"event: image_generation.partial_failed\r\ndata: {\"type\":\"image_generation.partial_failed\",\"image_index\":1,\"error\":{\"code\":\"OutputImageSensitiveContentDetected\",\"message\":\"m\"}}\r\n\r\n" +
			"event: image_generation.partial_succeeded\r\ndata: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":2,\"url\":\"https://cdn.example.com/2.jpeg\"}\r\n\r\n" +
			"event: image_generation.completed\r\ndata: {\"type\":\"image_generation.completed\"}\r\n\r\ndata: [DONE]\r\n\r\n",
		// Comments, a split data line, the index after the image.
		": keep-alive\n\nevent: image_generation.partial_succeeded\ndata: {\"b64_json\":\"" + fuzzB64 + "\",\ndata: \"image_index\":3,\"size\":\"16×16\"}\n\nevent: image_generation.completed\ndata: {}\n\n",
		// An expired URL, a fatal error frame, a cut stream.
		"data: {\"type\":\"image_generation.partial_succeeded\",\"url\":\"https://cdn.example.com/gone.jpeg\"}\n\ndata: {\"type\":\"image_generation.completed\"}\n\n",
		"event: image_generation.partial_succeeded\ndata: {\"image_index\":0,\"b64_json\":\"" + fuzzB64 + "\"}\n\ndata: {\"error\":{\"code\":\"InternalServiceError\",\"message\":\"boom Request ID: 2025\"}}\n\n",
		"event: image_generation.partial_succeeded\ndata: {\"image_index\":0,\"b64_json\":\"" + fuzzB64[:20],
		"data: [DONE]\n\n",
		"event: x\n\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzAnswer(t, data, "text/event-stream; charset=utf-8")
	})
}

// FuzzAnswer feeds the non-streaming answer reader arbitrary bodies.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{
		// SEEDREAM_API.md "Response (non-streaming)".
		`{"model":"doubao-seedream-4-5-251128","created":1757469067,"data":[{"url":"https://cdn.example.com/a.jpeg","size":"16x16"},{"b64_json":"` + fuzzB64 + `","size":"16x16"},{"error":{"code":"OutputImageSensitiveContentDetected","message":"m"}}],"usage":{"generated_images":2,"output_tokens":32768,"total_tokens":32768}}`,
		// A relay's shape: fields out of order, extra usage fields, "×".
		`{"usage":{"prompt_tokens":3,"completion_tokens":"9"},"data":[{"size":"16×16","b64_json":"` + fuzzB64 + `","revised_prompt":"x"}],"created":"17"}`,
		`{"error":{"code":"InternalServiceError","message":"m Request ID: 2025","param":"","type":"InternalServerError"}}`,
		`{"data":[{"b64_json":"` + fuzzB64 + `","size":"32x32"},{"url":"https://cdn.example.com/gone.jpeg"}]}`,
		`{"data":[{"b64_json":"%%% not base64 %%%"},{"b64_json":"PGh0bWw+"},{}]}`,
		`{"data":[{"b64_json":"` + fuzzB64[:30],
		`{"data":[]}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzAnswer(t, data, "application/json")
	})
}
