package spec

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/seedform/seedform/seedream"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Placeholder limits when no model is given.
const (
	PlaceholderDefaultSize = "1024x1024"
	PlaceholderMaxSide     = 8192
	// MaxInstances bounds count and for_each, so that a typo such as
	// count = 10000000 fails fast instead of exhausting memory.
	MaxInstances = 100000
)

var assetAttrs = []hcl.AttributeSchema{
	{Name: "for_each"}, {Name: "count"}, {Name: "provider"}, {Name: "model"}, {Name: "model_family"},
	{Name: "prompt", Required: true}, {Name: "size"}, {Name: "seed"}, {Name: "guidance_scale"},
	{Name: "watermark"}, {Name: "output_format"}, {Name: "stream"}, {Name: "optimize_prompt"},
	{Name: "thinking"}, {Name: "web_search"},
	{Name: "references"}, {Name: "meta"}, {Name: "depends_on"},
}

var assetSchemas = map[Kind]*hcl.BodySchema{
	KindImage: {
		Attributes: append(slices.Clone(assetAttrs), hcl.AttributeSchema{Name: "path"}),
		Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
	},
	KindImageSet: {
		Attributes: append(slices.Clone(assetAttrs),
			hcl.AttributeSchema{Name: "dir"}, hcl.AttributeSchema{Name: "max_images", Required: true}),
		Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
	},
}

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "prevent_destroy"}, {Name: "ignore_changes"}},
}

// staticAttrs decide an asset's provider, format and output location. They
// are evaluated before any asset's outputs are known, so they may not
// refer to assets; everything else may.
var staticAttrs = map[string]bool{
	"for_each": true, "count": true, "provider": true, "model": true, "model_family": true,
	"output_format": true, "path": true, "dir": true,
}

// IgnorableAttributes are the names lifecycle.ignore_changes takes: the
// attributes a spec hash covers, plus "all".
var IgnorableAttributes = []string{
	"all", "guidance_scale", "max_images", "model", "optimize_prompt", "output_format",
	"prompt", "references", "seed", "size", "thinking", "watermark", "web_search",
}

// assetBlock is one image or image_set block and its instances.
type assetBlock struct {
	kind      Kind
	name      string
	block     *hcl.Block
	attrs     hcl.Attributes
	lifecycle Lifecycle
	bad       bool // an error makes evaluating it pointless
	provider  *Provider

	instances []*instance
	byKey     map[string]*instance
	cycleSeen bool
}

// edge is a dependency on another asset instance and where it is written.
type edge struct {
	to  *instance
	rng hcl.Range
}

type instance struct {
	blk   *assetBlock
	asset *Asset
	ctx   *hcl.EvalContext
	bad   bool
	// uses holds the assets whose outputs this instance's evaluated
	// attributes carry (their asset marks); edges are its dependencies.
	uses  map[string]bool
	edges []edge
	// sensitive names the attributes whose values derive from a
	// sensitive variable.
	sensitive map[string]bool

	model          seedream.Model
	hasRules       bool // model is known: its rules are checked
	explicitFormat bool
	// refString is the output path (image) or dir (set) relative to the
	// config dir: the value of image.NAME.file / image_set.NAME.dir.
	refString string
	// pathRange is where the output path comes from, for path errors.
	pathRange hcl.Range
}

// assetMark marks values that stand for an asset's output files.
type assetMark struct{ addr string }

// noteMarks records what the value of attribute name carries: the assets
// whose outputs it uses, and whether it derives from a sensitive variable.
func (in *instance) noteMarks(name string, v cty.Value) {
	_, pvms := v.UnmarkDeepWithPaths()
	for _, pvm := range pvms {
		for m := range pvm.Marks {
			switch m := m.(type) {
			case assetMark:
				if in.uses == nil {
					in.uses = map[string]bool{}
				}
				in.uses[m.addr] = true
			case sensitiveMarkType:
				if in.sensitive == nil {
					in.sensitive = map[string]bool{}
				}
				in.sensitive[name] = true
			}
		}
	}
}

func (b *assetBlock) addr() string { return string(b.kind) + "." + b.name }

