package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/seedform/seedform/schema"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

const (
	// MaxInstances bounds count and for_each, so that a typo such as
	// count = 10000000 fails fast instead of exhausting memory.
	MaxInstances = 100000
)

// assetAttrs are the shared arguments every asset takes, decoded first;
// the rest of the body is the provider type's (schema.Schema.Attributes).
var assetAttrs = []hcl.AttributeSchema{
	{Name: "for_each"}, {Name: "count"}, {Name: "provider"}, {Name: "model"},
	{Name: "prompt"}, {Name: "output_format"},
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

// fileFormats are the image files seedform writes and records.
var fileFormats = []string{"png", "jpeg", "webp"}

// staticAttrs decide an asset's provider, format and output location. They
// are evaluated before any asset's outputs are known, so they may not
// refer to assets; everything else may, but for the provider type's own
// attributes marked Static.
var staticAttrs = map[string]bool{
	"for_each": true, "count": true, "provider": true, "model": true,
	"output_format": true, "path": true, "dir": true,
}

// isStatic reports whether an attribute of b is evaluated statically.
func (b *assetBlock) isStatic(name string) bool {
	if staticAttrs[name] {
		return true
	}
	if b.provider == nil {
		return false
	}
	a, ok := b.provider.schema.Attribute(name)
	return ok && a.Static
}

// IgnorableAttributes are the names lifecycle.ignore_changes takes on a
// provider type: the attributes its request covers, plus "all".
func IgnorableAttributes(sc *schema.Schema) []string {
	out := append([]string{"all"}, sc.Request...)
	slices.Sort(out)
	return out
}

// assetBlock is one image or image_set block and its instances.
type assetBlock struct {
	kind  Kind
	name  string
	block *hcl.Block
	attrs hcl.Attributes
	// rest is the body less the shared arguments: the provider type's.
	rest      hcl.Body
	lifecycle Lifecycle
	// ignoreRanges are where ignore_changes names each attribute.
	ignoreRanges []hcl.Range
	bad          bool // an error makes evaluating it pointless
	provider     *Provider
	// ranges are the source ranges its instances point at (rangePtr).
	ranges []*hcl.Range

	instances []*instance
	byKey     map[string]*instance
	cycleSeen bool
	// commons are the Commons its instances point to, by the fields that
	// may differ between instances.
	commons map[commonKey]*Common
}

// commonKey is what may differ between the Commons of one block's instances.
type commonKey struct{ model, format, priceKey string }

// common returns the block's Common with these fields, made once.
func (b *assetBlock) common(model, format, priceKey string) *Common {
	k := commonKey{model, format, priceKey}
	if c := b.commons[k]; c != nil {
		return c
	}
	c := &Common{Kind: b.kind, Name: b.name, Provider: b.provider.Addr, ProviderType: b.provider.Type,
		Model: model, OutputFormat: format, PriceKey: priceKey, Lifecycle: b.lifecycle, DeclRange: b.block.DefRange}
	if b.commons == nil {
		b.commons = map[commonKey]*Common{}
	}
	b.commons[k] = c
	return c
}

// edge is a dependency on another asset instance and where it is written.
type edge struct {
	to  *instance
	rng hcl.Range
}

type instance struct {
	blk   *assetBlock
	asset *Asset
	// ctx is the instance's scope while it is evaluated (see withScope),
	// nil otherwise: built for every instance at once, the scopes of a
	// for_each of 100,000 keys were half of the load's peak heap.
	ctx *hcl.EvalContext
	// each is each.value for a for_each instance (each.key is asset.Key).
	each cty.Value
	bad  bool
	// uses holds the assets whose outputs this instance's evaluated
	// attributes carry (their asset marks); edges are its dependencies.
	uses  map[string]bool
	edges []edge
	// sensitive names the attributes whose values derive from a
	// sensitive variable.
	sensitive map[string]bool

	// rules are the model's, from its provider type; nil after an error.
	rules          schema.Rules
	static         schema.Values // the type's static attributes
	explicitFormat bool
	// refString is the output path (image) or dir (set) relative to the
	// config dir: the value of image.NAME.file / image_set.NAME.dir.
	refString string
	// pathRange is where the output path comes from, for path errors:
	// shared by the block's instances (rangePtr).
	pathRange *hcl.Range
}

// assetMark marks values that stand for an asset's output files.
type assetMark struct{ addr string }

// checkSensitive refuses a sensitive value where a committed file would
// hold it in clear. The lock records a sensitive request attribute that
// is a string, and a reference URL, by its hash (RedactRequest); any
// other (a number, a flag, meta in the manifest, path or dir in a file
// name) it cannot hide.
func (s *loadState) checkSensitive(in *instance) {
	if len(in.sensitive) == 0 {
		return // spares building the request of every asset
	}
	req := in.asset.Request()
	for _, name := range sortedKeys(in.sensitive) {
		at := in.blk.attrs[name]
		if _, isString := req.String(name); at == nil || isString || name == schema.AttrReferences {
			continue
		}
		s.errorf(at.Expr.Range().Ptr(), "Sensitive value in "+name,
			"%s of %s comes from a sensitive variable, and it would be written in clear to a committed file (the lock, the manifest, or an output's name). "+
				"Use a value that is not sensitive here; a sensitive value may be used in the prompt and the request's other text attributes, and in references.",
			name, in.asset.Addr)
	}
}

// noteMarks records what the value of attribute name carries: the assets
// whose outputs it uses, and whether it derives from a sensitive variable.
func (in *instance) noteMarks(name string, v cty.Value) {
	// A walk that only reads the marks: UnmarkDeepWithPaths also rebuilt
	// the value and the path of each mark, a kilobyte an instance for
	// references = [image.hero.file].
	for m := range cty.ValueMarksOfTypeDeep[any](v) {
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
	content, rest, diags := hb.Body.PartialContent(assetSchemas[kind])
	s.add(diags)
	b.bad = diags.HasErrors()
	b.attrs = content.Attributes
	b.rest = rest
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
			if name == "" {
				s.errorf(e.Range().Ptr(), "Invalid ignore_changes", "ignore_changes takes attribute names without quotes, such as ignore_changes = [prompt].")
				ok = false
				continue
			}
			b.lifecycle.IgnoreChanges = append(b.lifecycle.IgnoreChanges, name)
			b.ignoreRanges = append(b.ignoreRanges, e.Range())
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
		} else if b.rest != nil {
			// Report what else is wrong with it in the same pass: its
			// provider attributes and ignore_changes.
			s.resolveBlockProvider(b)
		}
	}
	for _, b := range s.blocks {
		if !b.bad {
			s.expand(b)
		}
	}
	for _, b := range s.blocks {
		for _, in := range b.instances {
			s.withScope(in, func() { s.evalStatic(in) })
		}
	}
	// Only references read the outputs' owners: two maps of 100,000
	// entries are not built for a config that has none.
	refs := slices.ContainsFunc(s.blocks, func(b *assetBlock) bool { return b.attrs["references"] != nil })
	if refs {
		s.outputPaths, s.outputOwner = map[string]string{}, map[string]string{}
		for _, b := range s.blocks {
			for _, in := range b.instances {
				if !in.bad {
					s.outputPaths[in.refString] = in.asset.Addr
					s.outputOwner[in.asset.Addr] = in.refString
				}
			}
		}
	}
	s.baseCtx.Variables["image"], s.baseCtx.Variables["image_set"] = s.assetObjects()
	var all []*instance
	for _, b := range s.blocks {
		for _, in := range b.instances {
			if !in.bad {
				s.withScope(in, func() { s.evalDynamic(in) })
			}
			// Evaluated: its static values and each.value are garbage
			// now, not at the end of the load (peak RSS of a plan of
			// 100,000 assets: 647 to 605 MB).
			in.static, in.each = schema.Values{}, cty.NilVal
			all = append(all, in)
		}
	}
	for _, in := range all {
		s.checkSensitive(in)
	}
	var byAddr map[string]*instance // what references name
	if refs {
		byAddr = make(map[string]*instance, len(all))
		for _, in := range all {
			byAddr[in.asset.Addr] = in
		}
	}
	for _, b := range s.blocks {
		if !b.bad {
			s.resolveEdges(b)
		}
	}
	s.checkCycles()
	for _, in := range all {
		if !in.bad && in.rules != nil {
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
		in.asset.SpecHash = in.asset.Request().Hash()
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
	if !s.resolveBlockProvider(b) {
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
		sc.assets = !b.isStatic(name)
		sc.what = "The " + name + " argument"
		s.checkBlockRefs(b, a, sc)
	}
	if a := b.attrs["depends_on"]; a != nil {
		if _, ok := s.dependsOn(a, true); !ok {
			b.bad = true
		}
	}
}

// resolveBlockProvider finds b's provider instance, then decodes the rest
// of b's body by the provider type's own attribute schema and checks
// ignore_changes against the attributes its request covers.
func (s *loadState) resolveBlockProvider(b *assetBlock) bool {
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
		return false
	}
	sc := b.provider.schema
	// The shared names are listed again (the rest hides them) so that a
	// misspelt argument is matched against every name the block takes.
	own := &hcl.BodySchema{}
	for _, a := range assetSchemas[b.kind].Attributes {
		own.Attributes = append(own.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	for _, a := range sc.Attributes {
		own.Attributes = append(own.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	content, diags := b.rest.Content(own)
	s.add(diags)
	for name, a := range content.Attributes {
		b.attrs[name] = a
	}
	ok := !diags.HasErrors()
	if b.attrs["prompt"] == nil {
		s.add(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Missing required argument",
			Detail:  `The argument "prompt" is required, but no definition was found.`,
			Subject: b.block.Body.MissingItemRange().Ptr()}})
		ok = false
	}
	ignorable := IgnorableAttributes(sc)
	for i, name := range b.lifecycle.IgnoreChanges {
		if !slices.Contains(ignorable, name) {
			s.errorf(&b.ignoreRanges[i], "Invalid ignore_changes", "ignore_changes takes attribute names without quotes; on the %s provider they are %s.%s",
				sc.Name, strings.Join(ignorable, ", "), didYouMean(name, ignorable))
			ok = false
		}
	}
	return ok
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
		s.errorf(a.Expr.Range().Ptr(), "Invalid provider reference", "provider takes a provider address without quotes, TYPE or TYPE.ALIAS: %s.", s.providerExamples())
		return nil
	}
	addr := t.RootName()
	if len(t) == 2 {
		step, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			s.errorf(a.Expr.Range().Ptr(), "Invalid provider reference", "provider takes a provider address without quotes, TYPE or TYPE.ALIAS: %s.", s.providerExamples())
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

// providerExamples names the declared provider addresses for a message.
func (s *loadState) providerExamples() string {
	var addrs []string
	for _, p := range s.providers {
		addrs = append(addrs, "provider = "+p.Addr)
	}
	if len(addrs) == 0 {
		return "no provider is declared"
	}
	return "here " + strings.Join(addrs, ", ")
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
			s.errorf(a.Expr.Range().Ptr(), "Invalid for_each argument", "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.")
			b.bad = true
			return
		}
		// Marks of a set are on the set; a map's element marks stay on
		// each.value, where sensitive values must remain marked.
		v, _ = v.Unmark()
		ty := v.Type()
		if !s.forEachType(a, ty) {
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
					s.errorf(a.Expr.Range().Ptr(), "Invalid for_each set argument", `The given "for_each" argument value is unsuitable: "for_each" sets must not contain null values.`)
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
			// The key is a part of the address rather than a string of its own.
			addr := b.addr() + "[" + key + "]"
			s.addInstance(b, addr[len(addr)-1-len(key):len(addr)-1], addr)
		}
	default:
		s.addInstance(b, "", b.addr())
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
	if !needsQuoting(key) {
		// The key is a part of the address rather than a string of its
		// own: 100,000 keys less to keep.
		addr := b.addr() + `["` + key + `"]`
		s.addInstance(b, addr[len(addr)-2-len(key):len(addr)-2], addr).each = val
		return true
	}
	s.addInstance(b, key, b.addr()+"["+quoteKey(key)+"]").each = val
	return true
}

// needsQuoting reports whether quoteKey writes key other than as is
// between quotes.
func needsQuoting(key string) bool {
	if !utf8.ValidString(key) {
		return true // quoteKey writes each bad byte as U+FFFD
	}
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c == '"' || c == '\\' || c < 0x20 || c == 0x7f:
			return true
		case (c == '$' || c == '%') && i+1 < len(key) && key[i+1] == '{':
			return true
		}
	}
	return false
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

func (s *loadState) addInstance(b *assetBlock, key, addr string) *instance {
	in := &instance{blk: b, asset: &Asset{Common: b.common("", "", ""), Addr: addr, Key: key}}
	b.instances = append(b.instances, in)
	b.byKey[key] = in
	return in
}

// rangePtr returns a pointer to r that every instance of b naming the
// same range shares: each kept its own 64-byte copy.
func (b *assetBlock) rangePtr(r hcl.Range) *hcl.Range {
	for _, p := range b.ranges {
		if *p == r {
			return p
		}
	}
	b.ranges = append(b.ranges, &r)
	return &r
}

// withScope runs eval with in.ctx set to the instance's scope: the base
// context, or a child of it holding each or count.
func (s *loadState) withScope(in *instance, eval func()) {
	switch b := in.blk; {
	case b.attrs["for_each"] != nil:
		in.ctx = s.baseCtx.NewChild()
		in.ctx.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(in.asset.Key), "value": in.each})}
	case b.attrs["count"] != nil:
		i, _ := strconv.ParseInt(in.asset.Key, 10, 64)
		in.ctx = s.baseCtx.NewChild()
		in.ctx.Variables = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})}
	default:
		in.ctx = s.baseCtx
	}
	eval()
	in.ctx = nil
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
	s.evaluating = in
	var model, format string
	defer func() {
		s.evaluating = nil
		if s.diags[before:].HasErrors() || s.unknowns != unknowns {
			in.bad = true
		}
		a.Common = b.common(model, format, "")
	}()
	if at := b.attrs["model"]; at != nil {
		model, _ = s.evalString(at, in.ctx)
	}
	for _, attr := range b.provider.schema.Attributes {
		if at := b.attrs[attr.Name]; at != nil && attr.Static {
			s.evalOwn(in, attr, at, &in.static)
		}
	}
	if s.diags[before:].HasErrors() || s.unknowns != unknowns {
		return
	}
	rules, problems := b.provider.typ.ResolveModel(model, in.static, b.provider.Settings)
	s.reportProblems(in, problems)
	if rules == nil {
		return
	}
	in.rules = rules

	if at := b.attrs["output_format"]; at != nil {
		if v, ok := s.evalString(at, in.ctx); ok {
			if !slices.Contains(fileFormats, v) {
				s.errorf(at.Expr.Range().Ptr(), "Invalid output_format", "output_format must be \"png\", \"jpeg\" or \"webp\", got %q.%s", v, didYouMean(v, fileFormats))
				return
			}
			format, in.explicitFormat = v, true
		}
	}
	producible := in.rules.OutputFormats()
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
		in.pathRange = b.rangePtr(at.Expr.Range())
	} else if at := b.attrs["for_each"]; at != nil {
		in.pathRange = b.rangePtr(at.Expr.Range())
	} else {
		in.pathRange = b.rangePtr(b.block.DefRange)
	}

	if b.kind == KindImage && written != "" {
		ext := strings.ToLower(path.Ext(written))
		extFormat := map[string]string{".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}[ext]
		switch {
		case extFormat == "":
			s.errorf(in.pathRange, "Invalid output path", "The path %q must end in .png, .jpg, .jpeg or .webp: the extension tells apps the file's format.", written)
			return
		case format != "" && extFormat != format:
			s.errorf(in.pathRange, "Output format mismatch", "The path %q ends in %s, but output_format is %q.", written, ext, format)
			return
		case format == "" && !slices.Contains(producible, extFormat):
			s.errorf(in.pathRange, "Output format mismatch", "The path %q ends in %s, but %s produces only %s.", written, ext, in.rules.Name(), strings.Join(producible, " or "))
			return
		}
		format = extFormat
	}
	if format == "" {
		format = producible[0]
	}

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
		s.errorf(in.pathRange, "Invalid output path", "The %s %q %s; output paths are relative to the output directory and must stay inside it.", pathAttr, written, problem)
		return
	}
	if b.kind == KindImage {
		a.Path = clean
	} else {
		a.Dir = clean
	}
	in.refString = joinSlash(s.outputDir, clean)
}

