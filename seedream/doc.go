// Package seedream is the client of ByteDance's Seedream image API
// (SEEDREAM_API.md): the model table and its rules (models.go), the
// checks of reference images and of a request's size (reference.go), the
// request body each model takes, request ids sent and read, the answer
// in every shape it comes (url or b64_json, plain JSON or a server-sent
// event stream, per-image errors), retries with backoff, and the limits
// one provider instance shares across its calls (in-flight requests that
// adapt to 429s, images per minute).
//
// Images are streamed to temp files in a caller-given directory, checked
// to decode as images of the stated size and to be whole (imagefile.CheckWhole: a
// body cut short is never an image), hashed and synced; b64_json is
// decoded straight from the connection by a small streaming JSON reader,
// so that a 15 MB answer never sits in memory. The caller renames the
// files into place.
//
// The package knows nothing of HCL, the lock file or seedform's
// configuration, and never lets the API key into an error or a result.
// The fake server for tests is in seedreamtest.
package seedream
