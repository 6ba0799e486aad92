package seedream_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

const testKey = "sk-test-0123456789abcdef"

// newClient returns a client of s with fast retries.
func newClient(t *testing.T, s *seedreamtest.Server, edit func(*seedream.Config)) *seedream.Client {
	t.Helper()
	cfg := seedream.Config{
		BaseURL: s.BaseURL(), APIKey: testKey,
		MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
		Timeout: 5 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := seedream.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newServer(t *testing.T) *seedreamtest.Server {
	s := seedreamtest.New()
	t.Cleanup(s.Close)
	s.SetAPIKey(testKey)
	return s
}

// writePNG writes a w x h PNG and returns its path.
func writePNG(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("ref-%dx%d.png", w, h))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkFiles verifies that each image's file has the digest and size the
// result claims, and returns the images without their temp paths.
func checkFiles(t *testing.T, imgs []seedream.Image) []seedream.Image {
	t.Helper()
	var out []seedream.Image
	for _, img := range imgs {
		b, err := os.ReadFile(img.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != img.SHA256 || int64(len(b)) != img.Bytes {
			t.Errorf("image %d: file has sha256 %s and %d bytes, result says %s and %d", img.Index, got, len(b), img.SHA256, img.Bytes)
		}
		img.Path, img.SHA256, img.Bytes = "", "", 0
		out = append(out, img)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// TestGenerateModels sends a request to every model in both response
// formats and checks the body the server got field by field, and the
// images that came back.
func TestGenerateModels(t *testing.T) {
	ref := writePNG(t, 64, 48)
	refURI, err := seedream.ImageDataURI(ref, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		req      seedream.Request
		wantBody map[string]any
		want     []seedream.Image
	}{{
		name: "seedream-3.0",
		req: seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "a cat", Size: "512x512",
			Seed: ptr[int64](42), GuidanceScale: ptr(2.5)},
		wantBody: map[string]any{"model": "doubao-seedream-3-0-t2i-250415", "prompt": "a cat", "size": "512x512",
			"seed": 42.0, "guidance_scale": 2.5, "watermark": false},
		want: []seedream.Image{{Index: 0, Width: 512, Height: 512, Format: "jpeg"}},
	}, {
		name: "seededit-3.0",
		req: seedream.Request{Model: "doubao-seededit-3-0-i2i-250628", Prompt: "make it blue", Size: "adaptive",
			Images: []string{refURI}, Watermark: true},
		wantBody: map[string]any{"model": "doubao-seededit-3-0-i2i-250628", "prompt": "make it blue", "size": "adaptive",
			"image": refURI, "watermark": true},
		want: []seedream.Image{{Index: 0, Width: 64, Height: 48, Format: "jpeg"}},
	}, {
		name: "seedream-4.0 references and a set",
		req: seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "two panels", Size: "960x960",
			Images: []string{"https://example.com/a.png", refURI}, MaxImages: 2, OptimizePrompt: "fast"},
		wantBody: map[string]any{"model": "doubao-seedream-4-0-250828", "prompt": "two panels", "size": "960x960",
			"image": []any{"https://example.com/a.png", refURI}, "watermark": false,
			"sequential_image_generation":         "auto",
			"sequential_image_generation_options": map[string]any{"max_images": 2.0},
			"optimize_prompt_options":             map[string]any{"mode": "fast"}},
		want: []seedream.Image{
			{Index: 0, Width: 960, Height: 960, Format: "jpeg"},
			{Index: 1, Width: 960, Height: 960, Format: "jpeg"},
		},
	}, {
		name: "seedream-4.5 relay id",
		req:  seedream.Request{Model: "doubao-seedream-4-5", Prompt: "a hero", Size: "2560x1440"},
		wantBody: map[string]any{"model": "doubao-seedream-4-5", "prompt": "a hero", "size": "2560x1440",
			"watermark": false},
		want: []seedream.Image{{Index: 0, Width: 2560, Height: 1440, Format: "jpeg"}},
	}, {
		name: "seedream-5.0 png",
		req: seedream.Request{Model: "doubao-seedream-5-0-260128", Prompt: "an icon", Size: "1920x1920",
			OutputFormat: "png", OptimizePrompt: "standard"},
		wantBody: map[string]any{"model": "doubao-seedream-5-0-260128", "prompt": "an icon", "size": "1920x1920",
			"watermark": false, "output_format": "png", "optimize_prompt_options": map[string]any{"mode": "standard"}},
		want: []seedream.Image{{Index: 0, Width: 1920, Height: 1920, Format: "png"}},
	}}
	s := newServer(t)
	for _, format := range []string{seedream.FormatURL, seedream.FormatB64JSON} {
		c := newClient(t, s, func(cfg *seedream.Config) { cfg.ResponseFormat = format })
		for _, tt := range tests {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				before := len(s.Requests())
				res, err := c.Generate(context.Background(), &tt.req, seedream.Options{Dir: t.TempDir()})
				if err != nil {
					t.Fatal(err)
				}
				reqs := s.Requests()[before:]
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				wantBody := map[string]any{"response_format": format}
				for k, v := range tt.wantBody {
					wantBody[k] = v
				}
				if diff := cmp.Diff(wantBody, reqs[0].Body); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.want, checkFiles(t, res.Images)); diff != "" {
					t.Errorf("images (-want +got):\n%s", diff)
				}
				if res.Model == "" || res.Created == 0 || res.RequestID == "" || res.Usage.GeneratedImages != len(tt.want) {
					t.Errorf("result metadata missing: %+v", res)
				}
			})
		}
	}
}

