// Package seedreamtest is an in-process fake of the Seedream image API for
// tests, in the spirit of net/http/httptest: New starts a server on a
// loopback port, BaseURL is what a client is configured with, Close stops it.
//
// The server owns the API's behaviour as SEEDREAM_API.md describes it, and
// nothing of the client's: it is strict where the real API is. Only POST to
// a path ending in "/images/generations" generates; the request needs
// "Authorization: Bearer <key>" and a JSON object body whose fields the model
// takes (seedream.Model.Check), or it gets the API's error answer:
// {"error":{"code","message","param","type"}}, the message ending in
// " Request id: <id>". Every answer carries that id in an x-request-id
// header, as the vendor's do; the X-Client-Request-Id a client sends is
// recorded (Recorded.ClientRequestID), not echoed.
//
// Strictness the client should know of: Content-Type must be
// application/json; a JSON null is not an absent field; a field the model does
// not take is refused even with its default value ("stream": false on 3.0,
// "sequential_image_generation": "disabled" on seededit); a data URI's format
// must match its bytes; a reference image is at most 6000x6000 pixels, and
// within an aspect ratio of [1/3, 3] for seededit. HEIC and HEIF data URIs,
// which Go cannot decode, need only their ftyp box. tools takes only
// [{"type":"web_search"}], on 5.0 Lite.
// sequential_image_generation "auto" without max_images returns 15 images
// less the reference images, the API's ceiling.
//
// Usage is billed as the vendor does: usage.input_images on 5.0 Pro, and
// usage.tool_usage.web_search when web search was asked for.
// OmitCompletedEvent makes single-image streams end with [DONE] alone.
//
// The images are real: a flat-colour JPEG (PNG when a 5.0 request asks for
// output_format "png") of exactly the resolved size. The colour comes from a
// hash of the request and the image's index, so the same request always
// yields the same bytes and different prompts or slots differ. url answers
// point back at the server (/files/<name>), which serves them.
//
// Failures are played two ways: Go tests queue a Fault with Inject, and
// end-to-end scripts, which cannot call Go, steer the fake from the prompt.
//
// # Prompt directives
//
// A prompt may contain blocks of the form
//
//	[[fake: key=value key=value ...]]
//
// Keys are separated by spaces; values hold no spaces. Several blocks may
// appear anywhere in the prompt; a key may be given only once. The text stays
// part of the prompt the model sees (it changes the picture like any text).
// A malformed directive is a 400 InvalidParameter with param "prompt".
//
//	images=N          a set (sequential_image_generation auto) returns only
//	                  N images (1..15), fewer than max_images
//	billed=N          the answer's usage.generated_images says N (1..1000),
//	                  whatever was delivered: an API billing more than it
//	                  returns
//	latency=D         each image takes D (a Go duration: 200ms, 2s),
//	                  replacing SetLatency for this request
//	status=NNN        answer with HTTP status NNN and an API error
//	download_status=NNN  each image URL of the answer answers its first
//	                  downloads with HTTP status NNN (see times), then
//	                  serves the image
//	item_error=I      slot I fails (an error item; partial_failed in a stream)
//	partial_failed=I  the same, by its streaming name
//	fault=KIND        any fault by name: status, reset, hang, truncate,
//	                  invalid_json, corrupt_base64, not_an_image, huge_body,
//	                  expired_url, item_error, partial_failed, stream_cut,
//	                  top_level_error, wrong_format, download_status,
//	                  download_reset, download_truncate,
//	                  download_cut_no_length, extra_images,
//	                  duplicate_images, truncated_b64, data_with_error,
//	                  string_error, slow_events (see FaultKind)
//	index=I           the slot of fault=item_error or fault=partial_failed
//	delay=D           the wait before each event of fault=slow_events
//	code=CODE         the error code of status, download_status, item_error,
//	                  partial_failed or top_level_error
//	retry_after=V     the Retry-After header of status or download_status
//	times=N           the fault hits the first N requests with this exact
//	                  prompt (default 1); later ones succeed. A download
//	                  fault hits one request, and times is how many
//	                  downloads of each of its URLs fail
//
// A prompt names at most one fault (status, download_status, item_error,
// partial_failed or fault). For example "[[fake: status=503 times=2 retry_after=1]]" fails the
// first two requests with 503 and Retry-After: 1, and "[[fake: images=2
// item_error=1 code=InternalServiceError]]" returns a set whose second image
// failed and stopped the set.
//
// A fault injected with Inject takes precedence: a request takes the first
// queued fault that applies to it, and only when none does, its directive's.
package seedreamtest
