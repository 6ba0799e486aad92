package openai_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/openai/openaitest"
)

const key = "sk-openai-test-secret-0123456789"

func newClient(t *testing.T, mutate ...func(*openai.Config)) (*openaitest.Server, *openai.Client) {
	t.Helper()
	srv := openaitest.New()
	srv.SetAPIKey(key)
	t.Cleanup(srv.Close)
	cfg := openai.Config{BaseURL: srv.BaseURL(), APIKey: key, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Timeout: 30 * time.Second}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := openai.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func writePNG(t *testing.T, dir, name string) string {
	t.Helper()
	// The smallest valid PNG: 1x1, one grey pixel.
	data := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenerateWritesCheckedImages(t *testing.T) {
	t.Parallel()
	ref := writePNG(t, t.TempDir(), "ref.png")
	tests := []struct {
		name      string
		req       openai.Request
		wantFiles int
		wantSize  [2]int
		format    string
	}{
		{"one png", openai.Request{Model: "gpt-image-1", Prompt: "a cat", Size: "1024x1024", OutputFormat: "png"}, 1, [2]int{1024, 1024}, "png"},
		{"a set of jpegs", openai.Request{Model: "gpt-image-1-mini", Prompt: "cats", N: 3, Size: "1536x1024", OutputFormat: "jpeg", OutputCompression: ptr(70)}, 3, [2]int{1536, 1024}, "jpeg"},
		{"webp", openai.Request{Model: "gpt-image-1", Prompt: "a cat", Size: "1024x1536", OutputFormat: "webp", OutputCompression: ptr(60)}, 1, [2]int{1024, 1536}, "webp"},
		{"flexible size", openai.Request{Model: "gpt-image-2", Prompt: "wide", Size: "1280x720", OutputFormat: "png"}, 1, [2]int{1280, 720}, "png"},
		{"an edit", openai.Request{Model: "gpt-image-1.5", Prompt: "edit", Images: []string{ref, ref}, OutputFormat: "png"}, 1, [2]int{1024, 1024}, "png"},
		{"dall-e-3 b64", openai.Request{Model: "dall-e-3", Prompt: "retro", Size: "1792x1024", Quality: "hd", Style: "vivid", ResponseFormat: "b64_json"}, 1, [2]int{1792, 1024}, "png"},
		{"dall-e-3 url", openai.Request{Model: "dall-e-3", Prompt: "retro", Size: "1024x1024", ResponseFormat: "url"}, 1, [2]int{1024, 1024}, "png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, c := newClient(t)
			dir := t.TempDir()
			var answered []openai.AnswerItem
			res, err := c.Generate(context.Background(), &tt.req, openai.Options{Dir: dir,
				OnAnswer: func(a openai.Answer) error { answered = a.Items; return nil }})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Images) != tt.wantFiles || len(answered) != tt.wantFiles {
				t.Fatalf("%d images, %d answered, want %d", len(res.Images), len(answered), tt.wantFiles)
			}
			for _, im := range res.Images {
				if im.Width != tt.wantSize[0] || im.Height != tt.wantSize[1] || im.Format != tt.format {
					t.Errorf("image %d is %dx%d %s", im.Index, im.Width, im.Height, im.Format)
				}
				if st, err := os.Stat(im.Path); err != nil || st.Size() != im.Bytes || filepath.Dir(im.Path) != dir {
					t.Errorf("image %d: %v, file %s", im.Index, err, im.Path)
				}
			}
		})
	}
}

func ptr(n int) *int { return &n }

func TestGenerateFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      openaitest.Fault
		maxRetries int
		wantCalls  int
		wantErr    string // "" for success
		transient  bool
		wantImages int
	}{
		{"500 then success", openaitest.Fault{Kind: openaitest.KindStatus, Status: 500, Times: 2}, 0, 3, "", false, 1},
		{"429 honours retry-after", openaitest.Fault{Kind: openaitest.KindStatus, Status: 429, RetryAfter: time.Second}, 0, 2, "", false, 1},
		{"quota is permanent", openaitest.Fault{Kind: openaitest.KindStatus, Status: 429, Code: "insufficient_quota"}, 0, 1, "insufficient_quota", false, 0},
		{"400 is permanent", openaitest.Fault{Kind: openaitest.KindStatus, Status: 400, Code: "moderation_blocked"}, 0, 1, "moderation_blocked", false, 0},
		{"reset is retried", openaitest.Fault{Kind: openaitest.KindReset}, 0, 2, "", false, 1},
		{"retries run out", openaitest.Fault{Kind: openaitest.KindStatus, Status: 503, Times: 5}, 2, 3, "HTTP 503", true, 0},
		{"truncated answer is asked again", openaitest.Fault{Kind: openaitest.KindTruncate}, 0, 2, "", false, 1},
		{"invalid json is not retried", openaitest.Fault{Kind: openaitest.KindInvalidJSON}, 0, 1, "reading the answer", false, 0},
		{"not an image", openaitest.Fault{Kind: openaitest.KindNotAnImage}, 0, 1, "", false, 0},
		{"wrong size", openaitest.Fault{Kind: openaitest.KindWrongSize}, 0, 1, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := newClient(t, func(cfg *openai.Config) {
				if tt.maxRetries != 0 {
					cfg.MaxRetries = tt.maxRetries
				}
			})
			srv.Inject(tt.fault)
			dir := t.TempDir()
			res, err := c.Generate(context.Background(), &openai.Request{Model: "gpt-image-1", Prompt: "x", Size: "1024x1024", OutputFormat: "png"}, openai.Options{Dir: dir})
			if srv.Count() != tt.wantCalls {
				t.Errorf("%d requests, want %d", srv.Count(), tt.wantCalls)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			case tt.wantErr != "" && openai.IsTransient(err) != tt.transient:
				t.Errorf("transient = %v, want %v", openai.IsTransient(err), tt.transient)
			}
			if err != nil && strings.Contains(err.Error(), key) {
				t.Errorf("the error holds the API key: %v", err)
			}
			got := 0
			if res != nil {
				got = len(res.Images)
				if tt.wantImages == 0 && tt.wantErr == "" && len(res.Failed) != 1 {
					t.Errorf("failed slots %v, want the one unusable image", res.Failed)
				}
			}
			if got != tt.wantImages {
				t.Errorf("%d images, want %d", got, tt.wantImages)
			}
			left, _ := os.ReadDir(dir)
			if len(left) != got {
				t.Errorf("%d files left in the directory, want %d", len(left), got)
			}
		})
	}
}

func TestGenerateCorruptSlotKeepsTheOthers(t *testing.T) {
	t.Parallel()
	srv, c := newClient(t)
	srv.Inject(openaitest.Fault{Kind: openaitest.KindCorruptBase64, Index: 1})
	res, err := c.Generate(context.Background(), &openai.Request{Model: "gpt-image-1", Prompt: "x", N: 3, OutputFormat: "png"}, openai.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Images) != 2 || len(res.Failed) != 1 || res.Failed[0].Index != 1 {
		t.Errorf("images %d, failed %+v: want slots 0 and 2 kept, 1 failed", len(res.Images), res.Failed)
	}
}

// A slot holding half an image (a whole header, no end) is a failed slot,
// never an image: the other slots are kept.
func TestGenerateTruncatedImageIsNoImage(t *testing.T) {
	t.Parallel()
	srv, c := newClient(t)
	srv.Inject(openaitest.Fault{Kind: openaitest.KindTruncatedImage, Index: 1})
	res, err := c.Generate(context.Background(), &openai.Request{Model: "gpt-image-1", Prompt: "x", N: 3, OutputFormat: "png"}, openai.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Images) != 2 || len(res.Failed) != 1 || res.Failed[0].Index != 1 || !strings.Contains(res.Failed[0].Message, "cut short") {
		t.Errorf("images %d, failed %+v: want slots 0 and 2 kept, 1 failed as cut short", len(res.Images), res.Failed)
	}
}

func TestDownloadFaultIsRetried(t *testing.T) {
	t.Parallel()
	srv, c := newClient(t)
	srv.Inject(openaitest.Fault{Kind: openaitest.KindDownloadStatus, Status: 503, Times: 2})
	res, err := c.Generate(context.Background(), &openai.Request{Model: "dall-e-3", Prompt: "x", ResponseFormat: "url"}, openai.Options{Dir: t.TempDir()})
	if err != nil || len(res.Images) != 1 {
		t.Fatalf("%v, %v", res, err)
	}
}

func TestRequestFailsOnBadReference(t *testing.T) {
	t.Parallel()
	srv, c := newClient(t)
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("not an image"), 0o644)
	_, err := c.Generate(context.Background(), &openai.Request{Model: "gpt-image-1", Prompt: "x", Images: []string{bad}}, openai.Options{Dir: t.TempDir()})
	var e *openai.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "not a PNG, JPEG or WebP") || srv.Count() != 0 {
		t.Errorf("err %v after %d requests, want a local refusal", err, srv.Count())
	}
}

func TestKeyHeaders(t *testing.T) {
	t.Parallel()
	for header, want := range map[string]string{"": "bearer", openai.AuthBearer: "bearer", openai.AuthAPIKey: "api-key"} {
		srv, c := newClient(t, func(cfg *openai.Config) { cfg.KeyHeader = header })
		if _, err := c.Generate(context.Background(), &openai.Request{Model: "gpt-image-1", Prompt: "x", OutputFormat: "png"}, openai.Options{Dir: t.TempDir()}); err != nil {
			t.Errorf("key header %q: %v", header, err)
		}
		if got := srv.Requests()[0].Auth; got != want {
			t.Errorf("key header %q: the server saw the key as %q, want %q", header, got, want)
		}
	}
	if _, err := openai.NewClient(openai.Config{BaseURL: "http://127.0.0.1:1/v1", APIKey: key, KeyHeader: "basic"}); err == nil {
		t.Error("an unknown key header was taken")
	}
}
