package seedreamtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what an injected fault does to a generation request.
type FaultKind int

const (
	// KindStatus answers with Fault.Status and an API error body.
	KindStatus FaultKind = iota
	// KindReset closes the connection without an answer (a TCP reset).
	KindReset
	// KindHang never answers, until the client gives up or the server closes.
	KindHang
	// KindTruncate sends the headers and half the body, then closes the connection.
	KindTruncate
	// KindInvalidJSON answers 200 with a body that is not JSON (in a
	// stream, an event whose data is not JSON, then the end of the stream).
	KindInvalidJSON
	// KindCorruptBase64 makes every b64_json item a string that is not
	// base64. It applies only to b64_json requests.
	KindCorruptBase64
	// KindNotAnImage makes every image valid base64, or a downloadable
	// file, whose bytes do not decode as an image.
	KindNotAnImage
	// KindHugeBody makes every image HugeBodySize bytes (base64 characters
	// for b64_json), written lazily and never held in memory.
	KindHugeBody
	// KindExpiredURL makes every download URL of the answer answer 403
	// AccessDenied ("expired"). It applies only to url requests.
	KindExpiredURL
	// KindItemError makes slot Fault.Index an error item (code
	// OutputImageSensitiveContentDetected unless Fault.Code says otherwise);
	// in a stream it is an image_generation.partial_failed event.
	KindItemError
	// KindPartialFailed is KindItemError by its streaming name: slot
	// Fault.Index is an image_generation.partial_failed event (an error item
	// when the request does not stream).
	KindPartialFailed
	// KindStreamCut ends a stream after the first image event, before
	// image_generation.completed and [DONE]. It applies only to streams.
	KindStreamCut
	// KindTopLevelError answers 200 with a top-level "error" object (in a
	// stream, a data: {"error": ...} frame, then the end of the stream).
	KindTopLevelError
	// KindWrongFormat makes every image of the answer the other format than
	// the request asked for (png instead of jpeg and the other way round),
	// as a relay that ignores output_format does.
	KindWrongFormat

	// The download kinds act on the image URLs of one url answer. Each URL
	// fails its first Fault.Times downloads (default 1) and then serves
	// its image; the fault is used up by the one generation request whose
	// answer it applies to.

	// KindDownloadStatus answers a download with Fault.Status (default
	// 500), Fault.RetryAfter and an object store's XML error.
	KindDownloadStatus
	// KindDownloadReset closes a download's connection without an answer.
	KindDownloadReset
	// KindDownloadTruncate sends a download's headers, with the full
	// Content-Length, and half the image, then closes the connection.
	KindDownloadTruncate
	// KindDownloadCutNoLength sends a download's headers with no
	// Content-Length and half the image, then closes the connection: the
	// body looks complete to a reader that does not check the image.
	KindDownloadCutNoLength

	// KindExtraImages answers with ExtraImages more images than the
	// request asked for (two for an image, or max_images+2 for a set).
	KindExtraImages
	// KindDuplicateImages sends every image twice, with the same index
	// (two items in data, or two partial_succeeded events).
	KindDuplicateImages
	// KindTruncatedB64 makes every b64_json image valid base64 of only the
	// first half of the picture. It applies only to b64_json requests.
	KindTruncatedB64
	// KindDataWithError answers 200 with the images in data and a
	// top-level "error" object beside them. It applies only to requests
	// that do not stream.
	KindDataWithError
	// KindStringError answers with Fault.Status (default 502) and a
	// relay's error body whose "error" is a string: {"error":"<message>"}.
	KindStringError
	// KindSlowEvents sends a stream at a crawl: each event (every image
	// of a set, the completed event and [DONE]) waits Fault.Delay
	// (default SlowEventDelay) before it is written, on top of the
	// server's latency. It applies only to streams.
	KindSlowEvents
)

// SlowEventDelay is KindSlowEvents's wait before each event when
// Fault.Delay is 0.
const SlowEventDelay = 200 * time.Millisecond

// ExtraImages is how many images KindExtraImages adds to an answer.
const ExtraImages = 2

// HugeBodySize is how many bytes a KindHugeBody image is: far more than any
// real image, so a client must cap what it reads.
const HugeBodySize = 200 << 20

