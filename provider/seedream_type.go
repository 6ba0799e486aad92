package provider

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/seedream"
	"github.com/zclconf/go-cty/cty"
)

// Seedream provider defaults.
const (
	SeedreamDefaultBaseURL   = "https://ark.cn-beijing.volces.com/api/v3"
	SeedreamDefaultAPIKeyEnv = "ARK_API_KEY"
	defaultMaxImageBytes     = 64 << 20
	defaultTimeoutSeconds    = 600
	defaultMaxRetries        = 4
)

// seedreamAttributes are the asset attributes the Seedream API's request
// takes beyond the shared ones; the placeholder takes the same, so that a
// config that passes on it passes on Seedream.
var seedreamAttributes = []schema.Attribute{
	{Name: "model_family", Type: cty.String, Static: true},
	{Name: "size", Type: cty.String},
	{Name: "seed", Type: cty.Number, Integer: true},
	{Name: "guidance_scale", Type: cty.Number},
	{Name: "watermark", Type: cty.Bool, Default: cty.True},
	{Name: "stream", Type: cty.Bool},
	{Name: "optimize_prompt", Type: cty.String},
	{Name: "thinking", Type: cty.String},
	{Name: "web_search", Type: cty.Bool},
}

// seedreamRequest lists what forces a new image, in the order the lock
// has always stored it: spec hashes written before providers described
// themselves stay valid.
var seedreamRequestAttrs = []string{
	schema.AttrModel, schema.AttrPrompt, "size", "seed", "guidance_scale", "watermark",
	schema.AttrOutputFormat, schema.AttrMaxImages, "optimize_prompt", "thinking", "web_search", schema.AttrReferences,
}

// SeedreamType is the seedream provider type.
type SeedreamType struct{}

// Schema implements schema.Type.
func (SeedreamType) Schema() *schema.Schema { return seedreamSchema }

var seedreamSchema = &schema.Schema{
	Name: "seedream", SpecVersion: 1, Preferred: true, Parallelism: 4, PriceCard: seedream.PriceCard(),
	Settings: []schema.Setting{
		{Name: "base_url", Type: cty.String, Default: cty.StringVal(SeedreamDefaultBaseURL)},
		{Name: "api_key_env", Type: cty.String, Default: cty.StringVal(SeedreamDefaultAPIKeyEnv)},
		{Name: "images_per_minute", Type: cty.Number, Integer: true, Min: 0, Default: cty.NumberIntVal(500)},
		{Name: "max_retries", Type: cty.Number, Integer: true, Min: 0, Default: cty.NumberIntVal(defaultMaxRetries)},
		{Name: "response_format", Type: cty.String, OneOf: []string{"url", "b64_json"}, Default: cty.StringVal("url")},
		{Name: "max_image_bytes", Type: cty.Number, Integer: true, Min: 1, Default: cty.NumberIntVal(defaultMaxImageBytes)},
		{Name: "timeout", Type: cty.Number, Integer: true, Min: 1, Default: cty.NumberIntVal(defaultTimeoutSeconds)},
	},
	Attributes:  seedreamAttributes,
	Request:     seedreamRequestAttrs,
	URLLifetime: 24 * time.Hour,
}

// ResolveModel implements schema.Type: Seedream needs a model.
func (SeedreamType) ResolveModel(model string, static, settings schema.Values) (schema.Rules, []schema.Problem) {
	if model == "" {
		if _, ok := static.String("model_family"); ok {
			return nil, []schema.Problem{missingModelForFamily}
		}
		m, _ := seedream.ModelFor(seedream.Seedream45)
		return nil, []schema.Problem{{Summary: "Missing model",
			Detail: fmt.Sprintf("Assets on the seedream provider need a model, such as model = %q.", m.ID)}}
	}
	rules, problems := resolveSeedreamModel(model, static)
	baseURL, _ := settings.String("base_url")
	for _, w := range seedream.VendorWarnings(model, baseURL) {
		problems = append(problems, schema.Problem{Attr: "model", Warning: true, Summary: "Model not served by the vendor",
			Detail: fmt.Sprintf("%s (base_url %q.)", w, baseURL)})
	}
	return rules, problems
}

