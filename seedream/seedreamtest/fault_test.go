package seedreamtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sender posts the test's request, with over's fields changed.
type sender func(ctx context.Context, over map[string]any) (*http.Response, error)

// answer sends and reads the whole answer.
func (send sender) answer(t *testing.T, over map[string]any) answer {
	t.Helper()
	resp, err := send(context.Background(), over)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

var (
	asURL    = map[string]any{"response_format": "url"}
	asStream = map[string]any{"stream": true}
	setOf3   = map[string]any{"sequential_image_generation": "auto", "sequential_image_generation_options": map[string]any{"max_images": 3}}
)

func with(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestFaults plays every fault kind twice: queued with Inject, and asked
// for by a prompt directive, which must behave the same.
func TestFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		fault     Fault
		directive string
		check     func(t *testing.T, s *Server, c *http.Client, send sender)
	}{
		{
			name:      "status with Retry-After, twice",
			fault:     Fault{Kind: KindStatus, Status: 503, RetryAfter: "2", Times: 2},
			directive: "status=503 retry_after=2 times=2",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				type got struct {
					Status     int
					RetryAfter string
					Code       string
				}
				var gots []got
				for range 3 {
					a := send.answer(t, nil)
					g := got{Status: a.Status, RetryAfter: a.Header.Get("Retry-After")}
					if a.Status != http.StatusOK {
						g.Code = apiErrorOf(t, a).Code
					}
					gots = append(gots, g)
				}
				want := []got{{503, "2", "InternalServiceError"}, {503, "2", "InternalServiceError"}, {200, "", ""}}
				if diff := cmp.Diff(want, gots); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			},
		},
		{
			name:      "status with a code",
			fault:     Fault{Kind: KindStatus, Status: 429, Code: "ModelAccountRpmRateLimitExceeded"},
			directive: "status=429 code=ModelAccountRpmRateLimitExceeded",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				a := send.answer(t, nil)
				if e := apiErrorOf(t, a); a.Status != 429 || e.Code != "ModelAccountRpmRateLimitExceeded" || e.Type != "TooManyRequests" {
					t.Errorf("got %d %+v", a.Status, e)
				}
			},
		},
		{
			name:      "reset",
			fault:     Fault{Kind: KindReset},
			directive: "fault=reset",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				if resp, err := send(ctx, nil); err == nil {
					resp.Body.Close()
					t.Fatalf("got an answer %d, want a broken connection", resp.StatusCode)
				}
				if got := s.Requests()[0].Status; got != 0 {
					t.Errorf("recorded status %d, want 0", got)
				}
				if a := send.answer(t, nil); a.Status != http.StatusOK {
					t.Errorf("the next request got %d", a.Status)
				}
			},
		},
		{
			name:      "hang",
			fault:     Fault{Kind: KindHang},
			directive: "fault=hang",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
				resp, err := send(short, nil)
				if err == nil {
					resp.Body.Close()
					t.Fatalf("got an answer %d, want none", resp.StatusCode)
				}
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want the client's deadline", err)
				}
				if a := send.answer(t, nil); a.Status != http.StatusOK {
					t.Errorf("the next request got %d", a.Status)
				}
			},
		},
		{
			name:      "truncate",
			fault:     Fault{Kind: KindTruncate},
			directive: "fault=truncate",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("status %d, err %v; want 200 and an unexpected EOF", resp.StatusCode, err)
				}
				if int64(len(b)) != resp.ContentLength/2 {
					t.Errorf("read %d bytes of %d, want half", len(b), resp.ContentLength)
				}
			},
		},
		{
			name:      "truncate a stream",
			fault:     Fault{Kind: KindTruncate},
			directive: "fault=truncate",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, asStream)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if !errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(string(b), "completed") {
					t.Errorf("err %v after %d bytes; want an unexpected EOF before completed", err, len(b))
				}
			},
		},
		{
			name:      "invalid JSON",
			fault:     Fault{Kind: KindInvalidJSON},
			directive: "fault=invalid_json",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				a := send.answer(t, nil)
				var v any
				if err := json.Unmarshal(a.Body, &v); a.Status != 200 || a.Header.Get("Content-Type") != "application/json" || err == nil {
					t.Errorf("got %d %q, JSON error %v: want 200 application/json that does not parse", a.Status, a.Header.Get("Content-Type"), err)
				}
			},
		},
		{
			name:      "invalid JSON in a stream",
			fault:     Fault{Kind: KindInvalidJSON},
			directive: "fault=invalid_json",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, asStream)
				if err != nil {
					t.Fatal(err)
				}
				evs := readEvents(t, resp.Body)
				resp.Body.Close()
				if len(evs) != 1 || evs[0].Data != nil || evs[0].Raw == "" {
					t.Errorf("events %v, want one whose data is not JSON", evs)
				}
			},
		},
		{
			name:      "corrupt base64 waits for a b64_json request",
			fault:     Fault{Kind: KindCorruptBase64},
			directive: "fault=corrupt_base64",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				if im := imagesOf(t, send.answer(t, asURL)); im.Data[0].URL == "" {
					t.Error("the url request was changed")
				}
				im := imagesOf(t, send.answer(t, nil))
				if _, err := base64.StdEncoding.DecodeString(im.Data[0].B64JSON); err == nil {
					t.Errorf("b64_json %q is valid base64", im.Data[0].B64JSON)
				}
			},
		},
		{
			name:      "not an image, b64_json",
			fault:     Fault{Kind: KindNotAnImage},
			directive: "fault=not_an_image",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, nil))
				if b := unbase64(t, im.Data[0].B64JSON); isImage(b) {
					t.Error("the bytes decode as an image")
				}
			},
		},
		{
			name:      "not an image, url",
			fault:     Fault{Kind: KindNotAnImage},
			directive: "fault=not_an_image",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, asURL))
				a := do(t, c, mustGet(t, im.Data[0].URL))
				if a.Status != 200 || isImage(a.Body) {
					t.Errorf("download %d %q, want 200 and not an image", a.Status, a.Body)
				}
			},
		},
		{
			name:      "huge body, url",
			fault:     Fault{Kind: KindHugeBody},
			directive: "fault=huge_body",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, asURL))
				resp, err := c.Get(im.Data[0].URL)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.ContentLength != -1 {
					t.Errorf("Content-Length %d, want none", resp.ContentLength)
				}
				if n, err := io.CopyN(io.Discard, resp.Body, 16<<20); err != nil {
					t.Errorf("read %d bytes: %v", n, err)
				}
			},
		},
		{
			name:      "huge body, b64_json",
			fault:     Fault{Kind: KindHugeBody},
			directive: "fault=huge_body",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				r := bufio.NewReader(resp.Body)
				if _, err := r.ReadString('['); err != nil {
					t.Fatal(err)
				}
				head := make([]byte, 16<<20)
				if _, err := io.ReadFull(r, head); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(head), `{"size":"1024x1024","b64_json":"AAAA`) {
					t.Errorf("item starts %.60q", head)
				}
			},
		},
		{
			name:      "huge body in a stream",
			fault:     Fault{Kind: KindHugeBody},
			directive: "fault=huge_body",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, asStream)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if n, err := io.CopyN(io.Discard, resp.Body, 16<<20); err != nil {
					t.Errorf("read %d bytes: %v", n, err)
				}
			},
		},
		{
			name:      "expired URL waits for a url request",
			fault:     Fault{Kind: KindExpiredURL},
			directive: "fault=expired_url",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				imagesOf(t, send.answer(t, nil))
				im := imagesOf(t, send.answer(t, asURL))
				a := do(t, c, mustGet(t, im.Data[0].URL))
				if a.Status != 403 || !strings.Contains(string(a.Body), "<Code>AccessDenied</Code>") || !strings.Contains(string(a.Body), "expired") {
					t.Errorf("download %d %s, want 403 AccessDenied expired", a.Status, a.Body)
				}
			},
		},
		{
			name:      "wrong format",
			fault:     Fault{Kind: KindWrongFormat},
			directive: "fault=wrong_format",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				five := map[string]any{"model": "doubao-seedream-5-0-260128", "size": "2K", "output_format": "png"}
				im := imagesOf(t, send.answer(t, with(five, asURL)))
				a := do(t, c, mustGet(t, im.Data[0].URL))
				if got := pictureOf(t, a.Body); got != (picture{"jpeg", "2048x2048"}) {
					t.Errorf("a png request got %+v, want a jpeg", got)
				}
				im = imagesOf(t, send.answer(t, five))
				if got := pictureOf(t, unbase64(t, im.Data[0].B64JSON)); got != (picture{"png", "2048x2048"}) {
					t.Errorf("the next request got %+v, want the png asked for", got)
				}
			},
		},
		{
			name:      "wrong format of a jpeg-only model",
			fault:     Fault{Kind: KindWrongFormat},
			directive: "fault=wrong_format",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, nil))
				if got := pictureOf(t, unbase64(t, im.Data[0].B64JSON)); got != (picture{"png", "1024x1024"}) {
					t.Errorf("got %+v, want a png", got)
				}
			},
		},
		{
			name:      "download status, twice per URL",
			fault:     Fault{Kind: KindDownloadStatus, Status: 503, RetryAfter: "2", Times: 2},
			directive: "download_status=503 retry_after=2 times=2",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				// A b64_json answer has no URL: it leaves the fault queued.
				imagesOf(t, send.answer(t, nil))
				im := imagesOf(t, send.answer(t, with(asURL, setOf3)))
				type got struct {
					Status     int
					RetryAfter string
					Image      bool
				}
				var gots []got
				for _, d := range im.Data {
					for range 3 {
						a := do(t, c, mustGet(t, d.URL))
						gots = append(gots, got{a.Status, a.Header.Get("Retry-After"), isImage(a.Body)})
						if a.Status == 503 && !strings.Contains(string(a.Body), "<Code>ServiceUnavailable</Code>") {
							t.Errorf("error body %s", a.Body)
						}
					}
				}
				fail, ok := got{503, "2", false}, got{200, "", true}
				want := []got{fail, fail, ok, fail, fail, ok, fail, fail, ok}
				if diff := cmp.Diff(want, gots); diff != "" {
					t.Errorf("downloads (-want +got):\n%s", diff)
				}
				// One answer used the fault up.
				im = imagesOf(t, send.answer(t, asURL))
				if a := do(t, c, mustGet(t, im.Data[0].URL)); a.Status != 200 {
					t.Errorf("the next answer's download got %d", a.Status)
				}
			},
		},
		{
			name:      "download reset",
			fault:     Fault{Kind: KindDownloadReset},
			directive: "fault=download_reset",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, asURL))
				// A fresh connection each time: net/http replays a GET
				// whose reused connection was reset.
				fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
				resp, err := fresh.Do(mustGet(t, im.Data[0].URL))
				if err == nil {
					resp.Body.Close()
					t.Fatalf("the first download got %d, want a reset", resp.StatusCode)
				}
				if a := do(t, fresh, mustGet(t, im.Data[0].URL)); a.Status != 200 || !isImage(a.Body) {
					t.Errorf("the second download got %d", a.Status)
				}
				if s.Downloads() != 2 {
					t.Errorf("%d downloads counted, want 2", s.Downloads())
				}
			},
		},
		{
			name:      "download truncated",
			fault:     Fault{Kind: KindDownloadTruncate},
			directive: "fault=download_truncate",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, asURL))
				resp, err := c.Do(mustGet(t, im.Data[0].URL))
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || int64(len(b)) >= resp.ContentLength {
					t.Errorf("status %d, %d of %d bytes, error %v: want a body cut short", resp.StatusCode, len(b), resp.ContentLength, err)
				}
				if a := do(t, c, mustGet(t, im.Data[0].URL)); a.Status != 200 || int64(len(a.Body)) != resp.ContentLength || !isImage(a.Body) {
					t.Errorf("the second download got %d with %d bytes", a.Status, len(a.Body))
				}
			},
		},
		{
			name:      "item error",
			fault:     Fault{Kind: KindItemError, Index: 1},
			directive: "item_error=1",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, setOf3))
				want := []string{"1024x1024", "OutputImageSensitiveContentDetected", "1024x1024"}
				if diff := cmp.Diff(want, itemSummary(im)); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				if im.Usage.GeneratedImages != 2 {
					t.Errorf("usage %+v, want 2 images", im.Usage)
				}
			},
		},
		{
			name:      "item error that stops the set",
			fault:     Fault{Kind: KindItemError, Index: 1, Code: "InternalServiceError"},
			directive: "item_error=1 code=InternalServiceError",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, setOf3))
				want := []string{"1024x1024", "InternalServiceError"}
				if diff := cmp.Diff(want, itemSummary(im)); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:      "partial failed",
			fault:     Fault{Kind: KindPartialFailed, Index: 1},
			directive: "partial_failed=1",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, with(setOf3, asStream))
				if err != nil {
					t.Fatal(err)
				}
				evs := readEvents(t, resp.Body)
				resp.Body.Close()
				want := []string{
					"image_generation.partial_succeeded[0]", "image_generation.partial_failed[1]",
					"image_generation.partial_succeeded[2]", "image_generation.completed", "[DONE]",
				}
				if diff := cmp.Diff(want, eventNames(evs)); diff != "" {
					t.Fatalf("events (-want +got):\n%s", diff)
				}
				if code := evs[1].Data["error"].(map[string]any)["code"]; code != "OutputImageSensitiveContentDetected" {
					t.Errorf("code %v", code)
				}
				if n := evs[3].Data["usage"].(map[string]any)["generated_images"]; n != 2.0 {
					t.Errorf("generated_images %v, want 2", n)
				}
			},
		},
		{
			name:      "stream cut waits for a stream",
			fault:     Fault{Kind: KindStreamCut},
			directive: "fault=stream_cut",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				imagesOf(t, send.answer(t, nil))
				resp, err := send(ctx, with(setOf3, asStream))
				if err != nil {
					t.Fatal(err)
				}
				evs := readEvents(t, resp.Body)
				resp.Body.Close()
				if diff := cmp.Diff([]string{"image_generation.partial_succeeded[0]"}, eventNames(evs)); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:      "top-level error",
			fault:     Fault{Kind: KindTopLevelError},
			directive: "fault=top_level_error",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				a := send.answer(t, nil)
				if e := apiErrorOf(t, a); a.Status != 200 || e.Code != "InternalServiceError" {
					t.Errorf("got %d %+v, want 200 with an InternalServiceError", a.Status, e)
				}
			},
		},
		{
			name:      "top-level error in a stream",
			fault:     Fault{Kind: KindTopLevelError, Code: "OutputImageSensitiveContentDetected"},
			directive: "fault=top_level_error code=OutputImageSensitiveContentDetected",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, asStream)
				if err != nil {
					t.Fatal(err)
				}
				evs := readEvents(t, resp.Body)
				resp.Body.Close()
				if len(evs) != 1 || evs[0].Data["error"].(map[string]any)["code"] != "OutputImageSensitiveContentDetected" {
					t.Errorf("events %+v, want one error frame", evs)
				}
			},
		},
		{
			name:      "download cut with no Content-Length",
			fault:     Fault{Kind: KindDownloadCutNoLength},
			directive: "fault=download_cut_no_length",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, asURL))
				cut := do(t, c, mustGet(t, im.Data[0].URL)) // reads to a clean EOF
				whole := do(t, c, mustGet(t, im.Data[0].URL))
				if cut.Status != 200 || cut.Header.Get("Content-Length") != "" || len(cut.Body) != len(whole.Body)/2 {
					t.Errorf("the cut download: %d, Content-Length %q, %d of %d bytes", cut.Status, cut.Header.Get("Content-Length"), len(cut.Body), len(whole.Body))
				}
			},
		},
		{
			name:      "extra images",
			fault:     Fault{Kind: KindExtraImages},
			directive: "fault=extra_images",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				if im := imagesOf(t, send.answer(t, nil)); len(im.Data) != 1+ExtraImages || im.Usage.GeneratedImages != 1+ExtraImages {
					t.Errorf("%d images (usage %+v), want %d", len(im.Data), im.Usage, 1+ExtraImages)
				}
			},
		},
		{
			name:      "duplicate images in a stream",
			fault:     Fault{Kind: KindDuplicateImages},
			directive: "fault=duplicate_images",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				resp, err := send(ctx, with(asStream, setOf3))
				if err != nil {
					t.Fatal(err)
				}
				evs := readEvents(t, resp.Body)
				resp.Body.Close()
				want := []string{"image_generation.partial_succeeded[0]", "image_generation.partial_succeeded[0]",
					"image_generation.partial_succeeded[1]", "image_generation.partial_succeeded[1]",
					"image_generation.partial_succeeded[2]", "image_generation.partial_succeeded[2]", "image_generation.completed", "[DONE]"}
				if diff := cmp.Diff(want, eventNames(evs)); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:      "truncated b64_json",
			fault:     Fault{Kind: KindTruncatedB64},
			directive: "fault=truncated_b64",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				im := imagesOf(t, send.answer(t, nil))
				half := unbase64(t, im.Data[0].B64JSON)
				whole := unbase64(t, imagesOf(t, send.answer(t, nil)).Data[0].B64JSON)
				if len(half) != len(whole)/2 || !bytes.Equal(half, whole[:len(half)]) {
					t.Errorf("%d bytes, want the first half of %d", len(half), len(whole))
				}
			},
		},
		{
			name:      "data with a top-level error",
			fault:     Fault{Kind: KindDataWithError},
			directive: "fault=data_with_error",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				a := send.answer(t, nil)
				if im, e := imagesOf(t, a), apiErrorOf(t, a); len(im.Data) != 1 || e.Code != "InternalServiceError" {
					t.Errorf("%d images and error %+v, want both", len(im.Data), e)
				}
			},
		},
		{
			name:      "slow stream events",
			fault:     Fault{Kind: KindSlowEvents, Delay: 60 * time.Millisecond},
			directive: "fault=slow_events delay=60ms",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				start := time.Now()
				resp, err := send(ctx, with(asStream, setOf3))
				if err != nil {
					t.Fatal(err)
				}
				evs := readEvents(t, resp.Body)
				resp.Body.Close()
				// Three images, completed and [DONE], each after the delay.
				if took := time.Since(start); took < 5*60*time.Millisecond {
					t.Errorf("the stream took %v, want at least 300ms", took)
				}
				want := []string{"image_generation.partial_succeeded[0]", "image_generation.partial_succeeded[1]",
					"image_generation.partial_succeeded[2]", "image_generation.completed", "[DONE]"}
				if diff := cmp.Diff(want, eventNames(evs)); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:      "a relay's string error",
			fault:     Fault{Kind: KindStringError, Message: "upstream busy"},
			directive: "fault=string_error",
			check: func(t *testing.T, s *Server, c *http.Client, send sender) {
				a := send.answer(t, nil)
				var b struct{ Error string }
				if err := json.Unmarshal(a.Body, &b); err != nil || a.Status != 502 || b.Error == "" {
					t.Errorf("got %d %s (%v), want 502 with a string error", a.Status, a.Body, err)
				}
			},
		},
	}
	for _, tt := range tests {
		for _, mode := range []string{"inject", "directive"} {
			t.Run(tt.name+"/"+mode, func(t *testing.T) {
				s, c := newServer(t)
				prompt := "a lighthouse at dawn"
				if mode == "inject" {
					s.Inject(tt.fault)
				} else {
					prompt += " [[fake: " + tt.directive + "]]"
				}
				send := func(ctx context.Context, over map[string]any) (*http.Response, error) {
					req := newRequest(t, s.BaseURL()+"/images/generations", body(with(over, map[string]any{"prompt": prompt})))
					return c.Do(req.WithContext(ctx))
				}
				tt.check(t, s, c, send)
			})
		}
	}
}