// TestGenerateRelayBaseURL checks that "/images/generations" is appended
// to a relay's ".../v1" too.
func TestGenerateRelayBaseURL(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, func(cfg *seedream.Config) { cfg.BaseURL = s.URL() + "/v1/" })
	_, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-3-0", Prompt: "x", Size: "512x512"},
		seedream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Requests()[0].Path; got != "/v1/images/generations" {
		t.Errorf("path %q", got)
	}
}

// TestGenerateStream streams a set in both formats: each image is
// journaled before it is fetched and reported as it lands.
func TestGenerateStream(t *testing.T) {
	for _, format := range []string{seedream.FormatURL, seedream.FormatB64JSON} {
		t.Run(format, func(t *testing.T) {
			s := newServer(t)
			c := newClient(t, s, func(cfg *seedream.Config) { cfg.ResponseFormat = format })
			var events []string
			opts := seedream.Options{
				Dir: t.TempDir(),
				OnAnswer: func(a seedream.Answer) error {
					for _, it := range a.Items {
						if (it.URL != "") != (format == seedream.FormatURL) {
							t.Errorf("item %d: url %q in a %s answer", it.Index, it.URL, format)
						}
						events = append(events, fmt.Sprintf("answer %d (%d downloads so far)", it.Index, s.Downloads()))
					}
					return nil
				},
				OnImage: func(img seedream.Image) { events = append(events, fmt.Sprintf("image %d", img.Index)) },
			}
			req := &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "three panels [[fake: images=3]]",
				Size: "960x960", MaxImages: 4, Stream: true}
			res, err := c.Generate(context.Background(), req, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Requests()[0].Stream {
				t.Error("the request did not ask for a stream")
			}
			downloads := func(n int) int {
				if format == seedream.FormatURL {
					return n
				}
				return 0
			}
			want := []string{
				fmt.Sprintf("answer 0 (%d downloads so far)", downloads(0)), "image 0",
				fmt.Sprintf("answer 1 (%d downloads so far)", downloads(1)), "image 1",
				fmt.Sprintf("answer 2 (%d downloads so far)", downloads(2)), "image 2",
			}
			if diff := cmp.Diff(want, events); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if len(checkFiles(t, res.Images)) != 3 || res.Usage.GeneratedImages != 3 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

// TestGenerateItemErrors checks that a set keeps the images that came back
// and reports the lost slot, streamed or not.
func TestGenerateItemErrors(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprint("stream=", stream), func(t *testing.T) {
			s := newServer(t)
			c := newClient(t, s, nil)
			s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindItemError, Index: 1})
			req := &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "three panels", Size: "960x960",
				MaxImages: 3, Stream: stream}
			res, err := c.Generate(context.Background(), req, seedream.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, img := range res.Images {
				got = append(got, img.Index)
			}
			if diff := cmp.Diff([]int{0, 2}, got); diff != "" {
				t.Errorf("image slots (-want +got):\n%s", diff)
			}
			if len(res.Failed) != 1 || res.Failed[0].Index != 1 || res.Failed[0].Code != "OutputImageSensitiveContentDetected" {
				t.Errorf("failed slots %+v", res.Failed)
			}
		})
	}
}