// declareAssetBlock decodes an image or image_set block's structure.
func (s *loadState) declareAssetBlock(hb *hcl.Block) {
	kind, name := Kind(hb.Type), hb.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		s.errorf(hb.LabelRanges[0].Ptr(), "Invalid block name", "%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", name)
		return
	}
	b := &assetBlock{kind: kind, name: name, block: hb}
	if prev := s.blockIdx[b.addr()]; prev != nil {
		s.errorf(hb.LabelRanges[0].Ptr(), "Duplicate "+hb.Type+" block", "%s is already declared at %s.", b.addr(), prev.block.DefRange)
		return
	}
	content, diags := hb.Body.Content(assetSchemas[kind])
	s.add(diags)
	b.bad = diags.HasErrors()
	b.attrs = content.Attributes
	var lc *hcl.Block
	for _, blk := range content.Blocks {
		if lc != nil {
			s.errorf(blk.DefRange.Ptr(), "Duplicate lifecycle block", "Only one lifecycle block is allowed; the first is at %s.", lc.DefRange)
			b.bad = true
			continue
		}
		lc = blk
	}
	if lc != nil {
		b.bad = !s.decodeLifecycle(b, lc) || b.bad
	}
	s.blocks = append(s.blocks, b)
	s.blockIdx[b.addr()] = b
}

func (s *loadState) decodeLifecycle(b *assetBlock, lc *hcl.Block) bool {
	content, diags := lc.Body.Content(lifecycleSchema)
	s.add(diags)
	ok := !diags.HasErrors()
	if a := content.Attributes["prevent_destroy"]; a != nil {
		v, diags := a.Expr.Value(nil)
		s.add(diags)
		if v.Type() != cty.Bool || v.IsNull() {
			if !diags.HasErrors() {
				s.errorf(a.Expr.Range().Ptr(), "Invalid prevent_destroy", "prevent_destroy must be the literal true or false.")
			}
			ok = false
		} else {
			b.lifecycle.PreventDestroy = v.True()
		}
	}
	if a := content.Attributes["ignore_changes"]; a != nil {
		exprs, diags := hcl.ExprList(a.Expr)
		if kw := hcl.ExprAsKeyword(a.Expr); kw == "all" {
			exprs, diags = []hcl.Expression{a.Expr}, nil
		}
		s.add(diags)
		for _, e := range exprs {
			name := hcl.ExprAsKeyword(e)
			if !slices.Contains(IgnorableAttributes, name) {
				s.errorf(e.Range().Ptr(), "Invalid ignore_changes", "ignore_changes takes attribute names without quotes, among %s.%s",
					strings.Join(IgnorableAttributes, ", "), didYouMean(name, IgnorableAttributes))
				ok = false
				continue
			}
			b.lifecycle.IgnoreChanges = append(b.lifecycle.IgnoreChanges, name)
		}
	}
	return ok
}

// evalAssets expands and evaluates every asset block. Phases run over all
// instances in turn: static attributes (provider, model, format, paths),
// then the asset reference objects built from those paths, then the other
// attributes, the dependency graph, model rules and output-path rules.
func (s *loadState) evalAssets() []*Asset {
	for _, b := range s.blocks {
		if !b.bad {
			s.prepareBlock(b)
		}
	}
	for _, b := range s.blocks {
		if !b.bad {
			s.expand(b)
		}
	}
	for _, b := range s.blocks {
		for _, in := range b.instances {
			s.evalStatic(in)
		}
	}
	s.outputPaths, s.outputOwner = map[string]string{}, map[string]string{}
	for _, b := range s.blocks {
		for _, in := range b.instances {
			if !in.bad {
				s.outputPaths[in.refString] = in.asset.Addr
				s.outputOwner[in.asset.Addr] = in.refString
			}
		}
	}
	s.baseCtx.Variables["image"], s.baseCtx.Variables["image_set"] = s.assetObjects()
	var all []*instance
	for _, b := range s.blocks {
		for _, in := range b.instances {
			if !in.bad {
				s.evalDynamic(in)
			}
			all = append(all, in)
		}
	}
	byAddr := make(map[string]*instance, len(all))
	for _, in := range all {
		byAddr[in.asset.Addr] = in
	}
	for _, b := range s.blocks {
		if !b.bad {
			s.resolveEdges(b)
		}
	}
	s.checkCycles()
	for _, in := range all {
		if !in.bad && in.hasRules {
			s.checkModel(in, byAddr)
		}
	}
	s.checkOutputs(all)
	if s.diags.HasErrors() {
		return nil
	}
	assets := make([]*Asset, len(all))
	for i, in := range all {
		in.asset.DependsOn = in.dependsOn()
		if len(in.sensitive) > 0 {
			in.asset.Sensitive = sortedKeys(in.sensitive)
		}
		in.asset.SpecHash = in.asset.HashInput().Hash()
		assets[i] = in.asset
	}
	slices.SortFunc(assets, func(a, b *Asset) int { return strings.Compare(a.Addr, b.Addr) })
	return assets
}

