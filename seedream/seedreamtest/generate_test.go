package seedreamtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/seedream"
)

func TestGenerates(t *testing.T) {
	s, c := newServer(t)
	s.RegisterEndpoint("ep-20250901-xyz", seedream.Seedream45)
	png40x30 := dataURI(t, "png", "png", 40, 30)
	jpg20 := dataURI(t, "jpeg", "jpeg", 20, 20)
	jpgAsJpg := dataURI(t, "jpg", "jpeg", 30, 20)
	auto := func(max int) map[string]any {
		return map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": max}}
	}
	twelveRefs := make([]string, 12)
	for i := range twelveRefs {
		twelveRefs[i] = "https://example.com/ref.png"
	}

	type item struct {
		Picture picture
		Size    string
		Error   string
	}
	type want struct {
		Model string
		Items []item
		Usage usage
	}
	jpeg := func(size string) item { return item{Picture: picture{"jpeg", size}, Size: size} }
	usageOf := func(n, w, h int) usage {
		return usage{GeneratedImages: n, OutputTokens: n * w * h / 256, TotalTokens: n * w * h / 256}
	}
	plus := func(u usage, edit func(*usage)) usage { edit(&u); return u }
	tests := []struct {
		name string
		path string // default "/api/v3/images/generations"
		over map[string]any
		want want
	}{
		{
			name: "4.0 1K",
			want: want{testModel, []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "4.0 WxH with a Unicode x, relay path",
			path: "/v1/images/generations",
			over: map[string]any{"size": "1280×720"},
			want: want{testModel, []item{jpeg("1280x720")}, usageOf(1, 1280, 720)},
		},
		{
			name: "relay short id, default size",
			over: map[string]any{"model": "doubao-seedream-4-5", "size": nil, "watermark": false},
			want: want{"doubao-seedream-4-5", []item{jpeg("2048x2048")}, usageOf(1, 2048, 2048)},
		},
		{
			name: "newer dated id",
			over: map[string]any{"model": "doubao-seedream-4-0-260101"},
			want: want{"doubao-seedream-4-0-260101", []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "registered endpoint reports its model",
			over: map[string]any{"model": "ep-20250901-xyz", "size": "2K"},
			want: want{"doubao-seedream-4-5-251128", []item{jpeg("2048x2048")}, usageOf(1, 2048, 2048)},
		},
		{
			name: "5.0 png",
			over: map[string]any{"model": "doubao-seedream-5-0-260128", "size": "1920x1920", "output_format": "png"},
			want: want{"doubao-seedream-5-0-260128", []item{{Picture: picture{"png", "1920x1920"}, Size: "1920x1920"}}, usageOf(1, 1920, 1920)},
		},
		{
			name: "5.0 Pro 1.5K reports its input images",
			over: map[string]any{"model": "doubao-seedream-5-0-pro-260628", "size": "1.5K", "image": []string{png40x30, jpg20}, "output_format": "png"},
			want: want{"doubao-seedream-5-0-pro-260628", []item{{Picture: picture{"png", "1536x1536"}, Size: "1536x1536"}},
				plus(usageOf(1, 1536, 1536), func(u *usage) { u.InputImages = 2 })},
		},
		{
			name: "5.0 Lite by its lite alias, with web search and thinking",
			over: map[string]any{"model": "doubao-seedream-5-0-lite-260128", "size": "2K", "tools": []any{map[string]any{"type": "web_search"}},
				"optimize_prompt_options": map[string]any{"mode": "standard", "thinking": "enabled"}},
			want: want{"doubao-seedream-5-0-lite-260128", []item{jpeg("2048x2048")},
				plus(usageOf(1, 2048, 2048), func(u *usage) { u.ToolUsage = map[string]int{"web_search": 1} })},
		},
		{
			name: "BytePlus ids",
			over: map[string]any{"model": "dola-seedream-5-0-pro-260628", "size": "1K"},
			want: want{"dola-seedream-5-0-pro-260628", []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "BytePlus 4.0 with an 8-digit version",
			over: map[string]any{"model": "seedream-4-0-20260415"},
			want: want{"seedream-4-0-20260415", []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "3.0 with seed and guidance",
			over: map[string]any{"model": "doubao-seedream-3-0-t2i-250415", "size": "768x768", "seed": 42, "guidance_scale": 3},
			want: want{"doubao-seedream-3-0-t2i-250415", []item{jpeg("768x768")}, usageOf(1, 768, 768)},
		},
		{
			name: "seededit takes the reference's size",
			over: map[string]any{"model": "doubao-seededit-3-0-i2i-250628", "size": "adaptive", "image": []string{png40x30}},
			want: want{"doubao-seededit-3-0-i2i-250628", []item{jpeg("40x30")}, usageOf(1, 40, 30)},
		},
		{
			name: "seededit with a URL is 1024x1024",
			over: map[string]any{"model": "doubao-seededit-3-0-i2i-250628", "size": nil, "image": "https://example.com/a.png"},
			want: want{"doubao-seededit-3-0-i2i-250628", []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "seededit takes a 3:1 reference",
			over: map[string]any{"model": "doubao-seededit-3-0-i2i-250628", "size": "adaptive", "image": []string{dataURI(t, "png", "png", 60, 20)}},
			want: want{"doubao-seededit-3-0-i2i-250628", []item{jpeg("60x20")}, usageOf(1, 60, 20)},
		},
		{
			name: "HEIC and HEIF references",
			over: map[string]any{"image": []string{
				"data:image/heic;base64," + base64.StdEncoding.EncodeToString([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")),
				"data:image/heif;base64," + base64.StdEncoding.EncodeToString([]byte("\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1")),
			}},
			want: want{testModel, []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "references of every kind",
			over: map[string]any{"image": []string{png40x30, jpg20, jpgAsJpg, "http://example.com/a.webp"}},
			want: want{testModel, []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
		{
			name: "a set returns max_images",
			over: auto(3),
			want: want{testModel, []item{jpeg("1024x1024"), jpeg("1024x1024"), jpeg("1024x1024")}, usageOf(3, 1024, 1024)},
		},
		{
			name: "images directive returns fewer",
			over: with(auto(4), map[string]any{"prompt": "four seasons [[fake: images=2]]"}),
			want: want{testModel, []item{jpeg("1024x1024"), jpeg("1024x1024")}, usageOf(2, 1024, 1024)},
		},
		{
			name: "images directive does not add to a set",
			over: with(auto(2), map[string]any{"prompt": "[[fake: images=5]] seasons"}),
			want: want{testModel, []item{jpeg("1024x1024"), jpeg("1024x1024")}, usageOf(2, 1024, 1024)},
		},
		{
			name: "auto without max_images: 15 less the references",
			over: map[string]any{"sequential_image_generation": "auto", "image": twelveRefs},
			want: want{testModel, []item{jpeg("1024x1024"), jpeg("1024x1024"), jpeg("1024x1024")}, usageOf(3, 1024, 1024)},
		},
		{
			name: "images directive is ignored without auto",
			over: map[string]any{"prompt": "a cat [[fake: images=3]]", "sequential_image_generation": "disabled"},
			want: want{testModel, []item{jpeg("1024x1024")}, usageOf(1, 1024, 1024)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = "/api/v3/images/generations"
			}
			im := imagesOf(t, do(t, c, newRequest(t, s.URL()+path, body(tt.over))))
			got := want{Model: im.Model, Usage: im.Usage}
			for _, d := range im.Data {
				it := item{Size: d.Size}
				if d.Error != nil {
					it.Error = d.Error.Code
				} else {
					it.Picture = pictureOf(t, unbase64(t, d.B64JSON))
				}
				got.Items = append(got.Items, it)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestURLAnswersAreDownloadable(t *testing.T) {
	s, c := newServer(t)
	im := imagesOf(t, generate(t, s, c, body(map[string]any{
		"response_format": nil, "sequential_image_generation": "auto",
		"sequential_image_generation_options": map[string]any{"max_images": 2},
	})))
	b64 := imagesOf(t, generate(t, s, c, body(map[string]any{
		"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 2},
	})))
	type file struct {
		ContentType string
		Picture     picture
		SHA256      string
	}
	var got, want []file
	for i, d := range im.Data {
		if !strings.HasPrefix(d.URL, s.URL()+"/files/") {
			t.Errorf("url %q does not point at the server", d.URL)
		}
		a := do(t, c, mustGet(t, d.URL))
		if i == 0 {
			if _, _, err := image.Decode(bytes.NewReader(a.Body)); err != nil {
				t.Errorf("the download does not decode: %v", err)
			}
		}
		if a.Header.Get("Content-Length") != strconv.Itoa(len(a.Body)) {
			t.Errorf("Content-Length %q for %d bytes", a.Header.Get("Content-Length"), len(a.Body))
		}
		got = append(got, file{a.Header.Get("Content-Type"), pictureOf(t, a.Body), sha(a.Body)})
		raw := unbase64(t, b64.Data[i].B64JSON)
		want = append(want, file{"image/jpeg", picture{"jpeg", "1024x1024"}, sha(raw)})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("downloads (-want +got):\n%s", diff)
	}
	if got[0].SHA256 == got[1].SHA256 {
		t.Error("the two images of a set are the same bytes")
	}
	if got, want := s.Downloads(), 2; got != want {
		t.Errorf("Downloads() = %d, want %d", got, want)
	}

	missing := do(t, c, mustGet(t, s.URL()+"/files/nope.jpeg"))
	if missing.Status != http.StatusNotFound || !strings.Contains(string(missing.Body), "<Code>NoSuchKey</Code>") {
		t.Errorf("unknown file: %d %s", missing.Status, missing.Body)
	}
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSameRequestSameBytes(t *testing.T) {
	s, c := newServer(t)
	first := func(over map[string]any) string {
		t.Helper()
		return sha(unbase64(t, imagesOf(t, generate(t, s, c, body(over))).Data[0].B64JSON))
	}
	a := first(nil)
	if b := first(nil); a != b {
		t.Error("the same request gave different bytes")
	}
	if b := first(map[string]any{"prompt": "a lighthouse at dusk"}); a == b {
		t.Error("another prompt gave the same bytes")
	}
	if b := first(map[string]any{"image": "https://example.com/other.png"}); a == b {
		t.Error("another reference gave the same bytes")
	}
}

func TestStream(t *testing.T) {
	s, c := newServer(t)
	const latency = 150 * time.Millisecond
	s.SetLatency(latency)
	start := time.Now()
	resp, err := c.Do(newRequest(t, s.BaseURL()+"/images/generations", body(map[string]any{
		"stream": true, "sequential_image_generation": "auto",
		"sequential_image_generation_options": map[string]any{"max_images": 3},
	})))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if waited := time.Since(start); waited < latency {
		t.Errorf("headers came after %v, before the first image (%v)", waited, latency)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no x-request-id")
	}

	// Each event must arrive on its own, one latency after the previous.
	var arrivals []time.Duration
	evs := readEvents(t, &arrivalReader{r: resp.Body, start: start, arrivals: &arrivals})
	want := []string{
		"image_generation.partial_succeeded[0]", "image_generation.partial_succeeded[1]",
		"image_generation.partial_succeeded[2]", "image_generation.completed", "[DONE]",
	}
	if diff := cmp.Diff(want, eventNames(evs)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if len(arrivals) < 3 || arrivals[len(arrivals)-1] < 3*latency {
		t.Errorf("reads at %v: the stream did not pace its images", arrivals)
	}
	for _, e := range evs[:4] {
		if e.Data["type"] != e.Name || e.Data["model"] != testModel || e.Data["created"] == nil {
			t.Errorf("event %s: data %v", e.Name, e.Data)
		}
	}
	for _, e := range evs[:3] {
		if got := pictureOf(t, unbase64(t, e.Data["b64_json"].(string))); got != (picture{"jpeg", "1024x1024"}) || e.Data["size"] != "1024x1024" {
			t.Errorf("event %v: picture %v, size %v", e.Data["image_index"], got, e.Data["size"])
		}
	}
	wantUsage := map[string]any{"generated_images": 3.0, "output_tokens": 3.0 * 4096, "total_tokens": 3.0 * 4096}
	if diff := cmp.Diff(wantUsage, evs[3].Data["usage"]); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
}

// arrivalReader notes when each read returns data.
type arrivalReader struct {
	r        interface{ Read([]byte) (int, error) }
	start    time.Time
	arrivals *[]time.Duration
}

func (a *arrivalReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		*a.arrivals = append(*a.arrivals, time.Since(a.start))
	}
	return n, err
}

func TestStreamURLs(t *testing.T) {
	s, c := newServer(t)
	resp, err := c.Do(newRequest(t, s.BaseURL()+"/images/generations", body(map[string]any{"stream": true, "response_format": "url"})))
	if err != nil {
		t.Fatal(err)
	}
	evs := readEvents(t, resp.Body)
	resp.Body.Close()
	url, _ := evs[0].Data["url"].(string)
	if got := pictureOf(t, do(t, c, mustGet(t, url)).Body); got != (picture{"jpeg", "1024x1024"}) {
		t.Errorf("streamed url %q: %v", url, got)
	}
}

func TestMaxInFlight(t *testing.T) {
	s, c := newServer(t)
	s.SetLatency(500 * time.Millisecond)
	s.SetMaxInFlight(2)
	var wg sync.WaitGroup
	answers := make([]answer, 4)
	for i := range answers {
		wg.Go(func() { answers[i] = generate(t, s, c, body(nil)) })
	}
	wg.Wait()
	counts := map[string]int{}
	for _, a := range answers {
		key := http.StatusText(a.Status)
		if a.Status == http.StatusTooManyRequests {
			key += " " + apiErrorOf(t, a).Code
			if ra := a.Header.Get("Retry-After"); ra != "" {
				t.Errorf("Retry-After %q on an overload", ra)
			}
		}
		counts[key]++
	}
	want := map[string]int{"OK": 2, "Too Many Requests ServerOverloaded": 2}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if got := s.MaxObservedInFlight(); got != 2 {
		t.Errorf("MaxObservedInFlight() = %d, want 2", got)
	}
}

func TestRequestsAreRecorded(t *testing.T) {
	s, c := newServer(t)
	generate(t, s, c, body(map[string]any{"stream": true}))
	generate(t, s, c, body(map[string]any{"seed": 1}))
	do(t, c, newRequest(t, s.URL()+"/v1/images/generations", "not json"))
	noKey := newRequest(t, s.BaseURL()+"/images/generations", body(nil))
	noKey.Header.Del("Authorization")
	do(t, c, noKey)
	type rec struct {
		Path   string
		Status int
		Stream bool
		Prompt any
	}
	var got []rec
	for _, r := range s.Requests() {
		if r.Time.IsZero() {
			t.Error("no Time recorded")
		}
		got = append(got, rec{r.Path, r.Status, r.Stream, r.Body["prompt"]})
	}
	want := []rec{
		{"/api/v3/images/generations", 200, true, "a lighthouse at dawn"},
		{"/api/v3/images/generations", 400, false, "a lighthouse at dawn"},
		{"/v1/images/generations", 400, false, nil},
		{"/api/v3/images/generations", 401, false, "a lighthouse at dawn"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Requests() (-want +got):\n%s", diff)
	}
	if s.Requests()[1].Body["seed"] != 1.0 {
		t.Errorf("body seed %v", s.Requests()[1].Body["seed"])
	}
}

// BenchmarkGenerate4K is one uncached 4096x4096 b64_json round trip.
func BenchmarkGenerate4K(b *testing.B) {
	s := New()
	defer s.Close()
	c := &http.Client{}
	for i := range b.N {
		req := newRequest(b, s.BaseURL()+"/images/generations", body(map[string]any{"size": "4K", "prompt": fmt.Sprint("bench ", i)}))
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.SetBytes(n)
	}
}

// TestOmitCompletedEvent: a single image's stream ends with [DONE] alone;
// a set's still ends with completed.
func TestOmitCompletedEvent(t *testing.T) {
	s, c := newServer(t)
	s.OmitCompletedEvent(true)
	for _, tt := range []struct {
		over map[string]any
		want []string
	}{
		{map[string]any{"stream": true}, []string{"image_generation.partial_succeeded[0]", "[DONE]"}},
		{map[string]any{"stream": true, "sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 2}},
			[]string{"image_generation.partial_succeeded[0]", "image_generation.partial_succeeded[1]", "image_generation.completed", "[DONE]"}},
	} {
		a := do(t, c, newRequest(t, s.BaseURL()+"/images/generations", body(tt.over)))
		if diff := cmp.Diff(tt.want, eventNames(readEvents(t, bytes.NewReader(a.Body)))); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	}
}
