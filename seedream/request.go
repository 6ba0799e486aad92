package seedream

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
	size := len(r.Prompt)
	for i, ref := range r.Images {
		if !strings.HasPrefix(ref, "http://") && !strings.HasPrefix(ref, "https://") && !strings.HasPrefix(ref, "data:image/") {
			return fmt.Errorf("seedream: reference image %d is neither an http(s) URL nor a data:image/ URI", i+1)
		}
		size += len(ref)
	}
	if size > MaxRequestBytes {
		return fmt.Errorf("seedream: the request would be %.1f MiB with its %d reference images sent inline, over the %d MiB a request may take: give some references as http(s) URLs, or make them smaller",
			float64(size)/(1<<20), len(r.Images), MaxRequestBytes>>20)
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