// TestGenerateFaults plays every fault and checks whether it was retried
// (how many calls the server saw), what came back and what the error says.
func TestGenerateFaults(t *testing.T) {
	type fault = seedreamtest.Fault
	tests := []struct {
		name   string
		faults []fault
		format string
		stream bool
		// wantCalls is the generation requests the server saw.
		wantCalls int
		// wantErr is a substring of the error, "" for success.
		wantErr       string
		wantTransient bool
		// wantImages is how many images come back (with the error, if any).
		wantImages int
	}{
		{name: "500 then success", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 500, Times: 2}}, wantCalls: 3, wantImages: 1},
		{name: "502", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 502}}, wantCalls: 2, wantImages: 1},
		{name: "503", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 503}}, wantCalls: 2, wantImages: 1},
		{name: "504", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 504}}, wantCalls: 2, wantImages: 1},
		{name: "429 rate limit", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 429, Code: "ModelAccountIpmRateLimitExceeded"}}, wantCalls: 2, wantImages: 1},
		{name: "500 until out of retries", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 500, Times: 10}},
			wantCalls: 5, wantErr: "HTTP 500: InternalServiceError", wantTransient: true},
		{name: "429 quota", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 429, Code: "QuotaExceeded"}},
			wantCalls: 1, wantErr: "HTTP 429: QuotaExceeded"},
		{name: "400", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 400}}, wantCalls: 1, wantErr: "HTTP 400"},
		{name: "400 content filter", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 400, Code: "InputTextSensitiveContentDetected"}},
			wantCalls: 1, wantErr: "HTTP 400: InputTextSensitiveContentDetected"},
		{name: "401", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 401}}, wantCalls: 1, wantErr: "HTTP 401"},
		{name: "403", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 403}}, wantCalls: 1, wantErr: "HTTP 403"},
		{name: "404", faults: []fault{{Kind: seedreamtest.KindStatus, Status: 404}}, wantCalls: 1, wantErr: "HTTP 404"},
		{name: "reset", faults: []fault{{Kind: seedreamtest.KindReset}}, wantCalls: 2, wantImages: 1},
		{name: "hang", faults: []fault{{Kind: seedreamtest.KindHang}}, wantCalls: 2, wantImages: 1},
		{name: "truncated url answer", faults: []fault{{Kind: seedreamtest.KindTruncate}}, wantCalls: 2, wantImages: 1},
		{name: "truncated b64 answer", format: seedream.FormatB64JSON, faults: []fault{{Kind: seedreamtest.KindTruncate}}, wantCalls: 2, wantImages: 1},
		{name: "invalid JSON", faults: []fault{{Kind: seedreamtest.KindInvalidJSON}}, wantCalls: 1, wantErr: "invalid JSON"},
		{name: "corrupt base64", format: seedream.FormatB64JSON, faults: []fault{{Kind: seedreamtest.KindCorruptBase64}},
			wantCalls: 1, wantErr: "illegal base64"},
		{name: "not an image b64", format: seedream.FormatB64JSON, faults: []fault{{Kind: seedreamtest.KindNotAnImage}},
			wantCalls: 1, wantErr: "not an image"},
		{name: "not an image url", faults: []fault{{Kind: seedreamtest.KindNotAnImage}}, wantCalls: 1, wantErr: "not an image"},
		{name: "huge url body", faults: []fault{{Kind: seedreamtest.KindHugeBody}}, wantCalls: 1, wantErr: "image too large"},
		{name: "huge b64 body", format: seedream.FormatB64JSON, faults: []fault{{Kind: seedreamtest.KindHugeBody}},
			wantCalls: 1, wantErr: "image larger than the limit"},
		{name: "expired url", faults: []fault{{Kind: seedreamtest.KindExpiredURL}}, wantCalls: 1, wantErr: "HTTP 403: AccessDenied"},
		{name: "top-level error in a 2xx", faults: []fault{{Kind: seedreamtest.KindTopLevelError, Code: "InvalidParameter"}},
			wantCalls: 1, wantErr: "InvalidParameter"},
		{name: "top-level internal error in a 2xx", faults: []fault{{Kind: seedreamtest.KindTopLevelError, Code: "InternalServiceError"}},
			wantCalls: 2, wantImages: 1},
		{name: "stream cut after an image", stream: true, faults: []fault{{Kind: seedreamtest.KindStreamCut}},
			wantCalls: 1, wantErr: "stream ended before image_generation.completed", wantImages: 1},
		{name: "stream cut b64", stream: true, format: seedream.FormatB64JSON, faults: []fault{{Kind: seedreamtest.KindStreamCut}},
			wantCalls: 1, wantErr: "stream ended before image_generation.completed", wantImages: 1},
		{name: "error frame in a stream", stream: true, faults: []fault{{Kind: seedreamtest.KindTopLevelError, Code: "InvalidParameter"}},
			wantCalls: 1, wantErr: "InvalidParameter"},
		{name: "invalid JSON in a stream", stream: true, faults: []fault{{Kind: seedreamtest.KindInvalidJSON}},
			wantCalls: 1, wantErr: "invalid JSON"},
		{name: "truncated stream after an image", stream: true, faults: []fault{{Kind: seedreamtest.KindTruncate}},
			wantCalls: 1, wantErr: "answer cut short", wantImages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			for _, f := range tt.faults {
				s.Inject(f)
			}
			c := newClient(t, s, func(cfg *seedream.Config) {
				if tt.format != "" {
					cfg.ResponseFormat = tt.format
				}
				cfg.Timeout = 20 * time.Second
				if tt.name == "hang" {
					cfg.Timeout = 500 * time.Millisecond
				}
				cfg.MaxImageBytes = 1 << 20
			})
			req := &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "a fault", Size: "512x512"}
			if tt.stream {
				req = &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "a fault", Size: "960x960", MaxImages: 2, Stream: true}
			}
			dir := t.TempDir()
			res, err := c.Generate(context.Background(), req, seedream.Options{Dir: dir})
			if got := s.Count(); got != tt.wantCalls {
				t.Errorf("server saw %d requests, want %d", got, tt.wantCalls)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			}
			if err != nil {
				var e *seedream.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T is not a *seedream.Error", err)
				}
				if e.Attempts != tt.wantCalls || e.Transient != tt.wantTransient || seedream.IsTransient(err) != tt.wantTransient {
					t.Errorf("attempts %d transient %v, want %d %v", e.Attempts, e.Transient, tt.wantCalls, tt.wantTransient)
				}
				checkNoKey(t, err)
			}
			var images []seedream.Image
			if res != nil {
				images = checkFiles(t, res.Images)
			}
			if len(images) != tt.wantImages {
				t.Errorf("%d images, want %d", len(images), tt.wantImages)
			}
			// Every temp file is either returned or removed.
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(images) {
				t.Errorf("%d files left in the directory, %d images returned", len(entries), len(images))
			}
		})
	}
}

