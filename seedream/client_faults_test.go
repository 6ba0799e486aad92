package seedream_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// single is a one-image request the fake answers quickly.
func single() *seedream.Request {
	return &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "a tile", Size: "512x512"}
}

// TestMaxRetries checks that NoRetries sends one request and that the zero
// Config retries four times.
func TestMaxRetries(t *testing.T) {
	for _, tt := range []struct {
		name      string
		retries   int
		wantCalls int
	}{
		{"no retries", seedream.NoRetries, 1},
		{"default", 0, 5},
		{"two", 2, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 500, Times: 10})
			c := newClient(t, s, func(cfg *seedream.Config) { cfg.MaxRetries = tt.retries })
			_, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
			if !seedream.IsTransient(err) || s.Count() != tt.wantCalls {
				t.Errorf("got %v after %d calls, want a transient error after %d", err, s.Count(), tt.wantCalls)
			}
		})
	}
}

// recordPauses makes c record its waits between retries instead of
// sleeping them.
func recordPauses(c *seedream.Client) func() []time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	seedream.SetPause(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return nil
	})
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

// TestRetrySchedule checks the waits a client takes between retries of a
// generation: doubling with jitter up to the cap, and a Retry-After
// honoured on 429 and 503, for generation and for download.
func TestRetrySchedule(t *testing.T) {
	const ms = time.Millisecond
	type bounds struct{ lo, hi time.Duration }
	tests := []struct {
		name  string
		fault seedreamtest.Fault
		want  []bounds
	}{
		{"500s double up to the cap", seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 500, Times: 4},
			[]bounds{{50 * ms, 100 * ms}, {100 * ms, 200 * ms}, {150 * ms, 300 * ms}, {150 * ms, 300 * ms}}},
		{"429 with Retry-After", seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 429, RetryAfter: "7", Times: 2},
			[]bounds{{7 * time.Second, 7 * time.Second}, {7 * time.Second, 7 * time.Second}}},
		{"503 with Retry-After", seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 503, RetryAfter: "3"},
			[]bounds{{3 * time.Second, 3 * time.Second}}},
		{"429 with a Retry-After shorter than the backoff", seedreamtest.Fault{Kind: seedreamtest.KindStatus, Status: 429, RetryAfter: "0"},
			[]bounds{{50 * ms, 100 * ms}}},
		{"download 503 with Retry-After", seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, RetryAfter: "5"},
			[]bounds{{5 * time.Second, 5 * time.Second}}},
		{"download 500s double", seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Times: 3},
			[]bounds{{50 * ms, 100 * ms}, {100 * ms, 200 * ms}, {150 * ms, 300 * ms}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.Inject(tt.fault)
			c := newClient(t, s, func(cfg *seedream.Config) {
				cfg.MinBackoff, cfg.MaxBackoff = 100*ms, 300*ms
			})
			waits := recordPauses(c)
			if _, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()}); err != nil {
				t.Fatal(err)
			}
			got := waits()
			if len(got) != len(tt.want) {
				t.Fatalf("waits %v, want %d", got, len(tt.want))
			}
			for i, d := range got {
				if d < tt.want[i].lo || d > tt.want[i].hi {
					t.Errorf("wait %d is %v, want within [%v, %v] (all: %v)", i+1, d, tt.want[i].lo, tt.want[i].hi, got)
				}
			}
		})
	}
}

// TestDownloadRetries checks that a download that may work later is
// retried without a new (paid) generation request, and one that cannot
// work is not retried.
func TestDownloadRetries(t *testing.T) {
	type fault = seedreamtest.Fault
	tests := []struct {
		name          string
		fault         fault
		wantDownloads int
		wantErr       string
	}{
		{"500 then success", fault{Kind: seedreamtest.KindDownloadStatus, Status: 500}, 2, ""},
		{"503 twice then success", fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, Times: 2}, 3, ""},
		{"reset", fault{Kind: seedreamtest.KindDownloadReset}, 2, ""},
		{"truncated body", fault{Kind: seedreamtest.KindDownloadTruncate}, 2, ""},
		{"503 until out of retries", fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, Times: 10}, 5, "HTTP 503: ServiceUnavailable"},
		{"expired (403)", fault{Kind: seedreamtest.KindExpiredURL}, 1, "HTTP 403: AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.Inject(tt.fault)
			c := newClient(t, s, func(cfg *seedream.Config) {
				// net/http replays a GET whose reused connection was
				// reset; fresh connections leave every retry to the
				// client, which is what is tested.
				tr := &http.Transport{DisableKeepAlives: true}
				t.Cleanup(tr.CloseIdleConnections)
				cfg.HTTPClient = &http.Client{Transport: tr}
			})
			dir := t.TempDir()
			res, err := c.Generate(context.Background(), single(), seedream.Options{Dir: dir})
			if s.Count() != 1 || s.Downloads() != tt.wantDownloads {
				t.Errorf("%d generation requests and %d downloads, want 1 and %d", s.Count(), s.Downloads(), tt.wantDownloads)
			}
			if st := c.Stats(); st.Downloads != int64(tt.wantDownloads) || st.Retries != int64(tt.wantDownloads-1) {
				t.Errorf("stats %+v", st)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := checkFiles(t, res.Images); len(got) != 1 || got[0].Width != 512 {
					t.Errorf("images %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || seedream.IsTransient(err) {
				t.Fatalf("got %v (transient %v), want a permanent error saying %q", err, seedream.IsTransient(err), tt.wantErr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("%d files left behind", len(entries))
			}
		})
	}
}

