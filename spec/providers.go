package spec

import (
	"encoding/json"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decodeProviders reads the provider blocks and picks the default instance.
func (s *loadState) decodeProviders(blocks []*hcl.Block) {
	if len(blocks) == 0 {
		if t := preferredType(); t != nil {
			p := newProvider(t, "")
			s.providers = []*Provider{p}
			s.provByAdr[p.Addr] = p
			s.defProv = p
		}
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
	// The unaliased block of the preferred type, else the only unaliased block.
	if t := preferredType(); t != nil {
		if p := s.provByAdr[t.Schema().Name]; p != nil {
			s.defProv = p
			return
		}
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

// preferredType is the registered type that stands in when a
// configuration declares no provider.
func preferredType() schema.Type {
	for _, name := range schema.Names() {
		if t, _ := schema.Lookup(name); t.Schema().Preferred {
			return t
		}
	}
	return nil
}

// newProvider returns an instance of t with every default setting.
func newProvider(t schema.Type, alias string) *Provider {
	sc := t.Schema()
	p := &Provider{Type: sc.Name, Alias: alias, Addr: sc.Name, Parallelism: sc.Parallelism, schema: sc, typ: t}
	if alias != "" {
		p.Addr = sc.Name + "." + alias
	}
	for _, st := range sc.Settings {
		if st.Default != cty.NilVal {
			p.Settings.SetRaw(st.Name, ctyCanonical(st.Default))
		}
	}
	return p
}

func (s *loadState) decodeProvider(b *hcl.Block) *Provider {
	typ := b.Labels[0]
	t, ok := schema.Lookup(typ)
	if !ok {
		names := schema.Names()
		s.errorf(b.LabelRanges[0].Ptr(), "Unknown provider type", "There is no provider %q; the providers are %s.%s",
			typ, quotedList(names), didYouMean(typ, names))
		return nil
	}
	sc := t.Schema()
	bs := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "alias"}, {Name: "parallelism"},
		{Name: "price_per_image"}, {Name: "currency"}}}
	for _, st := range sc.Settings {
		bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: st.Name})
	}
	content, diags := b.Body.Content(bs)
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
	p := newProvider(t, alias)
	p.DeclRange = b.DefRange
	if a := content.Attributes["parallelism"]; a != nil {
		if n, ok := s.evalInt(a, s.baseCtx, 1); ok {
			p.Parallelism = int(n)
		}
	}
	for _, st := range sc.Settings {
		a := content.Attributes[st.Name]
		if a == nil {
			continue
		}
		if v, ok := s.evalTyped(a, s.baseCtx, st.Type, st.Integer, st.Min, st.OneOf); ok {
			p.Settings.SetRaw(st.Name, ctyCanonical(v))
		}
	}
	s.decodePrice(p, content)
	return p
}

// evalTyped evaluates an attribute of a declared type: a string among
// oneOf when that is not empty, a number (whole and at least min when
// integer is set), or a bool.
func (s *loadState) evalTyped(a *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type, integer bool, min int64, oneOf []string) (cty.Value, bool) {
	if ty == cty.Number && integer {
		n, ok := s.evalInt(a, ctx, min)
		return cty.NumberIntVal(n), ok
	}
	v, ok := s.evalValue(a, ctx, ty)
	if !ok {
		return cty.NilVal, false
	}
	if ty == cty.String && len(oneOf) > 0 && !slices.Contains(oneOf, v.AsString()) {
		s.errorf(a.Expr.Range().Ptr(), "Invalid "+a.Name, "%s must be one of %s, got %q.%s", a.Name, quotedList(oneOf), v.AsString(), didYouMean(v.AsString(), oneOf))
		return cty.NilVal, false
	}
	return v, true
}

// ctyCanonical is the canonical JSON of a string, number or bool.
func ctyCanonical(v cty.Value) json.RawMessage {
	var x any
	switch v.Type() {
	case cty.String:
		x = v.AsString()
	case cty.Bool:
		x = v.True()
	default:
		bf := v.AsBigFloat()
		if n, acc := bf.Int64(); bf.IsInt() && acc == big.Exact {
			x = n
		} else {
			x, _ = bf.Float64()
		}
	}
	raw, err := schema.Canonical(x)
	if err != nil {
		panic(err) // strings, bools and finite numbers always encode
	}
	return raw
}

func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
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
	if in := s.evaluating; in != nil {
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
