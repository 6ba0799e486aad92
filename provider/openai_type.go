package provider

import (
	"fmt"
	"slices"
	"time"

	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/schema"
	"github.com/zclconf/go-cty/cty"
)

// OpenAIType is the openai provider type: the OpenAI Images API as
// OpenAI, Azure, LiteLLM proxies and relays serve it.
type OpenAIType struct{}

var openaiSchema = &schema.Schema{
	Name: "openai", SpecVersion: 1, Parallelism: 4, PriceCard: openai.PriceCard(),
	Settings: []schema.Setting{
		{Name: "base_url", Type: cty.String, Default: cty.StringVal(openai.VendorBaseURL)},
		{Name: "api_key_env", Type: cty.String, Default: cty.StringVal(openai.DefaultKeyEnv)},
		{Name: "organization", Type: cty.String},
		{Name: "auth", Type: cty.String, OneOf: []string{openai.AuthBearer, openai.AuthAPIKey}, Default: cty.StringVal(openai.AuthBearer)},
		{Name: "images_per_minute", Type: cty.Number, Integer: true, Min: 0, Default: cty.NumberIntVal(0)},
		{Name: "max_retries", Type: cty.Number, Integer: true, Min: 0, Default: cty.NumberIntVal(defaultMaxRetries)},
		{Name: "max_image_bytes", Type: cty.Number, Integer: true, Min: 1, Default: cty.NumberIntVal(defaultMaxImageBytes)},
		{Name: "timeout", Type: cty.Number, Integer: true, Min: 1, Default: cty.NumberIntVal(defaultTimeoutSeconds)},
	},
	Attributes: []schema.Attribute{
		{Name: "size", Type: cty.String},
		{Name: "quality", Type: cty.String, OneOf: []string{"low", "medium", "high", "auto", "standard", "hd"}},
		{Name: "background", Type: cty.String, OneOf: []string{"transparent", "opaque", "auto"}},
		{Name: "output_compression", Type: cty.Number, Integer: true},
		{Name: "moderation", Type: cty.String, OneOf: []string{"auto", "low"}},
		{Name: "style", Type: cty.String, OneOf: []string{"vivid", "natural"}},
		// How the answer travels, not what it holds: no new image.
		{Name: "response_format", Type: cty.String},
		// A PNG whose transparent pixels mark where the first reference
		// is edited.
		{Name: "mask", Type: cty.String, File: true},
	},
	Request: []string{
		schema.AttrModel, schema.AttrPrompt, "size", "quality", "background", schema.AttrOutputFormat,
		"output_compression", "moderation", "style", schema.AttrMaxImages, schema.AttrReferences, "mask",
	},
	// dall-e-3's image URLs are valid for an hour.
	URLLifetime: time.Hour,
}

// Schema implements schema.Type.
func (OpenAIType) Schema() *schema.Schema { return openaiSchema }

// ResolveModel implements schema.Type.
func (OpenAIType) ResolveModel(model string, _, settings schema.Values) (schema.Rules, []schema.Problem) {
	if model == "" {
		return nil, []schema.Problem{{Summary: "Missing model",
			Detail: fmt.Sprintf("Assets on the openai provider need a model, such as model = %q.", openai.Models()[0])}}
	}
	m, ok := openai.LookupModel(model)
	if !ok {
		return anyOpenAIModel{}, []schema.Problem{{Attr: "model", Warning: true, Summary: "Unknown model",
			Detail: fmt.Sprintf("seedform does not know the OpenAI model %q (a deployment name or a newer model?), so it cannot check this asset against the model's rules before a request is paid for. The known models are %s.",
				model, quotedNames(openai.Models()))}}
	}
	var problems []schema.Problem
	if base, _ := settings.String("base_url"); m.RetiredAtVendor && openai.VendorURL(base) {
		problems = append(problems, schema.Problem{Attr: "model", Warning: true, Summary: "Model retired by OpenAI",
			Detail: fmt.Sprintf("OpenAI's own API no longer serves %s (retired in May 2026); Azure and relays still do. Point base_url at one of them, or use %q.", m.ID, openai.Models()[0])})
	}
	return openaiRules{m}, problems
}

// ProbeReference implements schema.ReferenceProber: /images/edits takes
// PNG, JPEG and WebP files up to the API's size limit.
func (OpenAIType) ProbeReference(path string) (schema.ReferenceFile, error) {
	ref, err := openai.ProbeReference(path)
	if err != nil {
		return schema.ReferenceFile{}, err
	}
	return schema.ReferenceFile{Format: ref.Format, Width: ref.Width, Height: ref.Height, Bytes: ref.Bytes}, nil
}

// openaiRules are one model's rules from openai/models.go.
type openaiRules struct{ m openai.Model }

func (r openaiRules) Name() string { return r.m.ID }

