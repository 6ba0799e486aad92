package seedream

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
	"syscall"
)

// Request is one generation request, in the API's terms.
type Request struct {
	Model, Prompt string
	// Size is a preset ("2K"), "WxH" or "adaptive"; "" sends none.
	Size string
	// Images are the reference images, each an http(s) URL or a data: URI
	// (see ImageDataURI).
	Images        []string
	Seed          *int64
	GuidanceScale *float64
	// Watermark is always sent: the API's default is true.
	Watermark bool
	// MaxImages > 0 asks for sequential generation ("auto") of up to
	// MaxImages images.
	MaxImages int
	Stream    bool
	// OutputFormat is "png" or "jpeg"; "" sends none.
	OutputFormat string
	// OptimizePrompt is the optimize_prompt_options mode; "" sends none.
	OptimizePrompt string
	// Thinking is optimize_prompt_options.thinking ("auto", "enabled",
	// "disabled"); "" sends none.
	Thinking string
	// WebSearch lets the model search the web (tools: web_search).
	WebSearch bool
}

// params is what the model table checks of r.
func (r *Request) params() Params {
	return Params{
		References: len(r.Images), Size: r.Size, Seed: r.Seed, Guidance: r.GuidanceScale,
		MaxImages: r.MaxImages, Stream: r.Stream, OutputFormat: r.OutputFormat,
		OptimizePrompt: r.OptimizePrompt, Thinking: r.Thinking, WebSearch: r.WebSearch,
	}
}

// wantFormat is the image format the answer must hold: what r asked
// for, else jpeg, which every known model returns unless asked
// otherwise; "" for an endpoint id that asked for nothing, whose model
// the client does not know.
func (r *Request) wantFormat() string {
	if r.OutputFormat != "" {
		return r.OutputFormat
	}
	if _, ok := LookupModel(r.Model); ok {
		return "jpeg"
	}
	return ""
}

// imagesPerCall is how many images r may produce: what the rate limit counts.
func (r *Request) imagesPerCall() int {
	return max(r.MaxImages, 1)
}

// wireRequest is the JSON body. Optional fields are omitted rather than
// sent empty: a model rejects a field it does not take, even a zero one.
type wireRequest struct {
	Model          string          `json:"model"`
	Prompt         string          `json:"prompt"`
	Image          any             `json:"image,omitempty"` // a string for one, an array for several
	Size           string          `json:"size,omitempty"`
	Seed           *int64          `json:"seed,omitempty"`
	GuidanceScale  *float64        `json:"guidance_scale,omitempty"`
	Sequential     string          `json:"sequential_image_generation,omitempty"`
	SequentialOpts *sequentialOpts `json:"sequential_image_generation_options,omitempty"`
	Stream         bool            `json:"stream,omitempty"`
	ResponseFormat string          `json:"response_format"`
	Watermark      bool            `json:"watermark"`
	OutputFormat   string          `json:"output_format,omitempty"`
	OptimizePrompt *optimizeOpts   `json:"optimize_prompt_options,omitempty"`
	Tools          []tool          `json:"tools,omitempty"`
}

type tool struct {
	Type string `json:"type"`
}

type sequentialOpts struct {
	MaxImages int `json:"max_images"`
}

type optimizeOpts struct {
	Mode     string `json:"mode,omitempty"`
	Thinking string `json:"thinking,omitempty"`
}

// body encodes r with the client's response format.
func (r *Request) body(responseFormat string) ([]byte, error) {
	w := wireRequest{
		Model: r.Model, Prompt: r.Prompt, Size: r.Size, Seed: r.Seed, GuidanceScale: r.GuidanceScale,
		Stream: r.Stream, ResponseFormat: responseFormat, Watermark: r.Watermark, OutputFormat: r.OutputFormat,
	}
	switch len(r.Images) {
	case 0:
	case 1:
		w.Image = r.Images[0]
	default:
		w.Image = r.Images
	}
	if r.MaxImages > 0 {
		w.Sequential = "auto"
		w.SequentialOpts = &sequentialOpts{MaxImages: r.MaxImages}
	}
	if r.OptimizePrompt != "" || r.Thinking != "" {
		w.OptimizePrompt = &optimizeOpts{Mode: r.OptimizePrompt, Thinking: r.Thinking}
	}
	if r.WebSearch {
		w.Tools = []tool{{Type: "web_search"}}
	}
	return json.Marshal(w)
}