// reportProblems turns a provider type's findings into diagnostics on
// the attributes they name.
func (s *loadState) reportProblems(in *instance, problems []schema.Problem) {
	for _, p := range problems {
		subject := in.blk.block.DefRange
		if at := in.blk.attrs[p.Attr]; at != nil {
			subject = at.Expr.Range()
		}
		sev := hcl.DiagError
		if p.Warning {
			sev = hcl.DiagWarning
		}
		s.diags = append(s.diags, &hcl.Diagnostic{Severity: sev, Summary: p.Summary, Detail: p.Detail, Subject: &subject})
	}
}

// evalOwn evaluates one of the provider type's own attributes into vals.
// An empty string is no value, as an absent attribute.
func (s *loadState) evalOwn(in *instance, attr schema.Attribute, at *hcl.Attribute, vals *schema.Values) {
	v, ok := s.evalTyped(at, in.ctx, attr.Type, attr.Integer, math.MinInt64, attr.OneOf)
	if !ok || v.Type() == cty.String && v.AsString() == "" {
		return
	}
	if attr.File {
		rel, sum, ok := s.localFile(v.AsString(), attr.Name, at.Expr.Range().Ptr())
		if ok {
			if err := vals.Set(attr.Name, schema.FileValue{File: rel, SHA256: sum}); err != nil {
				panic(err) // two strings always encode
			}
		}
		return
	}
	vals.SetRaw(attr.Name, s.canonical(at, v))
}