func isImage(b []byte) bool {
	_, _, err := imageDecodeConfig(b)
	return err == nil
}

// itemSummary lists each item's size, or its error code.
func itemSummary(im images) []string {
	var out []string
	for _, d := range im.Data {
		if d.Error != nil {
			out = append(out, d.Error.Code)
		} else {
			out = append(out, d.Size)
		}
	}
	return out
}

func TestStatusDefaults(t *testing.T) {
	s, c := newServer(t)
	type got struct {
		Status     int
		Code, Type string
	}
	var want, gots []got
	for _, st := range []struct {
		status int
		code   string
	}{
		{0, "InternalServiceError"}, {400, "InvalidParameter"}, {401, "AuthenticationError"},
		{403, "AccessDenied"}, {404, "InvalidEndpointOrModel.NotFound"},
		{429, "ModelAccountIpmRateLimitExceeded"}, {502, "InternalServiceError"},
		{503, "InternalServiceError"}, {504, "InternalServiceError"},
	} {
		s.Inject(Fault{Kind: KindStatus, Status: st.status})
		status := st.status
		if status == 0 {
			status = 500
		}
		want = append(want, got{status, st.code, strings.ReplaceAll(http.StatusText(status), " ", "")})
		a := generate(t, s, c, body(nil))
		e := apiErrorOf(t, a)
		gots = append(gots, got{a.Status, e.Code, e.Type})
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFaultsApplyInOrderToMatchingPrompts(t *testing.T) {
	s, c := newServer(t)
	s.Inject(Fault{Kind: KindStatus, Status: 502, PromptContains: "dog"})
	s.Inject(Fault{Kind: KindStatus, Status: 500})
	s.Inject(Fault{Kind: KindStatus, Status: 503})
	var got []int
	for _, prompt := range []string{"a cat", "a dog", "a dog", "a cat", "a dog"} {
		got = append(got, generate(t, s, c, body(map[string]any{"prompt": prompt})).Status)
	}
	if diff := cmp.Diff([]int{500, 502, 503, 200, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestInvalidRequestsDoNotUseFaults(t *testing.T) {
	s, c := newServer(t)
	s.Inject(Fault{Kind: KindStatus, Status: 500})
	if a := generate(t, s, c, body(map[string]any{"seed": 3})); a.Status != 400 {
		t.Fatalf("got %d, want 400", a.Status)
	}
	if a := generate(t, s, c, body(nil)); a.Status != 500 {
		t.Errorf("got %d, want the queued 500", a.Status)
	}
}

func TestDirectiveTimesCountPerPrompt(t *testing.T) {
	s, c := newServer(t)
	var got []int
	for _, prompt := range []string{"cat [[fake: status=500]]", "dog [[fake: status=500]]", "cat [[fake: status=500]]"} {
		got = append(got, generate(t, s, c, body(map[string]any{"prompt": prompt})).Status)
	}
	if diff := cmp.Diff([]int{500, 500, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}

func TestLatencyDirective(t *testing.T) {
	s, c := newServer(t)
	s.SetLatency(time.Hour)
	start := time.Now()
	generate(t, s, c, body(map[string]any{"prompt": "a cat [[fake: latency=150ms]]", "sequential_image_generation": "auto",
		"sequential_image_generation_options": map[string]any{"max_images": 2}}))
	if took := time.Since(start); took < 300*time.Millisecond || took > 10*time.Second {
		t.Errorf("two images took %v, want 2 x 150ms", took)
	}
}

func TestCloseEndsHungRequests(t *testing.T) {
	s, c := newServer(t)
	s.Inject(Fault{Kind: KindHang})
	s.SetLatency(time.Hour)
	errs := make(chan error, 2)
	for _, over := range []map[string]any{nil, {"prompt": "slow"}} {
		go func() {
			resp, err := c.Do(newRequest(t, s.BaseURL()+"/images/generations", body(over)))
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for s.Count() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	s.Close()
	s.Close()
	for range 2 {
		if err := <-errs; err == nil {
			t.Error("a hung request got an answer")
		}
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Close took %v", took)
	}
}