// check refuses what the API would reject, before paying for a round trip.
// Unknown models (endpoint ids) go through unchecked.
func (r *Request) check() error {
	if r.Model == "" || r.Prompt == "" {
		return errors.New("seedream: a request needs a model and a prompt")
	}
	for i, ref := range r.Images {
		if !strings.HasPrefix(ref, "http://") && !strings.HasPrefix(ref, "https://") && !strings.HasPrefix(ref, "data:image/") {
			return fmt.Errorf("seedream: reference image %d is neither an http(s) URL nor a data:image/ URI", i+1)
		}
	}
	m, ok := LookupModel(r.Model)
	if !ok {
		return nil
	}
	var errs []error
	for _, pe := range m.Check(r.params()) {
		errs = append(errs, pe)
	}
	if len(errs) > 0 {
		return fmt.Errorf("seedream: %s would reject the request: %w", r.Model, errors.Join(errs...))
	}
	return nil
}

// MaxReferenceBytes is the API's limit on one reference image.
const MaxReferenceBytes = 30 << 20

// MinReferenceSide is the API's limit: each side must be more than 14 px.
const MinReferenceSide = 14

// ImageDataURI reads a local reference image and returns it as
// "data:image/<fmt>;base64,...". The format is sniffed from the content,
// not the file name (the API rejects a mislabelled image), and the image
// is checked against the API's limits: at most maxBytes (MaxReferenceBytes
// when 0), each side more than 14 px, aspect ratio within [1/16, 16].
func ImageDataURI(path string, maxBytes int64) (string, error) {
	uri, _, err := ImageDataURIHashed(path, maxBytes)
	return uri, err
}

// ImageDataURIHashed is ImageDataURI that also returns the sha256 (hex)
// of the bytes it encoded: what is sent, which a caller compares with the
// content its records were made from (the file may change meanwhile).
func ImageDataURIHashed(path string, maxBytes int64) (uri, sum string, err error) {
	f, format, size, err := openReference(path, maxBytes)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	prefix := "data:image/" + strings.ToLower(format) + ";base64,"
	var b strings.Builder
	b.Grow(len(prefix) + base64.StdEncoding.EncodedLen(int(size)))
	b.WriteString(prefix)
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(enc, h), io.LimitReader(f, maxBytesOr(maxBytes))); err != nil {
		return "", "", fmt.Errorf("reference image %s: %w", path, err)
	}
	enc.Close()
	return b.String(), hex.EncodeToString(h.Sum(nil)), nil
}

// CheckReferenceFile checks a local reference image as ImageDataURI
// would, reading only its header: validate and plan say what apply would
// refuse, before anything is paid for.
func CheckReferenceFile(path string) error {
	f, _, _, err := openReference(path, 0)
	if err == nil {
		f.Close()
	}
	return err
}

func maxBytesOr(n int64) int64 {
	if n <= 0 {
		return MaxReferenceBytes
	}
	return n
}

// openReference opens a reference image, checked, positioned at its
// start. Anything but a regular file (a FIFO, a device) is refused
// without blocking on it.
func openReference(path string, maxBytes int64) (f *os.File, format string, size int64, err error) {
	maxBytes = maxBytesOr(maxBytes)
	f, err = OpenRegular(path)
	if err != nil {
		return nil, "", 0, fmt.Errorf("reference image: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, "", 0, fmt.Errorf("reference image: %w", err)
	}
	if st.Size() > maxBytes {
		return nil, "", 0, fmt.Errorf("reference image %s: %d bytes, the limit is %d", path, st.Size(), maxBytes)
	}
	cfg, format, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return nil, "", 0, fmt.Errorf("reference image %s: not a jpeg, png, webp, bmp, tiff or gif image: %w", path, err)
	}
	if err := checkReference(cfg.Width, cfg.Height); err != nil {
		return nil, "", 0, fmt.Errorf("reference image %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", 0, fmt.Errorf("reference image: %w", err)
	}
	return f, format, st.Size(), nil
}

// ErrNotRegular is the error of a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file (a FIFO, a device or a folder)")

// OpenRegular opens path for reading if it is a regular file. It never
// blocks: a FIFO with no writer would hang a plain open, and a device
// would never end; both are refused.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &os.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func checkReference(w, h int) error {
	if w <= MinReferenceSide || h <= MinReferenceSide {
		return fmt.Errorf("%dx%d: each side must be more than %d px", w, h, MinReferenceSide)
	}
	if r := float64(w) / float64(h); r > MaxAspectRatio || r < 1/MaxAspectRatio {
		return fmt.Errorf("%dx%d: the aspect ratio must lie in [1/16, 16]", w, h)
	}
	return nil
}
