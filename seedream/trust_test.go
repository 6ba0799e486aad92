package seedream_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// TestOnlyWholeImagesAreRecorded: an image is returned only once its end
// is there: a download cut at a connection close with no Content-Length
// and half an image in b64_json are failures, never images. Half a
// b64_json is worth asking for again; a cut download is retried as a
// download (the answer is paid and journaled), never as a new request.
// A whole image with zero padding after its end passes.
func TestOnlyWholeImagesAreRecorded(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		kind      seedreamtest.FaultKind
		format    string
		transient bool
	}{
		{"download cut with no Content-Length", seedreamtest.KindDownloadCutNoLength, seedream.FormatURL, false},
		{"half an image in b64_json", seedreamtest.KindTruncatedB64, seedream.FormatB64JSON, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			s.Inject(seedreamtest.Fault{Kind: tt.kind})
			c := newClient(t, s, func(cfg *seedream.Config) { cfg.MaxRetries = seedream.NoRetries; cfg.ResponseFormat = tt.format })
			res, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
			if err == nil || !errors.Is(err, seedream.ErrCutShort) || seedream.IsTransient(err) != tt.transient {
				t.Errorf("got %v, want an error saying the image was cut short, transient %v", err, tt.transient)
			}
			if res != nil && len(res.Images) > 0 {
				t.Errorf("a cut image was returned: %+v", res.Images)
			}
		})
	}
}

// TestPaidImagesInOddAnswers: images that come with a top-level error in
// a 200 are returned with it, not retried (which would pay again); a
// relay's string error keeps its text.
func TestPaidImagesInOddAnswers(t *testing.T) {
	t.Parallel()
	t.Run("images beside a top-level error", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindDataWithError})
		c := newClient(t, s, nil)
		res, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
		if err == nil || seedream.IsTransient(err) || !strings.Contains(err.Error(), "InternalServiceError") {
			t.Errorf("got %v, want the top-level error, not to be retried", err)
		}
		if res == nil || len(res.Images) != 1 {
			t.Fatalf("result %+v, want the paid image", res)
		}
		if _, err := os.Stat(res.Images[0].Path); err != nil {
			t.Errorf("the paid image is not on disk: %v", err)
		}
		if s.Count() != 1 {
			t.Errorf("%d requests, want 1: the paid answer was paid for again", s.Count())
		}
	})
	t.Run("a relay's string error", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.Inject(seedreamtest.Fault{Kind: seedreamtest.KindStringError, Message: "upstream model busy, try later"})
		c := newClient(t, s, func(cfg *seedream.Config) { cfg.MaxRetries = seedream.NoRetries })
		_, err := c.Generate(context.Background(), single(), seedream.Options{Dir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "upstream model busy, try later") || !seedream.IsTransient(err) {
			t.Errorf("got %v, want the relay's text and a 502 to retry", err)
		}
	})
}

// TestExtraAndDuplicateImagesAreReturned: every image an answer holds is
// returned, in JSON and in a stream: more than asked for, or one slot
// twice.
func TestExtraAndDuplicateImagesAreReturned(t *testing.T) {
	t.Parallel()
	set := func() *seedream.Request {
		return &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "panels", Size: "1K", MaxImages: 2, Stream: true}
	}
	for _, tt := range []struct {
		name   string
		kind   seedreamtest.FaultKind
		format string
		req    *seedream.Request
		want   int
	}{
		{"extra images (url)", seedreamtest.KindExtraImages, seedream.FormatURL, single(), 1 + seedreamtest.ExtraImages},
		{"extra images (b64)", seedreamtest.KindExtraImages, seedream.FormatB64JSON, single(), 1 + seedreamtest.ExtraImages},
		{"a slot twice in a stream", seedreamtest.KindDuplicateImages, seedream.FormatB64JSON, set(), 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			s.Inject(seedreamtest.Fault{Kind: tt.kind})
			c := newClient(t, s, func(cfg *seedream.Config) { cfg.ResponseFormat = tt.format })
			res, err := c.Generate(context.Background(), tt.req, seedream.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Images) != tt.want {
				t.Errorf("%d images returned, want %d", len(res.Images), tt.want)
			}
		})
	}
}

// TestStreamImagesJournaledAsTheyArrive: a streamed image is handed to
// OnAnswer (which journals it) as soon as its event has arrived, not when
// the next event starts.
func TestStreamImagesJournaledAsTheyArrive(t *testing.T) {
	t.Parallel()
	const latency = 800 * time.Millisecond
	s := newServer(t)
	s.SetLatency(latency)
	c := newClient(t, s, func(cfg *seedream.Config) { cfg.ResponseFormat = seedream.FormatB64JSON })
	var mu sync.Mutex
	var seen []time.Time
	req := &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "panels", Size: "1K", MaxImages: 2, Stream: true}
	_, err := c.Generate(context.Background(), req, seedream.Options{Dir: t.TempDir(), OnAnswer: func(seedream.Answer) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, time.Now())
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("%d answers journaled, want one per image", len(seen))
	}
	if gap := seen[1].Sub(seen[0]); gap < latency/2 {
		t.Errorf("the first image was journaled %v before the second: it waited for the next event", gap)
	}
}

// TestKeyNeverInAJournaledURL: a relay that signs its image links with
// the caller's key gets them journaled without it (OnAnswer), and
// Download, finishing the journaled answer, still fetches them.
func TestKeyNeverInAJournaledURL(t *testing.T) {
	t.Parallel()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/img.png" {
			if r.URL.Query().Get("key") != testKey {
				http.Error(w, "bad signature", http.StatusForbidden)
				return
			}
			w.Write(pngBytes(t))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[{"url":%q}]}`, srv.URL+"/img.png?key="+testKey)
	}))
	t.Cleanup(srv.Close)
	c, err := seedream.NewClient(seedream.Config{BaseURL: srv.URL + "/v1", APIKey: testKey, MaxRetries: seedream.NoRetries})
	if err != nil {
		t.Fatal(err)
	}
	var journaled []string
	_, err = c.Generate(context.Background(), &seedream.Request{Model: "ep-x", Prompt: "p"}, seedream.Options{Dir: t.TempDir(),
		OnAnswer: func(a seedream.Answer) error {
			for _, it := range a.Items {
				journaled = append(journaled, it.URL)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(journaled) != 1 || strings.Contains(journaled[0], testKey) {
		t.Fatalf("journaled URLs %q hold the key", journaled)
	}
	if _, err := c.Download(context.Background(), journaled[0], t.TempDir(), 0); err != nil {
		t.Errorf("the journaled URL cannot be finished: %v", err)
	}
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
