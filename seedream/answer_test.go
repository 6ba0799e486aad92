package seedream

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const key = "sk-secret-key-42"

func pngB64(t *testing.T, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// serve answers every request with contentType and body; body may use
// {{IMG}} for a 16x16 PNG in base64 and {{URL}} for a URL on the server
// that serves that PNG.
func serve(t *testing.T, status int, contentType, body string) *Client {
	t.Helper()
	img := pngB64(t, 16, 16)
	raw, _ := base64.StdEncoding.DecodeString(img)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/img.png" {
			if r.Header.Get("Authorization") != "" {
				t.Error("the API key was sent to the image host")
			}
			w.Write(raw)
			return
		}
		b := strings.ReplaceAll(body, "{{IMG}}", img)
		b = strings.ReplaceAll(b, "{{URL}}", srv.URL+"/img.png")
		if r.Header.Get("X-Client-Request-Id") == "" {
			t.Error("the request has no X-Client-Request-Id")
		}
		w.Header().Set("Content-Type", contentType)
		w.Header()["x-request-id"] = []string{"req-1"} // as the vendor spells it
		w.WriteHeader(status)
		fmt.Fprint(w, b)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{BaseURL: srv.URL + "/api/v3", APIKey: key, MaxRetries: -1, ResponseFormat: FormatB64JSON})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAnswerShapes reads answers in the shapes relays and the vendor send:
// any field order, unknown fields, "×" sizes, SSE framing variants.
func TestAnswerShapes(t *testing.T) {
	const sse = "text/event-stream; charset=utf-8"
	tests := []struct {
		name, contentType, body string
		want                    *Result
		wantErr                 string
	}{{
		name:        "fields in any order, unknown fields, × size",
		contentType: "application/json",
		body: `{"usage":{"prompt_tokens":3,"generated_images":2,"total_tokens":"32"},"extra":[{"a":null}],
			"data":[{"size":"16×16","b64_json":"{{IMG}}","revised_prompt":"x"},{"url":"{{URL}}"}],"created":17,"model":"m"}`,
		want: &Result{Model: "m", Created: 17, RequestID: "req-1",
			Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}, {Index: 1, Width: 16, Height: 16, Format: "png"}},
			Usage:  Usage{GeneratedImages: 2, TotalTokens: 32}},
	}, {
		name:        "usage with input images and tool usage",
		contentType: "application/json",
		body: `{"model":"m","data":[{"b64_json":"{{IMG}}"}],"usage":{"generated_images":1,"input_images":3,
			"tool_usage":{"web_search":2,"future_tool":{"calls":1},"other":"x"}}}`,
		want: &Result{Model: "m", RequestID: "req-1", Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}},
			Usage: Usage{GeneratedImages: 1, InputImages: 3, ToolUsage: map[string]int{"web_search": 2}}},
	}, {
		name:        "stream with CRLF, comments, split data lines and late image_index",
		contentType: sse,
		body: ": keep-alive\r\n\r\nevent: image_generation.partial_succeeded\r\ndata: {\"b64_json\":\"{{IMG}}\",\r\ndata: \"image_index\":1,\"size\":\"16x16\"}\r\n\r\n" +
			"event: image_generation.partial_failed\ndata: {\"type\":\"image_generation.partial_failed\",\"image_index\":0,\"error\":{\"code\":\"OutputImageSensitiveContentDetected\",\"message\":\"no\"}}\n\n" +
			"event: image_generation.completed\ndata: {\"type\":\"image_generation.completed\",\"model\":\"m\",\"created\":5,\"usage\":{\"generated_images\":1}}\n\ndata: [DONE]\n\n",
		want: &Result{Model: "m", Created: 5, RequestID: "req-1",
			Images: []Image{{Index: 1, Width: 16, Height: 16, Format: "png"}},
			Failed: []ItemError{{Index: 0, Code: "OutputImageSensitiveContentDetected", Message: "no"}},
			Usage:  Usage{GeneratedImages: 1}},
	}, {
		name:        "stream without [DONE]",
		contentType: sse,
		body:        "data: {\"type\":\"image_generation.partial_succeeded\",\"url\":\"{{URL}}\"}\n\ndata: {\"type\":\"image_generation.completed\"}\n\n",
		want: &Result{RequestID: "req-1",
			Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}}},
	}, {
		name:        "a preview of an unknown event type is no result",
		contentType: sse,
		body: "event: image_generation.partial_image\ndata: {\"type\":\"image_generation.partial_image\",\"image_index\":0,\"b64_json\":\"{{IMG}}\"}\n\n" +
			"event: image_generation.partial_succeeded\ndata: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":0,\"url\":\"{{URL}}\"}\n\n" +
			"event: image_generation.completed\ndata: {\"type\":\"image_generation.completed\"}\n\ndata: [DONE]\n\n",
		want: &Result{RequestID: "req-1", Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}}},
	}, {
		name:        "an event with neither name nor type still delivers its image",
		contentType: sse,
		body:        "data: {\"b64_json\":\"{{IMG}}\"}\n\ndata: {\"type\":\"image_generation.completed\"}\n\n",
		want:        &Result{RequestID: "req-1", Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}}},
	}, {
		// Both are paid for: neither is thrown away.
		name:        "a slot twice keeps both images",
		contentType: sse,
		body: "data: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":1,\"b64_json\":\"{{IMG}}\"}\n\n" +
			"data: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":1,\"b64_json\":\"{{IMG}}\"}\n\n" +
			"data: {\"type\":\"image_generation.completed\"}\n\n",
		want: &Result{RequestID: "req-1", Images: []Image{{Index: 1, Width: 16, Height: 16, Format: "png"}, {Index: 1, Width: 16, Height: 16, Format: "png"}}},
	}, {
		name:        "wrong stated size",
		contentType: "application/json",
		body:        `{"data":[{"b64_json":"{{IMG}}","size":"32x32"}]}`,
		wantErr:     "image 1 is 16x16, the answer said 32x32",
	}, {
		name:        "no images",
		contentType: "application/json",
		body:        `{"data":[]}`,
		wantErr:     "the answer holds no images",
	}, {
		name:        "[DONE] before anything",
		contentType: sse,
		body:        "data: [DONE]\n\n",
		wantErr:     "answer cut short: stream ended with [DONE] before any image",
	}, {
		name:        "a single image and [DONE], no completed event",
		contentType: sse,
		body: "event: image_generation.partial_succeeded\ndata: {\"type\":\"image_generation.partial_succeeded\",\"model\":\"m\",\"image_index\":0,\"b64_json\":\"{{IMG}}\",\"size\":\"16x16\"}\n\n" +
			"data: [DONE]\n\n",
		want: &Result{Model: "m", RequestID: "req-1", Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}}},
	}, {
		name:        "an image, then cut before [DONE]",
		contentType: sse,
		body:        "event: image_generation.partial_succeeded\ndata: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":0,\"b64_json\":\"{{IMG}}\"}\n\n",
		wantErr:     "stream ended before image_generation.completed",
	}, {
		name:        "a corrupt preview does not abort the answer",
		contentType: sse,
		body: "event: image_generation.partial_image\ndata: {\"type\":\"image_generation.partial_image\",\"image_index\":0,\"b64_json\":\"%%% not base64 %%%\"}\n\n" +
			"data: {\"b64_json\":\"aGVsbG8=\",\"type\":\"image_generation.partial_image\",\"image_index\":0}\n\n" +
			"event: image_generation.partial_succeeded\ndata: {\"type\":\"image_generation.partial_succeeded\",\"image_index\":0,\"url\":\"{{URL}}\"}\n\n" +
			"event: image_generation.completed\ndata: {\"type\":\"image_generation.completed\"}\n\ndata: [DONE]\n\n",
		want: &Result{RequestID: "req-1", Images: []Image{{Index: 0, Width: 16, Height: 16, Format: "png"}}},
	}, {
		name:        "error frame",
		contentType: sse,
		body:        "data: {\"error\":{\"code\":\"InternalServiceError\",\"message\":\"boom Request ID: abc\"}}\n\n",
		wantErr:     "InternalServiceError: boom Request ID: abc",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serve(t, 200, tt.contentType, tt.body)
			res, err := c.Generate(context.Background(), &Request{Model: "ep-x", Prompt: "p", Stream: true}, Options{Dir: t.TempDir()})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range res.Images {
				res.Images[i].Path, res.Images[i].SHA256, res.Images[i].Bytes = "", "", 0
			}
			if res.ClientRequestID == "" {
				t.Error("the result has no client request id")
			}
			if diff := cmp.Diff(tt.want, res, cmpopts.IgnoreFields(Result{}, "ClientRequestID")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrorAnswers reads error bodies of every shape, and checks that a
// key the server echoes never comes out.
func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		status      int
		contentType string
		body        string
		want        *Error
	}{
		{400, "application/json", `{"error":{"code":"InvalidParameter","message":"bad size. Request ID: 2025abc","param":"size","type":"BadRequest"}}`,
			&Error{Op: "generate", StatusCode: 400, Code: "InvalidParameter", Message: "bad size. Request ID: 2025abc", Param: "size", Type: "BadRequest", RequestID: "req-1", Attempts: 1}},
		{401, "application/json", `{"error":{"code":"AuthenticationError","message":"the key ` + key + ` is invalid"}}`,
			&Error{Op: "generate", StatusCode: 401, Code: "AuthenticationError", Message: "the key [redacted] is invalid", RequestID: "req-1", Attempts: 1}},
		{403, "application/xml", `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`,
			&Error{Op: "generate", StatusCode: 403, Code: "AccessDenied", Message: "Request has expired", RequestID: "req-1", Attempts: 1}},
		{429, "application/json", `{"code":"QuotaExceeded","message":"no more"}`,
			&Error{Op: "generate", StatusCode: 429, Code: "QuotaExceeded", Message: "no more", RequestID: "req-1", Attempts: 1}},
		{502, "text/html", "<html>\n<body>Bad gateway " + key + "</body></html>",
			&Error{Op: "generate", StatusCode: 502, Message: "<html> <body>Bad gateway [redacted]</body></html>", RequestID: "req-1", Attempts: 1, Transient: true}},
	}
	for _, tt := range tests {
		c := serve(t, tt.status, tt.contentType, tt.body)
		_, err := c.Generate(context.Background(), &Request{Model: "ep-x", Prompt: "p"}, Options{Dir: t.TempDir()})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%d: %v", tt.status, err)
		}
		if e.ClientRequestID == "" {
			t.Errorf("%d: no client request id", tt.status)
		}
		if diff := cmp.Diff(tt.want, e, cmpopts.IgnoreFields(Error{}, "ClientRequestID")); diff != "" {
			t.Errorf("%d (-want +got):\n%s", tt.status, diff)
		}
		for _, f := range []string{"%v", "%+v", "%#v"} {
			if strings.Contains(fmt.Sprintf(f, err), key) {
				t.Errorf("%d: the key is in %s", tt.status, f)
			}
		}
	}
}

