package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
)

// Request is one call: the fields the API takes, "" and nil not sent.
type Request struct {
	Model, Prompt string
	// N asks for several images; 0 or 1 sends none.
	N                                                                          int
	Size, Quality, Background, OutputFormat, Moderation, Style, ResponseFormat string
	OutputCompression                                                          *int
	// Images are local files to edit: with any, the request goes to
	// /images/edits as multipart. Mask is an optional mask file.
	Images []string
	Mask   string
	// User is the end-user id the API takes for abuse monitoring.
	User string
}

// MaxReferenceBytes is the API's limit on one uploaded image.
const MaxReferenceBytes = 50 << 20

// Params is the part of r a model's rules constrain.
func (r *Request) Params() Params {
	p := Params{Size: r.Size, Quality: r.Quality, Background: r.Background, OutputFormat: r.OutputFormat,
		Moderation: r.Moderation, Style: r.Style, ResponseFormat: r.ResponseFormat,
		OutputCompression: r.OutputCompression, References: len(r.Images), Mask: r.Mask != ""}
	if r.N > 1 {
		p.N = r.N
	}
	return p
}

// images is how many images r asks for.
func (r *Request) images() int { return max(r.N, 1) }

// op is what r does: "edit" with images, "generate" without.
func (r *Request) op() string {
	if len(r.Images) > 0 {
		return "edit"
	}
	return "generate"
}

// path is the endpoint r goes to, below the base URL.
func (r *Request) path() string {
	if len(r.Images) > 0 {
		return "/images/edits"
	}
	return "/images/generations"
}

// field is one request field in the order the body lists them.
type field struct {
	name  string
	value any
}

func (r *Request) fields() []field {
	var fs []field
	add := func(name string, v any, set bool) {
		if set {
			fs = append(fs, field{name, v})
		}
	}
	add("model", r.Model, r.Model != "")
	add("prompt", r.Prompt, true)
	add("n", r.N, r.N > 1)
	add("size", r.Size, r.Size != "")
	add("quality", r.Quality, r.Quality != "")
	add("background", r.Background, r.Background != "")
	add("output_format", r.OutputFormat, r.OutputFormat != "")
	if r.OutputCompression != nil {
		add("output_compression", *r.OutputCompression, true)
	}
	add("moderation", r.Moderation, r.Moderation != "")
	add("style", r.Style, r.Style != "")
	add("response_format", r.ResponseFormat, r.ResponseFormat != "")
	add("user", r.User, r.User != "")
	return fs
}

// jsonBody is the body of a generation: a JSON object in field order.
func (r *Request) jsonBody() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r.fields() {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.name)
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// multipartBody is the body of an edit and its content type. Each image
// is sent with the content type its bytes have: the API refuses a PNG
// labelled as a JPEG. One image goes as "image", several as "image[]",
// as OpenAI's own SDKs send them.
func (r *Request) multipartBody() ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range r.fields() {
		text := fmt.Sprint(f.value)
		if n, ok := f.value.(int); ok {
			text = strconv.Itoa(n)
		}
		if err := w.WriteField(f.name, text); err != nil {
			return nil, "", err
		}
	}
	name := "image"
	if len(r.Images) > 1 {
		name = "image[]"
	}
	for _, path := range r.Images {
		if err := writeFile(w, name, path); err != nil {
			return nil, "", err
		}
	}
	if r.Mask != "" {
		if err := writeFile(w, "mask", r.Mask); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

func writeFile(w *multipart.Writer, name, path string) error {
	data, err := readImage(path)
	if err != nil {
		return err
	}
	ctype, err := ImageContentType(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, name, filepath.Base(path)))
	h.Set("Content-Type", ctype)
	part, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = part.Write(data)
	return err
}

func readImage(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxReferenceBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxReferenceBytes {
		return nil, fmt.Errorf("%s: larger than the API's %d MB limit for an image", path, MaxReferenceBytes>>20)
	}
	return data, nil
}

// Reference is what a local image to edit is.
type Reference struct {
	Format        string
	Width, Height int
	Bytes         int64
}

// ProbeReference reads a local image to edit and checks it against what
// the API takes: a PNG, JPEG or WebP file of at most MaxReferenceBytes.
func ProbeReference(path string) (Reference, error) {
	data, err := readImage(path)
	if err != nil {
		return Reference{}, err
	}
	if _, err := ImageContentType(data); err != nil {
		return Reference{}, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Reference{}, fmt.Errorf("not a readable image: %w", err)
	}
	return Reference{Format: format, Width: cfg.Width, Height: cfg.Height, Bytes: int64(len(data))}, nil
}

// ImageContentType is the content type of PNG, JPEG or WebP data, the
// image formats the API takes; anything else is an error.
func ImageContentType(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg", nil
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "image/webp", nil
	}
	return "", fmt.Errorf("not a PNG, JPEG or WebP image, which are the formats the API takes")
}