func checkNoKey(t *testing.T, err error) {
	t.Helper()
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if s := fmt.Sprintf(format, err); strings.Contains(s, testKey) {
			t.Errorf("the API key appears in the error formatted with %s: %s", format, s)
		}
	}
	var e *seedream.Error
	if errors.As(err, &e) && e.Err != nil {
		if s := fmt.Sprintf("%+v", e.Err); strings.Contains(s, testKey) {
			t.Errorf("the API key appears in the cause: %s", s)
		}
	}
}

// TestRetryAfter checks that a Retry-After in seconds is waited out.
func TestRetryAfter(t *testing.T) {
	s := newServer(t)
	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 503, RetryAfter: "1"})
	c := newClient(t, s, nil)
	start := time.Now()
	_, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x", Size: "512x512"},
		seedream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, the server asked for 1s", d)
	}
	if st := c.Stats(); st.Requests != 2 || st.Retries != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestWrongKey checks a 401 is not retried and does not leak the key.
func TestWrongKey(t *testing.T) {
	s := newServer(t)
	s.SetAPIKey("the-right-key")
	c := newClient(t, s, nil)
	_, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x"},
		seedream.Options{Dir: t.TempDir()})
	var e *seedream.Error
	if !errors.As(err, &e) || e.StatusCode != 401 || e.Transient || s.Count() != 1 || e.RequestID == "" {
		t.Fatalf("got %#v after %d calls", err, s.Count())
	}
	checkNoKey(t, err)
}

