package openai

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Model is what one model of the Images API accepts.
type Model struct {
	ID string
	// GPTImage marks the GPT image models: answers always in b64_json,
	// quality low/medium/high/auto, background, output_format,
	// output_compression, moderation, edits with up to MaxReferences images.
	GPTImage bool
	// Sizes are the sizes it takes; with FlexibleSize any WxH within the
	// flexible rules is taken as well.
	Sizes        []string
	FlexibleSize bool
	// Transparent tells whether background = "transparent" is taken.
	Transparent bool
	// MaxImages bounds n.
	MaxImages int
	// Qualities are the quality values it takes.
	Qualities []string
	// Styles are the style values it takes; empty when it takes none.
	Styles []string
	// MaxReferences bounds the images of an edit; 0 when it edits none.
	MaxReferences int
	// RetiredAtVendor is true for a model OpenAI no longer serves on its
	// own API while Azure and relays still do.
	RetiredAtVendor bool
}

// Limits of the flexible sizes (gpt-image-2).
const (
	FlexMultiple   = 16
	FlexMaxSide    = 3840
	FlexMaxRatio   = 3
	FlexMinPixels  = 655360
	FlexMaxPixels  = 8294400
	MaxGPTImages   = 10
	MaxGPTRefs     = 16
	MaxCompression = 100
	DefaultFormat  = "png"
	VendorBaseURL  = "https://api.openai.com/v1"
	DefaultKeyEnv  = "OPENAI_API_KEY"
)

var gptSizes = []string{"1024x1024", "1536x1024", "1024x1536", "auto"}
var gptQualities = []string{"low", "medium", "high", "auto"}

var models = []Model{
	{ID: "gpt-image-1", GPTImage: true, Sizes: gptSizes, Transparent: true, MaxImages: MaxGPTImages, Qualities: gptQualities, MaxReferences: MaxGPTRefs},
	{ID: "gpt-image-1-mini", GPTImage: true, Sizes: gptSizes, Transparent: true, MaxImages: MaxGPTImages, Qualities: gptQualities, MaxReferences: MaxGPTRefs},
	{ID: "gpt-image-1.5", GPTImage: true, Sizes: gptSizes, Transparent: true, MaxImages: MaxGPTImages, Qualities: gptQualities, MaxReferences: MaxGPTRefs},
	{ID: "gpt-image-2", GPTImage: true, Sizes: []string{"auto"}, FlexibleSize: true, MaxImages: MaxGPTImages, Qualities: gptQualities, MaxReferences: MaxGPTRefs},
	{ID: "dall-e-3", Sizes: []string{"1024x1024", "1792x1024", "1024x1792"}, MaxImages: 1,
		Qualities: []string{"standard", "hd"}, Styles: []string{"vivid", "natural"}, RetiredAtVendor: true},
}

// datedSuffix is the snapshot date OpenAI appends to a model id.
var datedSuffix = regexp.MustCompile(`-\d{4}-\d{2}-\d{2}$`)

// LookupModel finds a model by id, a dated snapshot ("gpt-image-2-2026-04-21")
// reading as its model.
func LookupModel(id string) (Model, bool) {
	for _, try := range []string{id, datedSuffix.ReplaceAllString(id, "")} {
		for _, m := range models {
			if m.ID == try {
				return m, true
			}
		}
	}
	return Model{}, false
}

// Models returns the model ids seedform knows.
func Models() []string {
	out := make([]string, len(models))
	for i, m := range models {
		out[i] = m.ID
	}
	return out
}

// Params is the part of a request that a model's rules constrain, as
// the request's fields say it: "" and nil are fields not sent.
type Params struct {
	Size, Quality, Background, OutputFormat, Moderation, Style, ResponseFormat string
	OutputCompression                                                          *int
	// N is how many images are asked for; 0 sends none (one image).
	N int
	// References counts the images of an edit; Mask tells whether it has one.
	References int
	Mask       bool
}

// ParamError is a request field a model rejects, named as the API names it.
type ParamError struct {
	Param   string
	Message string
}

func (e ParamError) Error() string { return e.Param + ": " + e.Message }