var kindNames = []string{
	KindStatus: "status", KindReset: "reset", KindHang: "hang", KindTruncate: "truncate",
	KindInvalidJSON: "invalid_json", KindCorruptBase64: "corrupt_base64",
	KindNotAnImage: "not_an_image", KindHugeBody: "huge_body", KindExpiredURL: "expired_url",
	KindItemError: "item_error", KindPartialFailed: "partial_failed",
	KindStreamCut: "stream_cut", KindTopLevelError: "top_level_error",
	KindWrongFormat: "wrong_format", KindDownloadStatus: "download_status",
	KindDownloadReset: "download_reset", KindDownloadTruncate: "download_truncate",
	KindDownloadCutNoLength: "download_cut_no_length", KindExtraImages: "extra_images",
	KindDuplicateImages: "duplicate_images", KindTruncatedB64: "truncated_b64",
	KindDataWithError: "data_with_error", KindStringError: "string_error",
	KindSlowEvents: "slow_events",
}

// String returns the kind's name as a prompt directive spells it ("huge_body").
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a failure the server plays on a matching generation request.
// Faults are matched after a request passes validation and the in-flight
// limit, so a rejected request never uses one up.
type Fault struct {
	Kind FaultKind
	// Status is KindStatus's and KindDownloadStatus's HTTP status; 0 means 500.
	Status int
	// Code and Message are the API error's, for KindStatus, KindTopLevelError,
	// KindItemError and KindPartialFailed, and the object store's for
	// KindDownloadStatus; "" picks a default for the status.
	Code, Message string
	// RetryAfter is the Retry-After header value of KindStatus and
	// KindDownloadStatus, "" for none.
	RetryAfter string
	// Times is how many matching requests the fault applies to; 0 means 1.
	// For the download kinds it is how many downloads of each URL fail.
	Times int
	// PromptContains limits the fault to requests whose prompt contains it.
	PromptContains string
	// Index is the slot KindItemError and KindPartialFailed fail (0-based);
	// a slot past the end of the answer fails nothing.
	Index int
	// Delay is KindSlowEvents's wait before each event; 0 means
	// SlowEventDelay.
	Delay time.Duration
}

// appliesTo reports whether f can act on req: a fault waits in the queue
// for a request it can change instead of being used up by one it cannot.
func (f *Fault) appliesTo(req *genRequest) bool {
	if !strings.Contains(req.prompt, f.PromptContains) {
		return false
	}
	switch f.Kind {
	case KindCorruptBase64, KindTruncatedB64:
		return req.b64
	case KindExpiredURL, KindDownloadStatus, KindDownloadReset, KindDownloadTruncate, KindDownloadCutNoLength:
		return !req.b64
	case KindStreamCut, KindSlowEvents:
		return req.stream
	case KindDataWithError:
		return !req.stream
	}
	return true
}

// onDownload reports whether the fault acts on downloads rather than on
// the generation request.
func (f *Fault) onDownload() bool {
	switch f.Kind {
	case KindDownloadStatus, KindDownloadReset, KindDownloadTruncate, KindDownloadCutNoLength:
		return true
	}
	return false
}

// requests is how many generation requests the fault applies to: a
// download fault's Times counts downloads instead.
func (f *Fault) requests() int {
	if f.onDownload() {
		return 1
	}
	return max(f.Times, 1)
}

// eventDelay is KindSlowEvents's wait before each event, with its default.
func (f *Fault) eventDelay() time.Duration {
	if f.Delay > 0 {
		return f.Delay
	}
	return SlowEventDelay
}

// status returns the HTTP status of KindStatus or KindDownloadStatus with its default.
func (f *Fault) status() int {
	if f.Status == 0 && f.Kind == KindStringError {
		return http.StatusBadGateway
	}
	if f.Status == 0 {
		return http.StatusInternalServerError
	}
	return f.Status
}

// defaultCodes are the API error codes of each status (SEEDREAM_API.md "Errors").
var defaultCodes = map[int]string{
	400: "InvalidParameter",
	401: "AuthenticationError",
	403: "AccessDenied",
	404: "InvalidEndpointOrModel.NotFound",
	429: "ModelAccountIpmRateLimitExceeded",
}

func codeFor(status int) string {
	if c, ok := defaultCodes[status]; ok {
		return c
	}
	return "InternalServiceError"
}

// contentFilterCode is the code of a slot the content filter rejected.
const contentFilterCode = "OutputImageSensitiveContentDetected"