// TestCancel checks that cancelling stops a hung request at once and
// that the error says so.
func TestCancel(t *testing.T) {
	s := newServer(t)
	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindHang})
	c := newClient(t, s, func(cfg *seedream.Config) { cfg.Timeout = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Generate(ctx, &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x"}, seedream.Options{Dir: t.TempDir()})
	if !errors.Is(err, context.DeadlineExceeded) || seedream.IsTransient(err) || s.Count() != 1 {
		t.Fatalf("got %v (transient %v) after %d calls", err, seedream.IsTransient(err), s.Count())
	}
}

// TestAdaptiveParallelism runs many requests with parallelism 64 against
// a server that takes 16: the client must back off to few 429s. A client
// that kept 64 in flight would see most of its requests throttled; this
// adaptive one about a tenth of them on so short a run, where slow start's
// first burst weighs most. The 10% target itself is measured at full size
// by the apply-400-p64 benchmark (BENCHMARKS.md), not timed here.
func TestAdaptiveParallelism(t *testing.T) {
	s := newServer(t)
	s.SetMaxInFlight(16)
	s.SetLatency(20 * time.Millisecond)
	c := newClient(t, s, func(cfg *seedream.Config) {
		cfg.Parallelism = 64
		cfg.ResponseFormat = seedream.FormatB64JSON
		cfg.MaxRetries = 20
	})
	const n = 250
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: fmt.Sprint("tile ", i%4), Size: "512x512"}
			res, err := c.Generate(context.Background(), req, seedream.Options{Dir: t.TempDir()})
			if err != nil {
				failed.Add(1)
				t.Error(err)
				return
			}
			os.Remove(res.Images[0].Path)
		}()
	}
	wg.Wait()
	st := c.Stats()
	ratio := float64(st.Throttled) / float64(st.Requests)
	t.Logf("%d requests, %d throttled (%.1f%%), limit now %d, server max in flight %d",
		st.Requests, st.Throttled, 100*ratio, st.Limit, s.MaxObservedInFlight())
	if ratio > 0.20 {
		t.Errorf("%.1f%% of requests were throttled, want at most 20%%", 100*ratio)
	}
	if st.Requests != int64(s.Count()) || st.Requests != n+st.Throttled {
		t.Errorf("stats %+v, server count %d", st, s.Count())
	}
}

// TestThrottledRetryPacing: a 429 answered while the server is full with
// the client's earlier requests is retried as soon as one of them
// finishes, with no timer on top; a 429 with nothing earlier in flight
// waits out the backoff. The backoff is an hour, so a retry that slept
// would miss the context's deadline.
func TestThrottledRetryPacing(t *testing.T) {
	s := newServer(t)
	s.SetMaxInFlight(2)
	s.SetLatency(50 * time.Millisecond)
	c := newClient(t, s, func(cfg *seedream.Config) {
		cfg.Parallelism = 3
		cfg.ResponseFormat = seedream.FormatB64JSON
		cfg.MinBackoff, cfg.MaxBackoff = time.Hour, time.Hour
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			req := &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: fmt.Sprint("paced ", i), Size: "512x512"}
			if _, err := c.Generate(ctx, req, seedream.Options{Dir: t.TempDir()}); err != nil {
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if st := c.Stats(); st.Throttled != 1 || st.Requests != 4 {
		t.Errorf("stats %+v, want 4 requests of which 1 throttled", st)
	}

	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 429, Code: "ServerOverloaded"})
	short, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	_, err := c.Generate(short, &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "alone", Size: "512x512"}, seedream.Options{Dir: t.TempDir()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a 429 with nothing else in flight was retried without its backoff: %v", err)
	}
}