var missingModelForFamily = schema.Problem{Attr: "model_family", Summary: "Missing model",
	Detail: "model_family says which rules apply to a model id; set model as well."}

// resolveSeedreamModel finds the rules of a model id: known from the
// table, or stated with model_family for an endpoint id. An unknown id
// with no family is a warning and gets only the limits every model shares.
func resolveSeedreamModel(model string, static schema.Values) (schema.Rules, []schema.Problem) {
	known, isKnown := seedream.LookupModel(model)
	family, hasFamily := static.String("model_family")
	if !hasFamily {
		near := seedream.NearModelID(model)
		if !isKnown {
			detail := fmt.Sprintf("seedform does not know the model %q (an endpoint id or a newer model?), so it cannot check this asset against the model's rules before a request is paid for. Set model_family to the model's family, one of %s, for example model_family = %q.",
				model, familyList(), seedream.Seedream45)
			if near != "" {
				detail = fmt.Sprintf("The model %q is one character from %q, a model seedform knows: did you mean it? Otherwise set model_family to the model's family, one of %s.", model, near, familyList())
			}
			return anySeedreamModel{}, []schema.Problem{{Attr: "model", Warning: true, Summary: "Unknown model", Detail: detail}}
		}
		if near != "" {
			return seedreamRules{known}, []schema.Problem{{Attr: "model", Warning: true, Summary: "Possible typo in the model id",
				Detail: fmt.Sprintf("The model %q is one character from %q, the %s release seedform knows; it is taken as a newer release, but if it is a typo the API will refuse every request. Did you mean %q?",
					model, near, known.Family, near)}}
		}
		return seedreamRules{known}, nil
	}
	m, ok := seedream.ModelFor(seedream.Family(family))
	if !ok {
		var names []string
		for _, f := range seedream.Families() {
			names = append(names, string(f))
		}
		return nil, []schema.Problem{{Attr: "model_family", Summary: "Unknown model family",
			Detail: fmt.Sprintf("There is no model family %q; the families are %s.%s", family, familyList(), schema.DidYouMean(family, names))}}
	}
	if isKnown && known.Family != m.Family {
		return nil, []schema.Problem{{Attr: "model_family", Summary: "Conflicting model_family",
			Detail: fmt.Sprintf("The model %q belongs to %s, not %s; remove model_family or fix it.", model, known.Family, m.Family)}}
	}
	return seedreamRules{m}, nil
}

// seedreamModelOf returns the table entry an asset's model resolves to.
func seedreamModelOf(model string, attrs schema.Values) (seedream.Model, bool) {
	if family, ok := attrs.String("model_family"); ok {
		return seedream.ModelFor(seedream.Family(family))
	}
	return seedream.LookupModel(model)
}

func familyList() string {
	var names []string
	for _, f := range seedream.Families() {
		names = append(names, strconv.Quote(string(f)))
	}
	return strings.Join(names, ", ")
}

// seedreamRules are one Seedream model's rules from seedream/models.go.
type seedreamRules struct{ m seedream.Model }

func (r seedreamRules) Name() string { return string(r.m.Family) }

// PriceKey: Seedream prices an image by the model's family.
func (r seedreamRules) PriceKey(*schema.Check) string { return string(r.m.Family) }

// OutputFormats lists jpeg first: what the API returns when not asked.
func (r seedreamRules) OutputFormats() []string {
	if len(r.m.OutputFormats) == 0 {
		return []string{"jpeg"}
	}
	out := []string{"jpeg"}
	for _, f := range r.m.OutputFormats {
		if f != "jpeg" {
			out = append(out, f)
		}
	}
	if !slices.Contains(r.m.OutputFormats, "jpeg") {
		out = out[1:]
	}
	return out
}