// stopsSet reports whether a failed slot with this code ends the set: the
// content filter rejects one image and the model goes on; any other error
// stops the rest (SEEDREAM_API.md "Streaming").
func stopsSet(code string) bool {
	return !strings.HasSuffix(code, "SensitiveContentDetected") && !strings.HasSuffix(code, "RiskDetection")
}

// directive is what the [[fake: ...]] blocks of a prompt ask for.
type directive struct {
	images     int           // 0: as many as max_images
	billed     int           // 0: usage reports the images delivered
	latency    time.Duration // with hasLatency, replaces SetLatency
	hasLatency bool
	fault      *Fault // nil: none; Times is how many requests with this prompt it hits
}

// parseDirectives reads the [[fake: key=value ...]] blocks of prompt.
func parseDirectives(prompt string) (directive, error) {
	var d directive
	seen := map[string]string{}
	rest := prompt
	for {
		start := strings.Index(rest, "[[fake:")
		if start < 0 {
			break
		}
		body, after, ok := strings.Cut(rest[start+len("[[fake:"):], "]]")
		if !ok {
			return d, fmt.Errorf("unterminated [[fake: directive")
		}
		rest = after
		for _, field := range strings.Fields(body) {
			k, v, ok := strings.Cut(field, "=")
			if !ok || k == "" || v == "" {
				return d, fmt.Errorf("directive %q is not key=value", field)
			}
			if _, dup := seen[k]; dup {
				return d, fmt.Errorf("directive key %q given twice", k)
			}
			seen[k] = v
		}
	}
	if len(seen) == 0 {
		return d, nil
	}

	atoi := func(key string, min, max int) (int, error) {
		n, err := strconv.Atoi(seen[key])
		if err != nil || n < min || n > max {
			return 0, fmt.Errorf("directive %s=%s: want an integer in [%d, %d]", key, seen[key], min, max)
		}
		return n, nil
	}
	var f Fault
	kinds := 0
	setKind := func(k FaultKind) {
		f.Kind = k
		kinds++
	}
	for key, v := range seen {
		var err error
		switch key {
		case "images":
			d.images, err = atoi(key, 1, 15)
		case "billed":
			d.billed, err = atoi(key, 1, 1000)
		case "latency":
			d.latency, err = time.ParseDuration(v)
			if err != nil || d.latency < 0 {
				err = fmt.Errorf("directive latency=%s: want a Go duration such as 200ms", v)
			}
			d.hasLatency = true
		case "fault":
			k := kindByName(v)
			if k < 0 {
				return d, fmt.Errorf("directive fault=%s: unknown fault; want one of %s", v, strings.Join(kindNames, ", "))
			}
			setKind(k)
		case "status":
			setKind(KindStatus)
			f.Status, err = atoi(key, 100, 599)
		case "download_status":
			setKind(KindDownloadStatus)
			f.Status, err = atoi(key, 100, 599)
		case "item_error":
			setKind(KindItemError)
			f.Index, err = atoi(key, 0, 14)
		case "partial_failed":
			setKind(KindPartialFailed)
			f.Index, err = atoi(key, 0, 14)
		case "index":
			f.Index, err = atoi(key, 0, 14)
		case "times":
			f.Times, err = atoi(key, 1, 1<<30)
		case "delay":
			f.Delay, err = time.ParseDuration(v)
			if err != nil || f.Delay < 0 {
				err = fmt.Errorf("directive delay=%s: want a Go duration such as 200ms", v)
			}
		case "code":
			f.Code = v
		case "retry_after":
			f.RetryAfter = v
		default:
			return d, fmt.Errorf("unknown directive key %q; want images, latency, fault, status, download_status, item_error, partial_failed, index, times, delay, code or retry_after", key)
		}
		if err != nil {
			return d, err
		}
	}
	switch {
	case kinds > 1:
		return d, fmt.Errorf("a prompt takes one fault; got %d of fault, status, download_status, item_error, partial_failed", kinds)
	case kinds == 1:
		d.fault = &f
	default:
		for _, k := range []string{"index", "times", "delay", "code", "retry_after"} {
			if _, ok := seen[k]; ok {
				return d, fmt.Errorf("directive %s= needs a fault (fault=, status=, download_status=, item_error= or partial_failed=)", k)
			}
		}
	}
	return d, nil
}

func kindByName(name string) FaultKind {
	for k, n := range kindNames {
		if n == name {
			return FaultKind(k)
		}
	}
	return -1
}