// prepareBlock checks a block's references and resolves its provider.
func (s *loadState) prepareBlock(b *assetBlock) {
	sc := refScope{locals: true, each: b.attrs["for_each"] != nil, count: b.attrs["count"] != nil}
	if sc.each && sc.count {
		s.errorf(b.attrs["count"].NameRange.Ptr(), `Invalid combination of "count" and "for_each"`, "An asset may use count or for_each, not both.")
		b.bad = true
		return
	}
	for _, name := range sortedKeys(b.attrs) {
		a := b.attrs[name]
		switch name {
		case "provider", "depends_on":
			continue // traversals, resolved without evaluation
		case "for_each", "count":
			sc := sc
			sc.each, sc.count = false, false
			sc.what = "The " + name + " argument"
			s.checkBlockRefs(b, a, sc)
			continue
		}
		sc := sc
		sc.assets = !staticAttrs[name]
		sc.what = "The " + name + " argument"
		s.checkBlockRefs(b, a, sc)
	}
	if a := b.attrs["depends_on"]; a != nil {
		if _, ok := s.dependsOn(a, true); !ok {
			b.bad = true
		}
	}
	b.provider = s.defProv
	if a := b.attrs["provider"]; a != nil {
		b.provider = s.lookupProvider(a)
	} else if b.provider == nil {
		var addrs []string
		for _, p := range s.providers {
			addrs = append(addrs, p.Addr)
		}
		s.errorf(b.block.DefRange.Ptr(), "Provider required",
			"Several providers are configured without an alias (%s), so %s must choose one with provider = TYPE or provider = TYPE.ALIAS.",
			strings.Join(addrs, ", "), b.addr())
	}
	if b.provider == nil {
		b.bad = true
	}
}

func (s *loadState) checkBlockRefs(b *assetBlock, a *hcl.Attribute, sc refScope) {
	diags := s.checkRefs(a.Expr, sc, a.Range)
	s.add(diags)
	if diags.HasErrors() {
		b.bad = true
	}
}

func (s *loadState) lookupProvider(a *hcl.Attribute) *Provider {
	t, diags := hcl.AbsTraversalForExpr(a.Expr)
	if diags.HasErrors() || len(t) > 2 {
		s.errorf(a.Expr.Range().Ptr(), "Invalid provider reference", "provider takes a provider address without quotes, such as provider = seedream or provider = seedream.relay.")
		return nil
	}
	addr := t.RootName()
	if len(t) == 2 {
		step, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			s.errorf(a.Expr.Range().Ptr(), "Invalid provider reference", "provider takes a provider address without quotes, such as provider = seedream or provider = seedream.relay.")
			return nil
		}
		addr += "." + step.Name
	}
	p := s.provByAdr[addr]
	if p == nil {
		s.errorf(a.Expr.Range().Ptr(), "Reference to undeclared provider", "No provider %s is configured.%s Declare it with a provider block, for example provider %q {}.",
			addr, didYouMean(addr, sortedKeys(s.provByAdr)), t.RootName())
	}
	return p
}