// PriceKey: OpenAI prices an image by model, quality and size.
func (r openaiRules) PriceKey(req *schema.Check) string {
	quality, _ := req.Attrs.String("quality")
	size, _ := req.Attrs.String("size")
	return openai.PriceKey(r.m.ID, quality, size)
}

// OutputFormats: GPT image models answer png unless asked, or jpeg or
// webp; dall-e-3 answers png only.
func (r openaiRules) OutputFormats() []string {
	if r.m.GPTImage {
		return []string{"png", "jpeg", "webp"}
	}
	return []string{"png"}
}

func (r openaiRules) Check(req *schema.Check) []schema.Problem {
	var out []schema.Problem
	if req.ExplicitFormat && !slices.Contains(r.OutputFormats(), req.OutputFormat) {
		out = append(out, schema.Problem{Attr: schema.AttrOutputFormat, Summary: "Invalid output_format for " + r.m.ID,
			Detail: fmt.Sprintf("%s answers only %s.", r.m.ID, quotedNames(r.OutputFormats()))})
	}
	p := openaiParams(req.Attrs, req.Kind, req.MaxImages)
	p.References = req.References
	if r.m.GPTImage {
		p.OutputFormat = req.OutputFormat
	}
	for _, pe := range r.m.Check(p) {
		attr := openaiParamAttribute(pe.Param)
		out = append(out, schema.Problem{Attr: attr, Summary: fmt.Sprintf("Invalid %s for %s", attr, r.m.ID),
			Detail: fmt.Sprintf("The model %q rejects this request: %s.", req.Model, pe.Message)})
	}
	return append(out, checkRemoteReferences(req)...)
}

// checkRemoteReferences refuses URL references: /images/edits takes
// uploaded files.
func checkRemoteReferences(req *schema.Check) []schema.Problem {
	if len(req.URLs) == 0 {
		return nil
	}
	return []schema.Problem{{Attr: schema.AttrReferences, Summary: "Reference URLs on the openai provider",
		Detail: "The OpenAI Images API edits uploaded files, not URLs: download the image into the repository and reference the file."}}
}

// openaiParams reads the request fields an asset's attributes make.
func openaiParams(attrs *schema.Values, kind schema.Kind, maxImages int) openai.Params {
	p := openai.Params{OutputCompression: intPtr(attrs.Int("output_compression"))}
	p.Size, _ = attrs.String("size")
	p.Quality, _ = attrs.String("quality")
	p.Background, _ = attrs.String("background")
	p.Moderation, _ = attrs.String("moderation")
	p.Style, _ = attrs.String("style")
	p.ResponseFormat, _ = attrs.String("response_format")
	p.Mask = attrs.Has("mask")
	if kind == schema.KindImageSet {
		p.N = maxImages
	}
	return p
}

func intPtr(n *int64) *int {
	if n == nil {
		return nil
	}
	i := int(*n)
	return &i
}

// openaiParamAttribute maps an API request field to the attribute it comes from.
func openaiParamAttribute(param string) string {
	switch param {
	case "n":
		return schema.AttrMaxImages
	case "image":
		return schema.AttrReferences
	}
	return param
}

// anyOpenAIModel is a model seedform does not know: only the API's
// shared limits are checked.
type anyOpenAIModel struct{}

func (anyOpenAIModel) Name() string                  { return "an unknown model" }
func (anyOpenAIModel) PriceKey(*schema.Check) string { return "" }
func (anyOpenAIModel) OutputFormats() []string       { return []string{"png", "jpeg", "webp"} }
func (anyOpenAIModel) Check(req *schema.Check) []schema.Problem {
	var out []schema.Problem
	if req.MaxImages > openai.MaxGPTImages {
		out = append(out, schema.Problem{Attr: schema.AttrMaxImages, Summary: "Invalid max_images",
			Detail: fmt.Sprintf("max_images must be in [1, %d], got %d.", openai.MaxGPTImages, req.MaxImages)})
	}
	if req.References > openai.MaxGPTRefs {
		out = append(out, schema.Problem{Attr: schema.AttrReferences, Summary: "Too many references",
			Detail: fmt.Sprintf("The Images API edits at most %d images, got %d.", openai.MaxGPTRefs, req.References)})
	}
	return append(out, checkRemoteReferences(req)...)
}

func quotedNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", n)
	}
	return out
}

func init() {
	register(OpenAIType{}, func(inst Instance) (Provider, error) {
		key, err := apiKey(inst)
		if err != nil {
			return nil, err
		}
		cfg := OpenAIConfig(inst, key)
		client, err := openai.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		o := NewOpenAI(client)
		o.KeyEnv, _ = inst.Settings.String("api_key_env")
		o.server = serverName(inst.Type, cfg.BaseURL)
		return o, nil
	})
}
