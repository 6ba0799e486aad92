package spec

import (
	"math/big"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Provider defaults.
const (
	DefaultBaseURL         = "https://ark.cn-beijing.volces.com/api/v3"
	DefaultAPIKeyEnv       = "ARK_API_KEY"
	DefaultParallelism     = 4
	DefaultImagesPerMinute = 500
	DefaultMaxRetries      = 4
	DefaultResponseFormat  = "url"
	DefaultMaxImageBytes   = 64 << 20
	DefaultTimeoutSeconds  = 600
	// DefaultPlaceholderParallelism is higher: the placeholder only uses the CPU.
	DefaultPlaceholderParallelism = 8
)

var providerSchemas = map[string]*hcl.BodySchema{
	ProviderSeedream: {Attributes: []hcl.AttributeSchema{
		{Name: "alias"}, {Name: "base_url"}, {Name: "api_key_env"}, {Name: "parallelism"},
		{Name: "images_per_minute"}, {Name: "max_retries"}, {Name: "response_format"},
		{Name: "max_image_bytes"}, {Name: "timeout"}, {Name: "price_per_image"}, {Name: "currency"},
	}},
	ProviderPlaceholder: {Attributes: []hcl.AttributeSchema{
		{Name: "alias"}, {Name: "parallelism"}, {Name: "price_per_image"}, {Name: "currency"},
	}},
}

// decodeProviders reads the provider blocks and picks the default instance.
func (s *loadState) decodeProviders(blocks []*hcl.Block) {
	if len(blocks) == 0 {
		p := newProvider(ProviderSeedream, "")
		s.providers = []*Provider{p}
		s.provByAdr[p.Addr] = p
		s.defProv = p
		return
	}
	for _, b := range blocks {
		if p := s.decodeProvider(b); p != nil {
			if prev := s.provByAdr[p.Addr]; prev != nil {
				s.errorf(b.DefRange.Ptr(), "Duplicate provider configuration", "The provider %s is already configured at %s; give this one a different alias.", p.Addr, prev.DeclRange)
				continue
			}
			s.provByAdr[p.Addr] = p
			s.providers = append(s.providers, p)
		}
	}
	sort.Slice(s.providers, func(i, j int) bool { return s.providers[i].Addr < s.providers[j].Addr })
	// The unaliased seedream block, else the only unaliased block.
	if p := s.provByAdr[ProviderSeedream]; p != nil {
		s.defProv = p
		return
	}
	var unaliased []*Provider
	for _, p := range s.providers {
		if p.Alias == "" {
			unaliased = append(unaliased, p)
		}
	}
	if len(unaliased) == 1 {
		s.defProv = unaliased[0]
	}
}

func newProvider(typ, alias string) *Provider {
	p := &Provider{Type: typ, Alias: alias, Addr: typ}
	if alias != "" {
		p.Addr = typ + "." + alias
	}
	switch typ {
	case ProviderSeedream:
		p.BaseURL = DefaultBaseURL
		p.APIKeyEnv = DefaultAPIKeyEnv
		p.Parallelism = DefaultParallelism
		p.ImagesPerMinute = DefaultImagesPerMinute
		p.MaxRetries = DefaultMaxRetries
		p.ResponseFormat = DefaultResponseFormat
		p.MaxImageBytes = DefaultMaxImageBytes
		p.TimeoutSeconds = DefaultTimeoutSeconds
	case ProviderPlaceholder:
		p.Parallelism = DefaultPlaceholderParallelism
	}
	return p
}

func (s *loadState) decodeProvider(b *hcl.Block) *Provider {
	typ := b.Labels[0]
	schema := providerSchemas[typ]
	if schema == nil {
		s.errorf(b.LabelRanges[0].Ptr(), "Unknown provider type", "There is no provider %q; the providers are %q and %q.%s",
			typ, ProviderSeedream, ProviderPlaceholder, didYouMean(typ, []string{ProviderSeedream, ProviderPlaceholder}))
		return nil
	}
	content, diags := b.Body.Content(schema)
	s.add(diags)
	alias := ""
	if a := content.Attributes["alias"]; a != nil {
		if v, ok := s.evalString(a, s.baseCtx); ok {
			if !validIdentifier(v) {
				s.errorf(a.Expr.Range().Ptr(), "Invalid provider alias", "The alias %q must be a name: letters, digits, underscores and dashes, starting with a letter.", v)
				return nil
			}
			alias = v
		}
	}
	p := newProvider(typ, alias)
	p.DeclRange = b.DefRange
	strs := []struct {
		name string
		dst  *string
	}{{"base_url", &p.BaseURL}, {"api_key_env", &p.APIKeyEnv}, {"response_format", &p.ResponseFormat}}
	for _, f := range strs {
		if a := content.Attributes[f.name]; a != nil {
			if v, ok := s.evalString(a, s.baseCtx); ok {
				*f.dst = v
			}
		}
	}
	if a := content.Attributes["response_format"]; a != nil && p.ResponseFormat != "url" && p.ResponseFormat != "b64_json" {
		s.errorf(a.Expr.Range().Ptr(), "Invalid response_format", "response_format must be \"url\" or \"b64_json\", got %q.", p.ResponseFormat)
	}
	ints := []struct {
		name string
		min  int64
		set  func(int64)
	}{
		{"parallelism", 1, func(n int64) { p.Parallelism = int(n) }},
		{"images_per_minute", 0, func(n int64) { p.ImagesPerMinute = int(n) }},
		{"max_retries", 0, func(n int64) { p.MaxRetries = int(n) }},
		{"max_image_bytes", 1, func(n int64) { p.MaxImageBytes = n }},
		{"timeout", 1, func(n int64) { p.TimeoutSeconds = int(n) }},
	}
	for _, f := range ints {
		if a := content.Attributes[f.name]; a != nil {
			if n, ok := s.evalInt(a, s.baseCtx, f.min); ok {
				f.set(n)
			}
		}
	}
	s.decodePrice(p, content)
	return p
}

// evalValue evaluates an attribute, converts it to ty and strips marks.
// ok is false when the attribute is null or an error was reported; an
// unknown value (the trace of an earlier error) is also not ok, silently.
func (s *loadState) evalValue(a *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type) (cty.Value, bool) {
	v, diags := s.attrValue(a, ctx)
	s.add(diags)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() {
		s.reportUnknown(a)
		return cty.NilVal, false
	}
	if v.IsNull() {
		return cty.NilVal, false
	}
	v, err := convert.Convert(v, ty)
	if err != nil {
		s.errorf(a.Expr.Range().Ptr(), "Incorrect attribute value type", "Inappropriate value for attribute %q: %s.", a.Name, err)
		return cty.NilVal, false
	}
	return v, true
}

// attrValue evaluates an attribute once when its value cannot differ
// between instances (it uses neither each nor count): a block with
// for_each over 10,000 keys evaluates `size = "64x64"` once, not 10,000
// times. Each attribute is evaluated in one phase only, so the context
// around each/count is the same for every call. An error is reported by
// the first call; later calls get an unknown value, which marks their
// instance as failed without repeating the error.
//
// Only expanded blocks evaluate in a child of the base context; anything
// evaluated in the base context itself runs once anyway.
func (s *loadState) attrValue(a *hcl.Attribute, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, diags := s.evalAttr(a, ctx)
	if in := s.evaluating; in != nil && v.ContainsMarked() {
		in.noteMarks(a.Name, v)
	}
	return v, diags
}

// evalAttr is attrValue without noting the marks.
func (s *loadState) evalAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if ctx == s.baseCtx {
		return a.Expr.Value(ctx)
	}
	if v, ok := s.valueCache[a]; ok {
		return v, nil
	}
	v, diags := a.Expr.Value(ctx)
	perInstance, known := s.perInstance[a]
	if !known {
		for _, t := range a.Expr.Variables() {
			if root := t.RootName(); root == "each" || root == "count" {
				perInstance = true
				break
			}
		}
		s.perInstance[a] = perInstance
	}
	if !perInstance {
		if diags.HasErrors() {
			s.valueCache[a] = cty.DynamicVal
		} else {
			s.valueCache[a] = v
		}
	}
	return v, diags
}

func (s *loadState) evalString(a *hcl.Attribute, ctx *hcl.EvalContext) (string, bool) {
	v, ok := s.evalValue(a, ctx, cty.String)
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func (s *loadState) evalBool(a *hcl.Attribute, ctx *hcl.EvalContext) (bool, bool) {
	v, ok := s.evalValue(a, ctx, cty.Bool)
	if !ok {
		return false, false
	}
	return v.True(), true
}

// evalInt reads a whole number no smaller than min.
func (s *loadState) evalInt(a *hcl.Attribute, ctx *hcl.EvalContext, min int64) (int64, bool) {
	v, ok := s.evalValue(a, ctx, cty.Number)
	if !ok {
		return 0, false
	}
	bf := v.AsBigFloat()
	n, acc := bf.Int64()
	if !bf.IsInt() || acc != big.Exact {
		s.errorf(a.Expr.Range().Ptr(), "Invalid "+a.Name, "%s must be a whole number, got %s.", a.Name, bf.Text('f', -1))
		return 0, false
	}
	if n < min {
		s.errorf(a.Expr.Range().Ptr(), "Invalid "+a.Name, "%s must be at least %d, got %d.", a.Name, min, n)
		return 0, false
	}
	return n, true
}

func validIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}