// expand evaluates for_each or count and creates the block's instances.
func (s *loadState) expand(b *assetBlock) {
	b.byKey = map[string]*instance{}
	switch {
	case b.attrs["for_each"] != nil:
		a := b.attrs["for_each"]
		if keys, ok := s.toSetOfStrings(a.Expr); ok {
			for _, key := range keys {
				s.addForEachInstance(b, a, key, cty.StringVal(key))
			}
			return
		}
		v, diags := a.Expr.Value(s.baseCtx)
		s.add(diags)
		// IsKnown, not IsWhollyKnown: walking a 10,000-element set costs a
		// sort; unknown elements are caught while iterating below.
		if diags.HasErrors() || !s.knownForEach(a, v) {
			b.bad = true
			return
		}
		if v.HasMark(sensitiveMark) {
			s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", "Sensitive values cannot be used in for_each: the keys become part of asset addresses, which are shown in plans.")
			b.bad = true
			return
		}
		// Marks of a set are on the set; a map's element marks stay on
		// each.value, where sensitive values must remain marked.
		v, _ = v.Unmark()
		ty := v.Type()
		if v.IsNull() || !(ty.IsMapType() || ty.IsObjectType() || ty.IsSetType() && ty.ElementType() == cty.String) {
			s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", "for_each takes a map, or a set of strings; this is %s. Use toset(...) to turn a list of strings into a set.", friendly(v))
			b.bad = true
			return
		}
		for it := v.ElementIterator(); it.Next(); {
			k, val := it.Element()
			if !k.IsKnown() || !val.IsWhollyKnown() {
				s.reportUnknown(a)
				b.bad = true
				return
			}
			if ty.IsSetType() {
				if k.IsNull() {
					s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", "The set holds a null value; every element must be a string.")
					b.bad = true
					return
				}
				val = k
			}
			if !s.addForEachInstance(b, a, k.AsString(), val) {
				return
			}
		}
	case b.attrs["count"] != nil:
		a := b.attrs["count"]
		n, ok := s.evalCount(a)
		if !ok {
			b.bad = true
			return
		}
		if n > MaxInstances {
			s.errorf(a.Expr.Range().Ptr(), "Invalid count", "count is %d; at most %d instances are allowed per block.", n, MaxInstances)
			b.bad = true
			return
		}
		for i := range n {
			key := strconv.FormatInt(i, 10)
			ctx := s.baseCtx.NewChild()
			ctx.Variables = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})}
			s.addInstance(b, key, b.addr()+"["+key+"]", ctx)
		}
	default:
		s.addInstance(b, "", b.addr(), s.baseCtx)
	}
}

// addForEachInstance adds the instance for one for_each key; it refuses
// an empty key, which would name no instance.
func (s *loadState) addForEachInstance(b *assetBlock, a *hcl.Attribute, key string, val cty.Value) bool {
	if key == "" {
		s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", "A for_each key is empty; each key names an instance and must not be empty.")
		b.bad = true
		return false
	}
	ctx := s.baseCtx.NewChild()
	ctx.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(key), "value": val})}
	s.addInstance(b, key, b.addr()+"["+quoteKey(key)+"]", ctx)
	return true
}

// toSetOfStrings is a fast path for the common for_each = toset(LIST):
// when LIST evaluates cleanly to strings, it returns them sorted and
// unique, exactly the elements and order of the cty set, without building
// one. Iterating a cty set sorts it with a generic comparison that took a
// third of the load time of a 10,000-key for_each. Anything else (errors,
// marks, other types) returns false and takes the general path.
func (s *loadState) toSetOfStrings(expr hcl.Expression) ([]string, bool) {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "toset" || len(call.Args) != 1 || call.ExpandFinal {
		return nil, false
	}
	v, diags := call.Args[0].Value(s.baseCtx)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.IsMarked() {
		return nil, false
	}
	ty := v.Type()
	if !(ty.IsTupleType() || ty.IsListType()) {
		return nil, false
	}
	keys := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() != cty.String || !e.IsKnown() || e.IsNull() || e.IsMarked() {
			return nil, false
		}
		keys = append(keys, e.AsString())
	}
	slices.Sort(keys)
	return slices.Compact(keys), true
}

func friendly(v cty.Value) string {
	switch ty := v.Type(); {
	case v.IsNull():
		return "null"
	case ty.IsTupleType() || ty.IsListType():
		return "a list"
	case ty.IsSetType():
		return "a set of " + ty.ElementType().FriendlyName()
	default:
		return "a " + ty.FriendlyName()
	}
}

func (s *loadState) addInstance(b *assetBlock, key, addr string, ctx *hcl.EvalContext) {
	in := &instance{blk: b, ctx: ctx, asset: &Asset{
		Addr: addr, Kind: b.kind, Name: b.name, Key: key,
		Provider: b.provider.Addr, ProviderType: b.provider.Type,
		Watermark: true, Lifecycle: Lifecycle{PreventDestroy: b.lifecycle.PreventDestroy, IgnoreChanges: slices.Clone(b.lifecycle.IgnoreChanges)},
		DeclRange: b.block.DefRange,
	}}
	b.instances = append(b.instances, in)
	b.byKey[key] = in
}

