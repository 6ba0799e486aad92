// Package openai is the client of the OpenAI Images API, as OpenAI, Azure,
// LiteLLM proxies and most relays serve it: the model table and its rules
// (models.go), a request as JSON to /images/generations or, with
// reference images, as multipart to /images/edits (each file with its
// real image content type), the answer (b64_json, or url for dall-e-3),
// the API's error object, retries with backoff honouring Retry-After, and
// the limits one provider instance shares across its calls (package
// throttle).
//
// Each image is decoded from the answer as soon as its b64_json string is
// complete, written to a temp file in a caller-given directory, checked to
// decode as an image of the requested format and size, hashed and synced;
// the caller renames the files into place. A 2xx answer is paid for: it is
// not asked again, unless the connection cut it before any image arrived.
//
// The package knows nothing of HCL, the lock file or seedform's
// configuration, and never lets the API key into an error or a result.
// The fake server for tests is in openaitest.
package openai