func (r seedreamRules) Check(req *schema.Check) []schema.Problem {
	stream, _ := req.Attrs.Bool("stream")
	size, _ := req.Attrs.String("size")
	opt, _ := req.Attrs.String("optimize_prompt")
	thinking, _ := req.Attrs.String("thinking")
	webSearch, _ := req.Attrs.Bool("web_search")
	p := seedream.Params{
		References: req.References, Size: size, Seed: req.Attrs.Int("seed"), Guidance: req.Attrs.Float("guidance_scale"),
		MaxImages: req.MaxImages, Stream: stream, OptimizePrompt: opt, Thinking: thinking, WebSearch: webSearch,
	}
	if req.ExplicitFormat {
		p.OutputFormat = req.OutputFormat
	}
	out := r.checkReferenceFiles(req)
	for _, pe := range r.m.Check(p) {
		attr := seedreamParamAttribute(pe.Param)
		out = append(out, schema.Problem{Attr: attr, Summary: fmt.Sprintf("Invalid %s for %s", attr, r.m.Family),
			Detail: fmt.Sprintf("The model %q (%s) rejects this request: %s.", req.Model, r.m.Family, pe.Message)})
	}
	return out
}

// checkReferenceFiles checks the local reference files against the
// model's own limits, and the request they make against the size a
// request may have: each is sent inline as a data URI. Upstream assets'
// outputs do not exist yet; the adapter checks them before sending.
func (r seedreamRules) checkReferenceFiles(req *schema.Check) []schema.Problem {
	var out []schema.Problem
	size := int64(len(req.Prompt))
	for _, u := range req.URLs {
		size += int64(len(u))
	}
	for _, f := range req.Files {
		img := seedream.ReferenceImage{Format: f.Format, Width: f.Width, Height: f.Height, Bytes: f.Bytes}
		size += img.DataURIBytes()
		if err := r.m.CheckReference(img); err != nil {
			out = append(out, schema.Problem{Attr: schema.AttrReferences, Summary: fmt.Sprintf("Invalid references for %s", r.m.Family),
				Detail: fmt.Sprintf("The model %q (%s) rejects the reference image %q: %s.", req.Model, r.m.Family, f.Path, err)})
		}
	}
	if size > seedream.MaxRequestBytes {
		out = append(out, schema.Problem{Attr: schema.AttrReferences, Summary: "Request too large",
			Detail: fmt.Sprintf("The reference files of %s, sent inline, make a request of %.1f MiB; a request may take %d MiB. Give some references as http(s) URLs, or make them smaller.",
				req.Addr, float64(size)/(1<<20), seedream.MaxRequestBytes>>20)})
	}
	return out
}

// ProbeReference implements schema.ReferenceProber: a file Seedream is
// sent must be an image of a format and size every model takes.
func (SeedreamType) ProbeReference(path string) (schema.ReferenceFile, error) {
	img, err := seedream.ProbeReference(path, seedream.MaxReferenceBytes)
	if err != nil {
		return schema.ReferenceFile{}, fmt.Errorf("%w. It must be a jpeg, png, webp, bmp, tiff, gif, heic or heif image of at most %d MB, each side over %d px, at most 6000x6000 pixels, with an aspect ratio within 1/16 to 16",
			err, seedream.MaxReferenceBytes>>20, seedream.MinReferenceSide)
	}
	return schema.ReferenceFile{Format: img.Format, Width: img.Width, Height: img.Height, Bytes: img.Bytes}, nil
}

// seedreamParamAttribute maps an API request field to the attribute it comes from.
func seedreamParamAttribute(param string) string {
	switch {
	case param == "image":
		return schema.AttrReferences
	case strings.HasPrefix(param, "sequential_image_generation"):
		return schema.AttrMaxImages
	case param == "optimize_prompt_options.thinking":
		return "thinking"
	case param == "tools":
		return "web_search"
	case strings.HasPrefix(param, "optimize_prompt_options"):
		return "optimize_prompt"
	}
	return param // size, seed, guidance_scale, stream, output_format
}

// anySeedreamModel is a model seedform does not know: only the limits
// every model shares are checked.
type anySeedreamModel struct{}