// Check returns every field of p the model would reject, in a stable order.
func (m Model) Check(p Params) []ParamError {
	var errs []ParamError
	add := func(param, format string, args ...any) {
		errs = append(errs, ParamError{param, fmt.Sprintf(format, args...)})
	}
	if p.Size != "" {
		if msg := m.checkSize(p.Size); msg != "" {
			add("size", "%s", msg)
		}
	}
	if p.Quality != "" && !slices.Contains(m.Qualities, p.Quality) {
		add("quality", "%s takes quality %s, got %q", m.ID, orList(m.Qualities), p.Quality)
	}
	if p.N != 0 && (p.N < 1 || p.N > m.MaxImages) {
		if m.MaxImages == 1 {
			add("n", "%s makes one image a request (n = 1), got n = %d", m.ID, p.N)
		} else {
			add("n", "n must be in [1, %d], got %d", m.MaxImages, p.N)
		}
	}
	if p.Style != "" && !slices.Contains(m.Styles, p.Style) {
		if len(m.Styles) == 0 {
			add("style", "%s takes no style", m.ID)
		} else {
			add("style", "%s takes style %s, got %q", m.ID, orList(m.Styles), p.Style)
		}
	}
	if m.GPTImage {
		errs = append(errs, m.checkGPT(p)...)
	} else {
		for _, f := range []struct{ name, v string }{{"background", p.Background}, {"output_format", p.OutputFormat}, {"moderation", p.Moderation}} {
			if f.v != "" {
				add(f.name, "%s takes no %s", m.ID, f.name)
			}
		}
		if p.OutputCompression != nil {
			add("output_compression", "%s takes no output_compression", m.ID)
		}
		if p.ResponseFormat != "" && p.ResponseFormat != "url" && p.ResponseFormat != "b64_json" {
			add("response_format", "response_format must be \"url\" or \"b64_json\", got %q", p.ResponseFormat)
		}
	}
	switch {
	case p.References > 0 && m.MaxReferences == 0:
		add("image", "%s edits no images: it takes no reference images", m.ID)
	case p.References > m.MaxReferences:
		add("image", "%s takes at most %d images to edit, got %d", m.ID, m.MaxReferences, p.References)
	case p.Mask && p.References == 0:
		add("mask", "a mask needs an image to edit")
	}
	return errs
}

func (m Model) checkGPT(p Params) []ParamError {
	var errs []ParamError
	add := func(param, format string, args ...any) {
		errs = append(errs, ParamError{param, fmt.Sprintf(format, args...)})
	}
	format := p.OutputFormat
	if format == "" {
		format = DefaultFormat
	}
	if p.OutputFormat != "" && !slices.Contains([]string{"png", "jpeg", "webp"}, p.OutputFormat) {
		add("output_format", "output_format must be png, jpeg or webp, got %q", p.OutputFormat)
	}
	switch p.Background {
	case "", "opaque", "auto":
	case "transparent":
		if !m.Transparent {
			add("background", "%s does not make transparent backgrounds; use opaque or auto", m.ID)
		} else if format != "png" && format != "webp" {
			add("background", "a transparent background needs output_format png or webp, not %s", format)
		}
	default:
		add("background", "background must be transparent, opaque or auto, got %q", p.Background)
	}
	if c := p.OutputCompression; c != nil {
		switch {
		case *c < 0 || *c > MaxCompression:
			add("output_compression", "output_compression must be in [0, %d], got %d", MaxCompression, *c)
		case format == "png":
			add("output_compression", "output_compression applies to jpeg and webp, not png")
		}
	}
	if p.Moderation != "" && p.Moderation != "auto" && p.Moderation != "low" {
		add("moderation", "moderation must be auto or low, got %q", p.Moderation)
	}
	if p.ResponseFormat != "" {
		add("response_format", "%s always answers b64_json and takes no response_format", m.ID)
	}
	return errs
}

// checkSize returns why size is refused, or "".
func (m Model) checkSize(size string) string {
	if slices.Contains(m.Sizes, size) {
		return ""
	}
	if m.FlexibleSize {
		return checkFlexibleSize(size)
	}
	return fmt.Sprintf("%s takes size %s, got %q", m.ID, orList(m.Sizes), size)
}

func checkFlexibleSize(size string) string {
	w, h, ok := ParseSize(size)
	if !ok {
		return fmt.Sprintf("size must be auto or WxH, got %q", size)
	}
	long, short := max(w, h), min(w, h)
	switch {
	case w%FlexMultiple != 0 || h%FlexMultiple != 0:
		return fmt.Sprintf("both sides must be multiples of %d, got %s", FlexMultiple, size)
	case long > FlexMaxSide:
		return fmt.Sprintf("the long side must be at most %d pixels, got %s", FlexMaxSide, size)
	case long > FlexMaxRatio*short:
		return fmt.Sprintf("the aspect ratio must be within 1:%d and %d:1, got %s", FlexMaxRatio, FlexMaxRatio, size)
	case w*h < FlexMinPixels || w*h > FlexMaxPixels:
		return fmt.Sprintf("the size must hold %d to %d pixels, got %s (%d)", FlexMinPixels, FlexMaxPixels, size, w*h)
	}
	return ""
}

// ParseSize reads "WxH" with positive whole sides.
func ParseSize(s string) (w, h int, ok bool) {
	a, b, found := strings.Cut(s, "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || w < 1 || h < 1 || a[0] == '+' || b[0] == '+' {
		return 0, 0, false
	}
	return w, h, true
}

func orList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