// quoteKey writes a for_each key as an HCL string literal for an address.
func quoteKey(key string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i, r := range key {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&sb, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(key[i+1:], "{"):
			// "${" and "%{" start template sequences in HCL; doubling escapes them.
			sb.WriteRune(r)
			sb.WriteRune(r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// evalStatic evaluates what decides the model rules, the output format and
// the output path of one instance.
func (s *loadState) evalStatic(in *instance) {
	b, a := in.blk, in.asset
	before, unknowns := len(s.diags), s.unknowns
	defer func() {
		if s.diags[before:].HasErrors() || s.unknowns != unknowns {
			in.bad = true
		}
	}()
	if at := b.attrs["model"]; at != nil {
		a.Model, _ = s.evalString(at, in.ctx)
	}
	family := ""
	if at := b.attrs["model_family"]; at != nil {
		family, _ = s.evalString(at, in.ctx)
	}
	if s.diags[before:].HasErrors() || s.unknowns != unknowns {
		return
	}
	s.resolveModel(in, family)

	format := ""
	if at := b.attrs["output_format"]; at != nil {
		if v, ok := s.evalString(at, in.ctx); ok {
			if v != "png" && v != "jpeg" {
				s.errorf(at.Expr.Range().Ptr(), "Invalid output_format", "output_format must be \"png\" or \"jpeg\", got %q.%s", v, didYouMean(v, []string{"png", "jpeg"}))
				return
			}
			format, in.explicitFormat = v, true
		}
	}
	producible := []string{"png", "jpeg"}
	if in.hasRules {
		producible = in.model.OutputFormats
		if len(producible) == 0 {
			producible = []string{"jpeg"}
		}
	}
	pathAttr := "path"
	if b.kind == KindImageSet {
		pathAttr = "dir"
	}
	written := ""
	if at := s.given(b.attrs[pathAttr], in.ctx); at != nil {
		var ok bool
		if written, ok = s.evalString(at, in.ctx); !ok {
			return
		}
		in.pathRange = at.Expr.Range()
	} else if at := b.attrs["for_each"]; at != nil {
		in.pathRange = at.Expr.Range()
	} else {
		in.pathRange = b.block.DefRange
	}

	if b.kind == KindImage && written != "" {
		ext := strings.ToLower(path.Ext(written))
		extFormat := map[string]string{".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}[ext]
		switch {
		case extFormat == "":
			s.errorf(in.pathRange.Ptr(), "Invalid output path", "The path %q must end in .png, .jpg or .jpeg: the extension tells apps the file's format.", written)
			return
		case format != "" && extFormat != format:
			s.errorf(in.pathRange.Ptr(), "Output format mismatch", "The path %q ends in %s, but output_format is %q.", written, ext, format)
			return
		case format == "" && !slices.Contains(producible, extFormat):
			s.errorf(in.pathRange.Ptr(), "Output format mismatch", "The path %q ends in %s, but %s produces only %s.", written, ext, a.Family, strings.Join(producible, " or "))
			return
		}
		format = extFormat
	}
	if format == "" {
		format = "jpeg"
	}
	a.OutputFormat = format

	if written == "" {
		written = b.name
		if a.Key != "" {
			written += "/" + a.Key
		}
		if b.kind == KindImage {
			written += "." + format
		}
	}
	clean, problem := cleanRelPath(written, false)
	if problem != "" {
		s.errorf(in.pathRange.Ptr(), "Invalid output path", "The %s %q %s; output paths are relative to the output directory and must stay inside it.", pathAttr, written, problem)
		return
	}
	if b.kind == KindImage {
		a.Path = clean
	} else {
		a.Dir = clean
	}
	in.refString = joinSlash(s.outputDir, clean)
}

// resolveModel finds the rules that apply to an instance's model.
func (s *loadState) resolveModel(in *instance, family string) {
	b, a := in.blk, in.asset
	if a.Model == "" {
		if family != "" {
			s.errorf(b.attrs["model_family"].Expr.Range().Ptr(), "Missing model", "model_family says which rules apply to a model id; set model as well.")
		} else if b.provider.Type == ProviderSeedream {
			s.errorf(b.block.DefRange.Ptr(), "Missing model", "Assets on the seedream provider need a model, such as model = %q.", seedreamExampleModel())
		}
		return
	}
	known, isKnown := seedream.LookupModel(a.Model)
	if b.provider.Type == ProviderSeedream {
		for _, w := range seedream.VendorWarnings(a.Model, b.provider.BaseURL) {
			s.diags = append(s.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Model not served by the vendor",
				Detail:   fmt.Sprintf("%s (provider %s, base_url %q.)", w, b.provider.Addr, b.provider.BaseURL),
				Subject:  b.attrs["model"].Expr.Range().Ptr(),
			})
		}
	}
	if family == "" {
		if !isKnown {
			at := b.attrs["model"]
			s.diags = append(s.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Unknown model",
				Detail: fmt.Sprintf("seedform does not know the model %q (an endpoint id or a newer model?), so it cannot check this asset against the model's rules before a request is paid for. Set model_family to the model's family, one of %s, for example model_family = %q.",
					a.Model, familyList(), seedream.Seedream45),
				Subject: at.Expr.Range().Ptr(),
			})
			return
		}
		in.model, in.hasRules, a.Family = known, true, known.Family
		return
	}
	at := b.attrs["model_family"]
	m, ok := seedream.ModelFor(seedream.Family(family))
	if !ok {
		names := make([]string, 0)
		for _, f := range seedream.Families() {
			names = append(names, string(f))
		}
		s.errorf(at.Expr.Range().Ptr(), "Unknown model family", "There is no model family %q; the families are %s.%s", family, familyList(), didYouMean(family, names))
		return
	}
	if isKnown && known.Family != m.Family {
		s.errorf(at.Expr.Range().Ptr(), "Conflicting model_family", "The model %q belongs to %s, not %s; remove model_family or fix it.", a.Model, known.Family, m.Family)
		return
	}
	in.model, in.hasRules, a.Family = m, true, m.Family
}

func familyList() string {
	var names []string
	for _, f := range seedream.Families() {
		names = append(names, strconv.Quote(string(f)))
	}
	return strings.Join(names, ", ")
}

func seedreamExampleModel() string {
	m, _ := seedream.ModelFor(seedream.Seedream45)
	return m.ID
}

// assetObjects builds the values of `image` and `image_set`: each output
// path is marked with its asset's address, so that a value derived from it
// can be traced back to the asset.
func (s *loadState) assetObjects() (images, sets cty.Value) {
	imgs, setVals := map[string]cty.Value{}, map[string]cty.Value{}
	imageTy := cty.Object(map[string]cty.Type{"file": cty.String})
	setTy := cty.Object(map[string]cty.Type{"files": cty.List(cty.String), "dir": cty.String})
	referenced := s.referencedBlocks()
	if s.everyAsset {
		referenced = nil
	}
	for _, b := range s.blocks {
		ty := imageTy
		if b.kind == KindImageSet {
			ty = setTy
		}
		var v cty.Value
		switch {
		case b.bad || referenced != nil && !referenced[b]:
			// Unreferenced blocks are never read: skip building their
			// values, a map of 10,000 objects for a large for_each.
			v = cty.DynamicVal
		case b.attrs["for_each"] != nil:
			m := make(map[string]cty.Value, len(b.instances))
			for _, in := range b.instances {
				m[in.asset.Key] = instanceObject(in, ty)
			}
			v = cty.MapValEmpty(ty)
			if len(m) > 0 {
				v = cty.MapVal(m)
			}
		case b.attrs["count"] != nil:
			l := make([]cty.Value, len(b.instances))
			for i, in := range b.instances {
				l[i] = instanceObject(in, ty)
			}
			v = cty.ListValEmpty(ty)
			if len(l) > 0 {
				v = cty.ListVal(l)
			}
		default:
			v = instanceObject(b.instances[0], ty)
		}
		if b.kind == KindImage {
			imgs[b.name] = v
		} else {
			setVals[b.name] = v
		}
	}
	return cty.ObjectVal(imgs), cty.ObjectVal(setVals)
}

// referencedBlocks returns the blocks some expression refers to, or nil
// when an expression uses `image` or `image_set` as a whole or indexes it
// by a computed key. Which block a traversal names is blockName's to say,
// as it is for the dependency graph.
func (s *loadState) referencedBlocks() map[*assetBlock]bool {
	refs := map[*assetBlock]bool{}
	for _, b := range s.blocks {
		for name, a := range b.attrs {
			if staticAttrs[name] || name == "depends_on" {
				continue
			}
			for _, t := range a.Expr.Variables() {
				root := t.RootName()
				if root != string(KindImage) && root != string(KindImageSet) {
					continue
				}
				name, named := blockName(t)
				if !named {
					return nil
				}
				if target := s.blockIdx[root+"."+name]; target != nil {
					refs[target] = true
				}
			}
		}
	}
	return refs
}

func instanceObject(in *instance, ty cty.Type) cty.Value {
	if in.bad {
		return cty.UnknownVal(ty)
	}
	out := cty.StringVal(in.refString).Mark(assetMark{in.asset.Addr})
	if in.blk.kind == KindImage {
		return cty.ObjectVal(map[string]cty.Value{"file": out})
	}
	// One element stands for all the set's files: how many there will be
	// is known only after apply.
	return cty.ObjectVal(map[string]cty.Value{"files": cty.ListVal([]cty.Value{out}), "dir": out})
}

// evalDynamic evaluates the attributes that may refer to other assets.
func (s *loadState) evalDynamic(in *instance) {
	b, a := in.blk, in.asset
	before, unknowns := len(s.diags), s.unknowns
	s.evaluating = in
	defer func() {
		s.evaluating = nil
		if s.diags[before:].HasErrors() || s.unknowns != unknowns {
			in.bad = true
		}
	}()
	if at := s.required(b.attrs["prompt"], in.ctx); at != nil {
		if v, ok := s.evalString(at, in.ctx); ok {
			if strings.TrimSpace(v) == "" {
				s.errorf(at.Expr.Range().Ptr(), "Empty prompt", "The prompt must say what to draw.")
			}
			a.Prompt = v
		}
	}
	if at := b.attrs["size"]; at != nil {
		a.Size, _ = s.evalString(at, in.ctx)
	}
	if a.Model == "" {
		s.checkPlaceholderSize(in)
	}
	if at := b.attrs["seed"]; at != nil {
		if n, ok := s.evalInt(at, in.ctx, math.MinInt64); ok {
			a.Seed = &n
		}
	}
	if at := b.attrs["guidance_scale"]; at != nil {
		if v, ok := s.evalValue(at, in.ctx, cty.Number); ok {
			f, _ := v.AsBigFloat().Float64()
			a.GuidanceScale = &f
		}
	}
	if at := b.attrs["watermark"]; at != nil {
		if v, ok := s.evalBool(at, in.ctx); ok {
			a.Watermark = v
		}
	}
	if at := b.attrs["stream"]; at != nil {
		a.Stream, _ = s.evalBool(at, in.ctx)
	}
	if at := b.attrs["optimize_prompt"]; at != nil {
		a.OptimizePrompt, _ = s.evalString(at, in.ctx)
	}
	if at := b.attrs["thinking"]; at != nil {
		a.Thinking, _ = s.evalString(at, in.ctx)
	}
	if at := b.attrs["web_search"]; at != nil {
		a.WebSearch, _ = s.evalBool(at, in.ctx)
	}
	if at := s.required(b.attrs["max_images"], in.ctx); at != nil {
		if n, ok := s.evalInt(at, in.ctx, 1); ok {
			if !in.hasRules && n > seedream.MaxSequentialImages {
				s.errorf(at.Expr.Range().Ptr(), "Invalid max_images", "max_images must be in [1, %d], got %d.", seedream.MaxSequentialImages, n)
			}
			a.MaxImages = int(n)
		}
	}
	if at := b.attrs["references"]; at != nil {
		a.References = s.evalReferences(in, at)
	}
	if at := b.attrs["meta"]; at != nil {
		a.Meta = s.evalMeta(in, at)
	}
}

// checkPlaceholderSize applies the placeholder's own rule when no model
// is given: any WxH up to PlaceholderMaxSide per side.
func (s *loadState) checkPlaceholderSize(in *instance) {
	a := in.asset
	if a.Size == "" {
		a.Size = PlaceholderDefaultSize
		return
	}
	w, h, ok := seedream.ParseSize(a.Size)
	if !ok || w > PlaceholderMaxSide || h > PlaceholderMaxSide {
		s.errorf(in.blk.attrs["size"].Expr.Range().Ptr(), "Invalid size", "Without a model the placeholder takes a size WxH, each side from 1 to %d, got %q.", PlaceholderMaxSide, a.Size)
	}
}

func (s *loadState) evalMeta(in *instance, at *hcl.Attribute) []byte {
	v, diags := s.attrValue(at, in.ctx)
	s.add(diags)
	if diags.HasErrors() {
		return nil
	}
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() {
		s.reportUnknown(at)
		return nil
	}
	if v.IsNull() {
		return nil
	}
	out, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		s.errorf(at.Expr.Range().Ptr(), "Invalid meta", "meta cannot be written as JSON: %s.", err)
		return nil
	}
	return out
}