// canonical is ctyCanonical(v), v being at's value, made once when that
// value is the same in every instance (evalAttr's cache holds it): the
// instances of a for_each then share one encoding of, say, size =
// "512x512", rather than keeping 100,000 copies of it in 64-byte buffers.
func (s *loadState) canonical(at *hcl.Attribute, v cty.Value) json.RawMessage {
	if s.perInstance[at] {
		return ctyCanonical(v)
	}
	raw, ok := s.canonCache[at]
	if !ok {
		raw = ctyCanonical(v)
		s.canonCache[at] = raw
	}
	return raw
}

// defaultKey names one attribute of one provider type's schema.
type defaultKey struct {
	sc   *schema.Schema
	attr string
}

// defaultValue is ctyCanonical of attr's default, made once per provider
// type and shared by every asset that leaves attr unset.
func (s *loadState) defaultValue(sc *schema.Schema, attr schema.Attribute) json.RawMessage {
	k := defaultKey{sc, attr.Name}
	raw, ok := s.defaults[k]
	if !ok {
		raw = ctyCanonical(attr.Default)
		s.defaults[k] = raw
	}
	return raw
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
			if b.isStatic(name) || name == "depends_on" {
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
	for _, attr := range b.provider.schema.Attributes {
		at := b.attrs[attr.Name]
		switch {
		case attr.Static:
			if raw, ok := in.static.Get(attr.Name); ok {
				a.Attrs.SetRaw(attr.Name, raw)
			}
		case at != nil:
			s.evalOwn(in, attr, at, &a.Attrs)
		}
		if !a.Attrs.Has(attr.Name) && attr.Default != cty.NilVal {
			a.Attrs.SetRaw(attr.Name, s.defaultValue(b.provider.schema, attr))
		}
	}
	if at := s.required(b.attrs["max_images"], in.ctx); at != nil {
		if n, ok := s.evalInt(at, in.ctx, 1); ok {
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
	// Kept until the plan is made: a copy of the exact size, rather than
	// the encoder's buffer of at least 64 bytes.
	return bytes.Clone(out)
}
