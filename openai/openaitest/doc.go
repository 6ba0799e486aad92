// Package openaitest is an in-process fake of the OpenAI Images API for
// tests, in the spirit of net/http/httptest and of seedreamtest: New starts
// a server on a loopback port, BaseURL is what a client is configured with
// (".../v1"), Close stops it.
//
// The server owns the API's behaviour and nothing of the client's: it is
// strict where the real API is. POST /v1/images/generations takes a JSON
// object (Content-Type application/json); POST /v1/images/edits takes
// multipart/form-data whose images come as "image" or "image[]" parts,
// each with the content type its bytes have (image/png, image/jpeg or
// image/webp), and an optional "mask" PNG. Both need "Authorization:
// Bearer <key>". A field the API does not know, a value of the wrong type,
// or a request the model refuses (openai.Model.Check: unknown sizes, a
// transparent jpeg, n over 10, more than 16 images to edit, response_format
// on a GPT image model) gets the API's error answer:
// {"error":{"message","type","param","code"}} with status 400. An unknown
// model is a 404 model_not_found. Every answer carries an x-request-id.
//
// Answers are the API's shapes: {"created","data":[{"b64_json"}],
// "background","output_format","quality","size","usage":{...}} for GPT
// image models, {"created","data":[{"url" or "b64_json","revised_prompt"}]}
// for dall-e-3, whose urls point back at the server (/files/<name>). The
// images are real PNG or JPEG files of the resolved size ("auto" is
// 1024x1024) whose flat colour comes from a hash of the request and the
// slot, so the same request yields the same bytes. A webp is a lossless
// (VP8L) image of that one colour.
//
// Failures are played two ways: Go tests queue a Fault with Inject, and
// end-to-end scripts steer the fake from the prompt with a block
// [[fake: key=value ...]]: status=NNN (with code=, retry_after=, times=N:
// the first N requests with this prompt fail, default 1) or fault=KIND
// (reset, hang, truncate, invalid_json, corrupt_base64, not_an_image,
// wrong_size, download_status), index=I for corrupt_base64. The text stays
// part of the prompt. A malformed directive is a 400 on "prompt".
package openaitest