// TestImagesPerMinute checks that 600 IPM never starts more than about
// 10 images in any one-second window, and that a set counts its images.
func TestImagesPerMinute(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 2s")
	}
	s := newServer(t)
	c := newClient(t, s, func(cfg *seedream.Config) {
		cfg.Parallelism = 32
		cfg.ImagesPerMinute = 600
		cfg.ResponseFormat = seedream.FormatB64JSON
	})
	generate := func(req *seedream.Request) {
		if _, err := c.Generate(context.Background(), req, seedream.Options{Dir: t.TempDir()}); err != nil {
			t.Error(err)
		}
	}
	// A set of 5 takes half a second of the budget on its own.
	generate(&seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "set", Size: "960x960", MaxImages: 5})
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			generate(&seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "single", Size: "512x512"})
		}()
	}
	wg.Wait()
	var starts []time.Time
	for _, r := range s.Requests() {
		starts = append(starts, r.Time)
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	if d := starts[1].Sub(starts[0]); d < 400*time.Millisecond {
		t.Errorf("a single image started %v after a set of 5 at 10 images a second", d)
	}
	for i := 1; i < len(starts); i++ {
		j := i
		for j < len(starts) && starts[j].Sub(starts[i]) < time.Second {
			j++
		}
		if j-i > 11 {
			t.Fatalf("%d images started within a second of %v", j-i, starts[i])
		}
	}
}

// TestDownload finishes a journaled answer: the URL from OnAnswer is
// fetched again later with Download.
func TestDownload(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, nil)
	var urls []string
	res, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x", Size: "512x512"},
		seedream.Options{Dir: t.TempDir(), OnAnswer: func(a seedream.Answer) error {
			for _, it := range a.Items {
				urls = append(urls, it.URL)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.Download(context.Background(), urls[0], t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if img.SHA256 != res.Images[0].SHA256 || img.Width != 512 {
		t.Errorf("downloaded %+v, generated %+v", img, res.Images[0])
	}
}

// TestOnAnswerError checks that a failing journal stops the call before
// anything is downloaded.
func TestOnAnswerError(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, nil)
	_, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x", Size: "512x512"},
		seedream.Options{Dir: t.TempDir(), OnAnswer: func(seedream.Answer) error { return errors.New("disk full") }})
	if err == nil || !strings.Contains(err.Error(), "disk full") || seedream.IsTransient(err) || s.Downloads() != 0 || s.Count() != 1 {
		t.Fatalf("got %v, %d downloads, %d calls", err, s.Downloads(), s.Count())
	}
}

// TestRequestRefusedBeforeSending checks that what a known model rejects
// never costs a round trip.
func TestRequestRefusedBeforeSending(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, nil)
	tests := []struct {
		req  seedream.Request
		want string
	}{
		{seedream.Request{Model: "doubao-seedream-4-5-251128", Prompt: "x", Seed: ptr[int64](1)}, "seed: seedream-4.5 does not take a seed"},
		{seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "x", Stream: true}, "stream:"},
		{seedream.Request{Model: "doubao-seedream-3-0-t2i-250415"}, "needs a model and a prompt"},
		{seedream.Request{Model: "ep-123", Prompt: "x", Images: []string{"/etc/passwd"}}, "neither an http(s) URL nor a data:image/ URI"},
	}
	for _, tt := range tests {
		_, err := c.Generate(context.Background(), &tt.req, seedream.Options{Dir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %q", tt.req, err, tt.want)
		}
	}
	if s.Count() != 0 {
		t.Errorf("%d requests sent", s.Count())
	}
}

