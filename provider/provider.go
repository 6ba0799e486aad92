package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/throttle"
)

// Provider turns one asset spec into image files. Implementations are safe
// for concurrent use; the pipeline bounds how many calls run at once.
type Provider interface {
	Generate(ctx context.Context, req *Request) (*Result, error)
}

// Request is one asset to generate.
type Request struct {
	Asset *schema.Asset
	// SpecHash is the effective hash, upstream content folded in; the
	// placeholder draws from it so that its output is deterministic.
	SpecHash string
	// References are the asset's reference images, resolved to local
	// files (absolute paths) or URLs, in the order the config lists them.
	References []Ref
	// Files are the type's File attributes (schema.Attribute.File)
	// resolved to absolute paths, by attribute name.
	Files map[string]string
	// StageDir is a directory on the same file system as the outputs where
	// the provider writes its files (and anything it must keep to recover
	// a paid response after a crash).
	StageDir string
	// Events, when not nil, is told of progress.
	Events Events
	// Paid, when not nil, is called as soon as the API has answered and
	// before anything is downloaded, with what the answer holds, so the
	// caller can journal it: a crash after this point loses no paid image.
	// An error from Paid aborts the call.
	Paid func(items []PaidItem) error
}

// PaidItem is one slot of a paid answer: a URL still to download, an
// image the answer carried (already whole on disk), or a slot that failed.
type PaidItem struct {
	Index     int
	URL       string
	Image     *Image
	ErrorCode string
	// RequestID is the API's id of the request that was paid for, when
	// it gave one: the same for every item of an answer.
	RequestID string
}

// Downloader is implemented by providers whose answers hold URLs, so that
// a journaled answer can be finished after a crash with no new request.
type Downloader interface {
	Download(ctx context.Context, url, dir string, index int) (Image, error)
}

// Ref is one resolved reference image: a local file or a URL.
type Ref struct {
	File string
	// SHA256 is the content the asset's spec hash was made from, "" when
	// unknown: a file that no longer holds it is not sent, so that the
	// lock never records one content and the API gets another.
	SHA256 string
	URL    string
}

// Events receives progress from inside one Generate call.
type Events interface {
	// ImageReady is called as each image of the request is written.
	ImageReady(index int, width, height int)
	// Retrying is called before a transient failure is retried: the
	// attempt to come, the wait before it, and the failure.
	Retrying(attempt int, wait time.Duration, reason string)
}

// Image is one finished image, complete and synced in StageDir, or held
// in memory when the disk refused an image the answer carried inline.
type Image struct {
	Index         int // the slot, 0-based, counted over failures too
	TempPath      string
	Width, Height int
	Format        string // "png" or "jpeg"
	SHA256        string // hex
	Bytes         int64
	// Held is the whole image, with no TempPath, when writing it to
	// StageDir failed: it is paid for and exists nowhere else, and the
	// caller writes it there once the disk has room.
	Held []byte
}

// AnswerSizer is implemented by providers that write what an answer holds
// into StageDir: AnswerBytes bounds the bytes one answer for the asset can
// take there, so that the caller can refuse to pay for an answer the disk
// cannot keep.
type AnswerSizer interface {
	AnswerBytes(a *schema.Asset) int64
}

// answerBytes bounds images images of w×h pixels (0 when unknown): four
// bytes a pixel and a header, more than any encoder writes (an RGBA PNG
// stored uncompressed), each capped at maxImage.
func answerBytes(images, w, h int, maxImage int64) int64 {
	per := maxImage
	if w > 0 && h > 0 {
		per = min(int64(w)*int64(h)*4+64<<10, maxImage)
	}
	return int64(max(images, 1)) * per
}

// SlotError is one image of a set that failed while others succeeded.
type SlotError struct {
	Index         int
	Code, Message string
}

// Result is what one Generate call produced.
type Result struct {
	Images []Image
	Failed []SlotError
	// Model is the model id the API reported, if any.
	Model           string
	GeneratedImages int
	InputTokens     int
	OutputTokens    int
	TotalTokens     int
	// InputImages and ToolUsage are the reference images and the tools
	// ("web_search") the API billed, when it said.
	InputImages int
	ToolUsage   map[string]int
	// RequestID is the API's id of the request that answered, if any.
	RequestID string
}

// ErrAnswerLost marks a failure after which a paid answer can never be
// finished: its images could not be downloaded and never will be (an
// expired URL, a body that is not an image or is too large). Staging
// keeps answers to finish them later; this one it drops, so that the next
// apply asks again instead of retrying a download that cannot succeed.
var ErrAnswerLost = errors.New("the paid answer cannot be finished")

// answerLost is err marked with ErrAnswerLost; its message is err's.
type answerLost struct{ err error }

func (e answerLost) Error() string   { return e.err.Error() }
func (e answerLost) Unwrap() []error { return []error{e.err, ErrAnswerLost} }

// Instance is one configured provider block, as the command line hands
// it over at apply time.
type Instance struct {
	Addr, Type  string
	Parallelism int
	// Settings are the type's settings, defaults filled in.
	Settings schema.Values
	// Getenv reads the environment: the API key is read here, at apply
	// time, and only for instances that will be called.
	Getenv func(string) string
	// Known, when not nil, says what a server (named as Paced.Server
	// names it) has shown it takes in earlier applies, zero when unknown:
	// the client's in-flight limit starts there.
	Known func(server string) throttle.Capacity
}

// builders make an implementation of each provider type.
var builders = map[string]func(Instance) (Provider, error){}

// register makes a provider type known to the language (schema.Register)
// and to New.
func register(t schema.Type, build func(Instance) (Provider, error)) {
	schema.Register(t)
	builders[t.Schema().Name] = build
}

// New builds the implementation of a provider instance.
func New(inst Instance) (Provider, error) {
	build := builders[inst.Type]
	if build == nil {
		return nil, fmt.Errorf("provider %s: unknown type %q", inst.Addr, inst.Type)
	}
	p, err := build(inst)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", inst.Addr, err)
	}
	return p, nil
}

// apiKey reads the key an instance's api_key_env names.
func apiKey(inst Instance) (string, error) {
	env, _ := inst.Settings.String("api_key_env")
	key := ""
	if inst.Getenv != nil && env != "" {
		key = inst.Getenv(env)
	}
	if key == "" {
		return "", fmt.Errorf("the environment variable %s is not set; seedform reads the API key from it at apply time", env)
	}
	return key, nil
}

// keyRefused adds to an API's 401 or 403 (status) the environment
// variable the key was read from and what to check; other errors, and any
// error when keyEnv is unknown, are returned as they are.
func keyRefused(err error, status int, keyEnv string) error {
	switch {
	case keyEnv == "":
		return err
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%w (the API key read from the environment variable %s was refused; check that it holds a current key of the account behind base_url, or set api_key_env in the provider block)", err, keyEnv)
	case status == http.StatusForbidden:
		return fmt.Errorf("%w (the API key was read from the environment variable %s; check that its account has access to this model)", err, keyEnv)
	}
	return err
}

// settingInt is a whole-number setting of the instance's block, 0 when
// it is absent (the spec fills in every default the type declares).
func (inst Instance) settingInt(name string) int64 {
	if n := inst.Settings.Int(name); n != nil {
		return *n
	}
	return 0
}