func (anySeedreamModel) Name() string                  { return "an unknown model" }
func (anySeedreamModel) PriceKey(*schema.Check) string { return "" }
func (anySeedreamModel) OutputFormats() []string       { return []string{"jpeg", "png"} }
func (m anySeedreamModel) Check(req *schema.Check) []schema.Problem {
	return append(checkMaxImages(req), checkFormat(m, req)...)
}

// checkFormat refuses an output_format the rules do not produce.
func checkFormat(r schema.Rules, req *schema.Check) []schema.Problem {
	if !req.ExplicitFormat || slices.Contains(r.OutputFormats(), req.OutputFormat) {
		return nil
	}
	return []schema.Problem{{Attr: schema.AttrOutputFormat, Summary: "Invalid output_format",
		Detail: fmt.Sprintf("%s writes only %s, not %s.", r.Name(), strings.Join(r.OutputFormats(), " or "), req.OutputFormat)}}
}

func checkMaxImages(req *schema.Check) []schema.Problem {
	if req.MaxImages > seedream.MaxSequentialImages {
		return []schema.Problem{{Attr: schema.AttrMaxImages, Summary: "Invalid max_images",
			Detail: fmt.Sprintf("max_images must be in [1, %d], got %d.", seedream.MaxSequentialImages, req.MaxImages)}}
	}
	return nil
}

// PlaceholderType is the offline placeholder provider type. It takes the
// seedream attributes and, given a model, checks it exactly as seedream
// does; with no model it takes any WxH.
type PlaceholderType struct{}

// Placeholder limits when no model is given.
const (
	PlaceholderDefaultSize = "1024x1024"
	PlaceholderMaxSide     = 8192
)

var placeholderSchema = &schema.Schema{
	Name: "placeholder", SpecVersion: 1, Parallelism: 8, PriceCard: placeholderCard,
	Attributes: seedreamAttributes,
	Request:    seedreamRequestAttrs,
}

// Schema implements schema.Type.
func (PlaceholderType) Schema() *schema.Schema { return placeholderSchema }

// ResolveModel implements schema.Type.
func (PlaceholderType) ResolveModel(model string, static, _ schema.Values) (schema.Rules, []schema.Problem) {
	if model == "" {
		if _, ok := static.String("model_family"); ok {
			return nil, []schema.Problem{missingModelForFamily}
		}
		return anySize{}, nil
	}
	return resolveSeedreamModel(model, static)
}

// anySize is the placeholder with no model: any WxH up to
// PlaceholderMaxSide per side, PlaceholderDefaultSize when none is given.
type anySize struct{}

func (anySize) Name() string                  { return "the placeholder" }
func (anySize) PriceKey(*schema.Check) string { return "" }
func (anySize) OutputFormats() []string       { return []string{"jpeg", "png"} }
func (r anySize) Check(req *schema.Check) []schema.Problem {
	out := append(checkMaxImages(req), checkFormat(r, req)...)
	size, ok := req.Attrs.String("size")
	if !ok {
		if err := req.Attrs.Set("size", PlaceholderDefaultSize); err != nil {
			panic(err) // a string always encodes
		}
		return out
	}
	if w, h, ok := seedream.ParseSize(size); !ok || w > PlaceholderMaxSide || h > PlaceholderMaxSide {
		out = append(out, schema.Problem{Attr: "size", Summary: "Invalid size",
			Detail: fmt.Sprintf("Without a model the placeholder takes a size WxH, each side from 1 to %d, got %q.", PlaceholderMaxSide, size)})
	}
	return out
}

func init() {
	register(SeedreamType{}, func(inst Instance) (Provider, error) {
		key, err := apiKey(inst)
		if err != nil {
			return nil, err
		}
		cfg := SeedreamConfig(inst, key)
		client, err := seedream.NewClient(cfg)
		if err != nil {
			return nil, err
		}
		s := NewSeedream(client)
		s.KeyEnv, _ = inst.Settings.String("api_key_env")
		s.server = serverName(inst.Type, cfg.BaseURL)
		return s, nil
	})
	register(PlaceholderType{}, func(Instance) (Provider, error) { return NewPlaceholder(), nil })
}