// TestDownloadRetriesJournaled checks Download, which finishes a
// journaled answer after a crash, retries the same way.
func TestDownloadRetriesJournaled(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, nil)
	var url string
	crash := errors.New("crash")
	s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Status: 502})
	_, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir(), OnAnswer: func(a seedream.Answer) error {
		url = a.Items[0].URL
		return crash
	}})
	if !errors.Is(err, crash) || s.Downloads() != 0 {
		t.Fatalf("got %v after %d downloads", err, s.Downloads())
	}
	img, err := c.Download(context.Background(), url, t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Downloads() != 2 || img.Width != 512 {
		t.Errorf("%d downloads, image %+v", s.Downloads(), img)
	}
}

// TestWrongFormat checks that an image in another format than the request
// asked for is refused: a relay that ignores output_format would
// otherwise have jpeg bytes written to a .png file.
func TestWrongFormat(t *testing.T) {
	tests := []struct {
		name   string
		req    seedream.Request
		format string
		want   string
	}{
		{"5.0 png, url", seedream.Request{Model: "doubao-seedream-5-0-260128", Prompt: "an icon", Size: "1920x1920", OutputFormat: "png"},
			seedream.FormatURL, "image 1 is jpeg, the request asked for png"},
		{"5.0 png, b64_json", seedream.Request{Model: "doubao-seedream-5-0-260128", Prompt: "an icon", Size: "1920x1920", OutputFormat: "png"},
			seedream.FormatB64JSON, "image 1 is jpeg, the request asked for png"},
		{"5.0 jpeg", seedream.Request{Model: "doubao-seedream-5-0-260128", Prompt: "an icon", Size: "1920x1920", OutputFormat: "jpeg"},
			seedream.FormatURL, "image 1 is png, the request asked for jpeg"},
		{"3.0 always jpeg", *single(), seedream.FormatB64JSON, "image 1 is png, the request asked for jpeg"},
		{"4.0 stream", seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "two", Size: "960x960", MaxImages: 2, Stream: true},
			seedream.FormatURL, "image 1 is png, the request asked for jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			c := newClient(t, s, func(cfg *seedream.Config) { cfg.ResponseFormat = tt.format })
			// The same request answered right passes the check.
			res, err := c.Generate(context.Background(), &tt.req, seedream.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			checkFiles(t, res.Images)
			s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindWrongFormat})
			dir := t.TempDir()
			res, err = c.Generate(context.Background(), &tt.req, seedream.Options{Dir: dir})
			if err == nil || !strings.Contains(err.Error(), tt.want) || seedream.IsTransient(err) {
				t.Fatalf("got %v, want a permanent error saying %q", err, tt.want)
			}
			if res != nil && len(res.Images) > 0 {
				t.Errorf("wrong-format images returned: %+v", res.Images)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("%d files left behind", len(entries))
			}
		})
	}
}

// TestImageFileMode checks that images are written readable by all, in
// both response formats, as files in a design repository are.
func TestImageFileMode(t *testing.T) {
	for _, format := range []string{seedream.FormatURL, seedream.FormatB64JSON} {
		t.Run(format, func(t *testing.T) {
			s := newServer(t)
			c := newClient(t, s, func(cfg *seedream.Config) { cfg.ResponseFormat = format })
			res, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(res.Images[0].Path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, want -rw-r--r--", st.Mode().Perm())
			}
		})
	}
}