// TestRequestIDs: the server's id comes from the x-request-id header, else
// from the message's "Request id: ..." in any case; a new
// X-Client-Request-Id goes with every attempt, and names a failure that
// brought no server id.
func TestRequestIDs(t *testing.T) {
	tests := []struct {
		name, header, message string
		wantID                string
	}{
		{"header", "0217a", "bad size. Request id: 0217b", "0217a"},
		{"lowercase id in the message", "", "bad size. Request id: 0217b", "0217b"},
		{"uppercase ID in the message", "", "bad size. Request ID: r9", "r9"},
		{"none", "", "bad size", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu   sync.Mutex
				sent []string
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				sent = append(sent, r.Header.Get("X-Client-Request-Id"))
				mu.Unlock()
				if tt.header != "" {
					w.Header()["x-request-id"] = []string{tt.header}
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, `{"error":{"code":"ServerOverloaded","message":%q}}`, tt.message)
			}))
			defer srv.Close()
			c, err := NewClient(Config{BaseURL: srv.URL, APIKey: key, MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Generate(context.Background(), &Request{Model: "ep-x", Prompt: "p"}, Options{Dir: t.TempDir()})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if e.RequestID != tt.wantID {
				t.Errorf("request id %q, want %q", e.RequestID, tt.wantID)
			}
			if len(sent) != 3 || sent[0] == "" || sent[0] == sent[1] || sent[1] == sent[2] || e.ClientRequestID != sent[2] {
				t.Errorf("sent ids %q, the error names %q: want a new id per attempt, the last one named", sent, e.ClientRequestID)
			}
			shown := tt.wantID
			if shown == "" {
				shown = "client request id " + e.ClientRequestID
			}
			if !strings.Contains(err.Error(), shown) {
				t.Errorf("%q does not show %q", err, shown)
			}
		})
	}
}