func TestNewClientErrors(t *testing.T) {
	tests := []struct {
		cfg  seedream.Config
		want string
	}{
		{seedream.Config{BaseURL: "ark.example.com/api/v3", APIKey: "k"}, "not an http(s) URL"},
		{seedream.Config{BaseURL: "https://ark.example.com/api/v3"}, "no API key"},
		{seedream.Config{BaseURL: "https://ark.example.com/api/v3", APIKey: "k", ResponseFormat: "png"}, "response format"},
		{seedream.Config{BaseURL: "https://ark.example.com/api/v3", APIKey: "k", Parallelism: -1}, "negative"},
	}
	for _, tt := range tests {
		_, err := seedream.NewClient(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

// TestVendorAnswers plays answers the way the vendor sends them.
func TestVendorAnswers(t *testing.T) {
	t.Run("a single image's stream ends with [DONE] and no completed event", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.OmitCompletedEvent(true)
		c := newClient(t, s, nil)
		res, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-4-5-251128", Prompt: "x", Size: "2K", Stream: true},
			seedream.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if len(checkFiles(t, res.Images)) != 1 || s.Count() != 1 {
			t.Errorf("%d images after %d requests, want 1 after 1", len(res.Images), s.Count())
		}
	})
	t.Run("ContentSecurityDetectionError is retried", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 400, Code: "ContentSecurityDetectionError",
			Message: "The content security check failed.", Times: 2})
		c := newClient(t, s, nil)
		res, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Images) != 1 || s.Count() != 3 {
			t.Errorf("%d images after %d requests, want 1 after 3", len(res.Images), s.Count())
		}
	})
	t.Run("a 400 shows its request id", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 400, Code: "InputTextSensitiveContentDetected",
			Message: "The request failed because the input text may contain sensitive information."})
		c := newClient(t, s, nil)
		_, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
		var e *seedream.Error
		if !errors.As(err, &e) || e.Transient || s.Count() != 1 {
			t.Fatalf("got %v after %d requests, want a permanent error after 1", err, s.Count())
		}
		rec := s.Requests()[0]
		if e.RequestID != rec.RequestID || !strings.HasSuffix(err.Error(), "Request id: "+rec.RequestID) {
			t.Errorf("%q: want the server's request id %s", err, rec.RequestID)
		}
		if rec.ClientRequestID == "" || e.ClientRequestID != rec.ClientRequestID {
			t.Errorf("the client sent X-Client-Request-Id %q, the error names %q", rec.ClientRequestID, e.ClientRequestID)
		}
	})
}

// TestOverloadRetryAfterIsAnUpperBound: a 429 ServerOverloaded with a
// Retry-After, answered while the client's own requests hold the server,
// is retried as soon as one of them ends rather than after the full
// Retry-After; with nothing of ours in flight, Retry-After is waited out.
func TestOverloadRetryAfterIsAnUpperBound(t *testing.T) {
	s := newServer(t)
	s.SetMaxInFlight(1)
	s.SetOverloadRetryAfter("30")
	s.SetLatency(300 * time.Millisecond) // long enough that the two requests overlap on a loaded machine
	c := newClient(t, s, func(cfg *seedream.Config) { cfg.Parallelism = 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			req := &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: fmt.Sprint("overloaded ", i), Size: "512x512"}
			if _, err := c.Generate(ctx, req, seedream.Options{Dir: t.TempDir()}); err != nil {
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if st := c.Stats(); st.Throttled == 0 {
		t.Fatalf("stats %+v: the server never answered 429, the test shows nothing", st)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the throttled request waited out Retry-After: 30 while ours were finishing", d)
	}

	// Alone, the same 429 is waited out: nothing of ours is to end.
	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 429, Code: "ServerOverloaded", RetryAfter: "30"})
	short, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	_, err := c.Generate(short, &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "alone", Size: "512x512"}, seedream.Options{Dir: t.TempDir()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a 429 with Retry-After and nothing else in flight was retried early: %v", err)
	}
}