// TestErrorText checks the printed text of errors the server sends: the
// parameter an InvalidParameter names, the request id, and never the key,
// even when the server echoes it.
func TestErrorText(t *testing.T) {
	requestID := regexp.MustCompile(`^02[0-9]{13}[0-9a-f]{16}$`)
	t.Run("invalid parameter", func(t *testing.T) {
		s := newServer(t)
		// An endpoint id is not checked by the client, so the server
		// is the one to refuse the seed.
		s.RegisterEndpoint("ep-20250101-x", seedream.Seedream45)
		c := newClient(t, s, nil)
		_, err := c.Generate(context.Background(), &seedream.Request{Model: "ep-20250101-x", Prompt: "x", Seed: ptr[int64](1)},
			seedream.Options{Dir: t.TempDir()})
		var e *seedream.Error
		if !errors.As(err, &e) || e.Param != "seed" || !requestID.MatchString(e.RequestID) {
			t.Fatalf("got %#v", err)
		}
		want := fmt.Sprintf("seedream generate: HTTP 400: InvalidParameter: %s (param seed)", e.Message)
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		if !strings.HasSuffix(e.Message, "Request id: "+e.RequestID) {
			t.Errorf("message %q does not end with the request id %s", e.Message, e.RequestID)
		}
		checkNoKey(t, err)
	})
	t.Run("request id of an unusable answer", func(t *testing.T) {
		s := newServer(t)
		s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindInvalidJSON})
		c := newClient(t, s, nil)
		_, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
		var e *seedream.Error
		if !errors.As(err, &e) || !requestID.MatchString(e.RequestID) || e.Err == nil {
			t.Fatalf("got %#v", err)
		}
		want := fmt.Sprintf("seedream generate: HTTP 200: unusable answer: %v (request id %s)", e.Err, e.RequestID)
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("request id of a download", func(t *testing.T) {
		s := newServer(t)
		s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindDownloadStatus, Status: 503, Times: 2})
		c := newClient(t, s, func(cfg *seedream.Config) { cfg.MaxRetries = 1 })
		_, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
		var e *seedream.Error
		if !errors.As(err, &e) || !errors.As(e.Err, &e) || e.Op != "download" || !requestID.MatchString(e.RequestID) {
			t.Fatalf("got %#v", err)
		}
		want := fmt.Sprintf("seedream download: HTTP 503: ServiceUnavailable: Service Unavailable (injected by seedreamtest). (request id %s) (after 2 attempts)", e.RequestID)
		if diff := cmp.Diff(want, e.Error()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("key echoed by the server", func(t *testing.T) {
		s := newServer(t)
		c := newClient(t, s, nil)
		// The fake quotes a malformed directive back in its message.
		_, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-3-0-t2i-250415", Prompt: "[[fake: " + testKey + "]]"},
			seedream.Options{Dir: t.TempDir()})
		var e *seedream.Error
		if !errors.As(err, &e) || e.Param != "prompt" || !strings.Contains(err.Error(), `directive "[redacted]" is not key=value`) {
			t.Fatalf("got %v", err)
		}
		checkNoKey(t, err)
	})
}

// TestParallelismCeiling checks that no more requests than the
// configured parallelism are ever in flight, and that all of it is used.
func TestParallelismCeiling(t *testing.T) {
	s := newServer(t)
	s.SetLatency(50 * time.Millisecond)
	c := newClient(t, s, func(cfg *seedream.Config) {
		cfg.Parallelism = 3
		cfg.ResponseFormat = seedream.FormatB64JSON
	})
	var wg sync.WaitGroup
	for i := range 18 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := single()
			req.Prompt = fmt.Sprint("tile ", i)
			if _, err := c.Generate(context.Background(), req, seedream.Options{Dir: t.TempDir()}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := s.MaxObservedInFlight(); got != 3 {
		t.Errorf("at most %d requests were in flight at once, want exactly the parallelism of 3", got)
	}
	if got := c.Stats().Limit; got > 3 {
		t.Errorf("the limit grew to %d, past the parallelism of 3", got)
	}
}

// TestDefaultMaxImageBytes checks that a Config without MaxImageBytes caps
// images at 64 MiB: an image one byte over is refused, one at the cap
// accepted.
func TestDefaultMaxImageBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 64 MiB")
	}
	s := newServer(t)
	c := newClient(t, s, nil)
	// A 512x512 flat JPEG's size, to pad the next ones to the cap.
	res, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	raw := res.Images[0].Bytes
	const limit = 64 << 20
	s.SetImagePadding(limit - raw + 1)
	_, err = c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d bytes, the limit is %d", limit+1, limit)) {
		t.Fatalf("got %v, want the image refused at 64 MiB", err)
	}
	s.SetImagePadding(limit - raw)
	res, err = c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Images[0].Bytes != limit {
		t.Errorf("%d bytes", res.Images[0].Bytes)
	}
}

// TestLateHeaders checks that an answer whose headers come only after the
// image is generated succeeds within the per-attempt time-out, and one
// that takes longer times out as a transient failure.
func TestLateHeaders(t *testing.T) {
	for _, tt := range []struct {
		name             string
		latency, timeout time.Duration
		wantErr          bool
	}{
		{"within the time-out", 300 * time.Millisecond, 2 * time.Second, false},
		{"past the time-out", 2 * time.Second, 300 * time.Millisecond, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			s.SetLatency(tt.latency)
			c := newClient(t, s, func(cfg *seedream.Config) {
				cfg.Timeout = tt.timeout
				cfg.MaxRetries = seedream.NoRetries
			})
			start := time.Now()
			for _, stream := range []bool{false, true} {
				req := &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "late", Size: "960x960", Stream: stream}
				_, err := c.Generate(context.Background(), req, seedream.Options{Dir: t.TempDir()})
				switch {
				case !tt.wantErr && err != nil:
					t.Errorf("stream %v: %v", stream, err)
				case tt.wantErr && (!seedream.IsTransient(err) || !strings.Contains(fmt.Sprint(err), "attempt timed out")):
					t.Errorf("stream %v: got %v, want a transient time-out", stream, err)
				}
			}
			if took := time.Since(start); took < 2*min(tt.latency, tt.timeout) {
				t.Errorf("took %v: the fake answered early", took)
			}
		})
	}
}
