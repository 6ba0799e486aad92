package seedream_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/seedform/seedform/seedream"
	"golang.org/x/sync/errgroup"
)

// bigB64Answer is a b64_json answer the size of a 4K image's (about 15 MB
// of JSON): a real 64x64 PNG padded after its end to rawBytes.
func bigB64Answer(t testing.TB, rawBytes int) []byte {
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	img.Write(make([]byte, rawBytes-img.Len()))
	var body bytes.Buffer
	fmt.Fprintf(&body, `{"model":"doubao-seedream-4-5-251128","created":1757469067,"data":[{"b64_json":"`)
	enc := base64.NewEncoder(base64.StdEncoding, &body)
	enc.Write(img.Bytes())
	enc.Close()
	fmt.Fprintf(&body, `","size":"64x64"}],"usage":{"generated_images":1,"output_tokens":16,"total_tokens":16}}`)
	return body.Bytes()
}

func bigAnswerServer(t testing.TB, body []byte) *seedream.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := seedream.NewClient(seedream.Config{BaseURL: srv.URL + "/api/v3", APIKey: testKey, ResponseFormat: seedream.FormatB64JSON})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var bigRequest = &seedream.Request{Model: "ep-4k", Prompt: "a 4K image"}

// TestLargeB64AnswerMemory checks that a 15 MB b64_json answer is decoded
// to disk without being held in memory: what one call allocates is a
// small fraction of the answer (32 such answers at once must fit in
// 128 MiB).
func TestLargeB64AnswerMemory(t *testing.T) {
	body := bigB64Answer(t, 11<<20)
	c := bigAnswerServer(t, body)
	dir := t.TempDir()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := c.Generate(context.Background(), bigRequest, seedream.Options{Dir: dir})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if res.Images[0].Bytes != 11<<20 || res.Images[0].Width != 64 {
		t.Fatalf("image %+v", res.Images[0])
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d-byte answer allocated %d bytes", len(body), allocated)
	if allocated > 2<<20 {
		t.Errorf("a %d MB answer allocated %d bytes: it is being buffered", len(body)>>20, allocated)
	}
	os.Remove(res.Images[0].Path)
}

// BenchmarkLargeB64Answer measures one 15 MB b64_json answer decoded to
// disk: bytes/op is what the client allocates per answer.
func BenchmarkLargeB64Answer(b *testing.B) {
	body := bigB64Answer(b, 11<<20)
	c := bigAnswerServer(b, body)
	dir := b.TempDir()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Generate(context.Background(), bigRequest, seedream.Options{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		os.Remove(res.Images[0].Path)
	}
}

// BenchmarkLargeB64AnswerConcurrent decodes 32 answers of 15 MB at once,
// as 32 requests in flight with 4K images do, and reports the peak heap
// in use and the memory obtained from the OS (which bounds the RSS of the
// Go heap), fake server included.
func BenchmarkLargeB64AnswerConcurrent(b *testing.B) {
	const inFlight = 32
	body := bigB64Answer(b, 11<<20)
	c := bigAnswerServer(b, body)
	dir := b.TempDir()
	b.SetBytes(inFlight * int64(len(body)))
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	for b.Loop() {
		var g errgroup.Group
		for range inFlight {
			g.Go(func() error {
				res, err := c.Generate(context.Background(), bigRequest, seedream.Options{Dir: dir})
				if err == nil {
					os.Remove(res.Images[0].Path)
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	<-sampled
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MiB")
}
