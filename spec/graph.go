package spec

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// resolveEdges turns a block's references to assets (in any attribute,
// plus depends_on) into each instance's dependency edges. An instance
// depends on the instances its own evaluated values use: with
// references = [image.base[each.key].file], image.derived["a"] depends on
// image.base["a"] alone, and image[var.pick].file on the block picked, so
// that a change cascades only to the instances that use what changed. A
// reference whose value carries no output (length(image.tile)) stands, as
// in Terraform, for every instance it names; so does depends_on, which is
// not evaluated.
func (s *loadState) resolveEdges(b *assetBlock) {
	// used: kept when the instance's values use them; named: kept unless
	// the values say which instances of that block they use; declared:
	// depends_on, kept always.
	var used, named, declared []edge
	for _, name := range sortedKeys(b.attrs) {
		if b.isStatic(name) || name == "depends_on" {
			continue
		}
		picks := computedPicks(b.attrs[name].Expr)
		for _, t := range b.attrs[name].Expr.Variables() {
			if root := t.RootName(); root == string(KindImage) || root == string(KindImageSet) {
				edges := s.traversalTargets(t, nil)
				if slices.Contains(picks, t.SourceRange()) {
					used = append(used, edges...)
				} else {
					named = append(named, edges...)
				}
			}
		}
	}
	if a := b.attrs["depends_on"]; a != nil {
		ts, _ := s.dependsOn(a, false)
		for _, t := range ts {
			declared = append(declared, s.traversalTargets(t, a)...)
		}
	}
	for _, in := range b.instances {
		usesBlock := map[*assetBlock]bool{}
		for _, e := range append(used, named...) {
			if in.uses[e.to.asset.Addr] {
				usesBlock[e.to.blk] = true
			}
		}
		add := func(e edge) {
			if !slices.ContainsFunc(in.edges, func(have edge) bool { return have.to == e.to }) {
				in.edges = append(in.edges, e)
			}
		}
		for _, e := range used {
			if in.uses[e.to.asset.Addr] {
				add(e)
			}
		}
		for _, e := range named {
			// The values say which instances of a block are used; a
			// block none of whose outputs they carry is used as a whole.
			if in.uses[e.to.asset.Addr] || !usesBlock[e.to.blk] {
				add(e)
			}
		}
		for _, e := range declared {
			add(e)
		}
	}
}

// dependsOn returns the addresses in's edges lead to, sorted and unique.
func (in *instance) dependsOn() []string {
	var addrs []string
	for _, e := range in.edges {
		addrs = append(addrs, e.to.asset.Addr)
	}
	slices.Sort(addrs)
	return slices.Compact(addrs)
}

// dependsOn reads depends_on's traversals; with check, it reports those
// that are not addresses of declared blocks.
func (s *loadState) dependsOn(a *hcl.Attribute, check bool) ([]hcl.Traversal, bool) {
	exprs, diags := hcl.ExprList(a.Expr)
	if check {
		s.add(diags)
	}
	ok := !diags.HasErrors()
	var out []hcl.Traversal
	for _, e := range exprs {
		t, diags := hcl.AbsTraversalForExpr(e)
		// A quoted address gives no traversal, and RootName would panic.
		if diags.HasErrors() || len(t) < 2 || t.RootName() != string(KindImage) && t.RootName() != string(KindImageSet) {
			if check {
				s.errorfIn(e.Range().Ptr(), a.Range.Ptr(), "Invalid depends_on reference",
					"depends_on takes asset addresses without quotes, such as image.hero or image_set.board.")
			}
			ok = false
			continue
		}
		if check {
			if diag := s.checkRef(t, refScope{assets: true}); diag != nil {
				diag.Severity, diag.Subject, diag.Context = hcl.DiagError, t.SourceRange().Ptr(), a.Range.Ptr()
				s.diags = append(s.diags, diag)
				ok = false
				continue
			}
		}
		out = append(out, t)
	}
	return out, ok
}

// traversalTargets returns the instances a traversal such as image.hero,
// image.season["spring"] or image_set.tile[2] stands for; image or
// image_set as a whole stands for every instance of its kind. Errors in
// attributes were reported when they were checked or evaluated; report
// only those of depends_on (given as dependsOn, else nil), which is never
// evaluated, with the attribute as the diagnostic's context.
func (s *loadState) traversalTargets(t hcl.Traversal, dependsOn *hcl.Attribute) []edge {
	rng := t.SourceRange()
	report := func(summary, detail string, args ...any) {
		if dependsOn != nil {
			s.errorfIn(rng.Ptr(), dependsOn.Range.Ptr(), summary, detail, args...)
		}
	}
	name, named := blockName(t)
	if !named {
		var edges []edge
		for _, b := range s.blocks {
			if string(b.kind) == t.RootName() && !b.bad {
				for _, in := range b.instances {
					edges = append(edges, edge{to: in, rng: rng})
				}
			}
		}
		return edges
	}
	target := s.blockIdx[t.RootName()+"."+name]
	if target == nil {
		report("Reference to undeclared asset", "There is no %s block named %q.", t.RootName(), name)
		return nil
	}
	if target.bad {
		return nil
	}
	if len(t) > 2 {
		if idx, ok := t[2].(hcl.TraverseIndex); ok {
			counted := target.attrs["for_each"] != nil || target.attrs["count"] != nil
			key, ok := indexKey(idx.Key)
			in := target.byKey[key]
			if !ok || in == nil || !counted {
				why := "."
				if !counted {
					why = ": it has neither count nor for_each."
				}
				report("Reference to undeclared asset instance", "%s has no instance [%s]%s", target.addr(), hclwrite.TokensForValue(idx.Key).Bytes(), why)
				return nil
			}
			return []edge{{to: in, rng: rng}}
		}
	}
	edges := make([]edge, len(target.instances))
	for i, in := range target.instances {
		edges[i] = edge{to: in, rng: rng}
	}
	return edges
}

// computedPicks returns where expr indexes image or image_set by a
// computed key, as in image[var.pick].file: Variables gives the kind as a
// whole for it, but it stands for one block.
func computedPicks(expr hcl.Expression) []hcl.Range {
	e, ok := expr.(hclsyntax.Expression)
	if !ok {
		return nil
	}
	var picks []hcl.Range
	_ = hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if ix, ok := n.(*hclsyntax.IndexExpr); ok {
			if c, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr); ok && len(c.Traversal) == 1 {
				if root := c.Traversal.RootName(); root == string(KindImage) || root == string(KindImageSet) {
					picks = append(picks, c.Traversal.SourceRange())
				}
			}
		}
		return nil
	})
	return picks
}

// blockName returns the block a traversal names, as image.hero or
// image["hero"]; false for image as a whole or indexed by a computed key,
// which the traversal then stops before.
func blockName(t hcl.Traversal) (string, bool) {
	if len(t) < 2 {
		return "", false
	}
	switch step := t[1].(type) {
	case hcl.TraverseAttr:
		return step.Name, true
	case hcl.TraverseIndex:
		if step.Key.Type() == cty.String && step.Key.IsKnown() && !step.Key.IsNull() {
			return step.Key.AsString(), true
		}
	}
	return "", false
}

// indexKey renders a literal index as an instance key.
func indexKey(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Number:
		bf := v.AsBigFloat()
		n, acc := bf.Int64()
		if !bf.IsInt() || acc != big.Exact {
			return "", false
		}
		return fmt.Sprint(n), true
	}
	return "", false
}

// checkCycles reports each dependency cycle once, at each of its
// references.
func (s *loadState) checkCycles() {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[*instance]int{}
	var path []edge // path[i] leads from path[i-1]'s target (or the root) to path[i].to
	var visit func(in *instance)
	visit = func(in *instance) {
		state[in] = visiting
		for _, e := range in.edges {
			switch state[e.to] {
			case visiting:
				path = append(path, e)
				s.reportCycle(e.to, path)
				path = path[:len(path)-1]
			case unvisited:
				path = append(path, e)
				visit(e.to)
				path = path[:len(path)-1]
			}
		}
		state[in] = done
	}
	for _, b := range s.blocks {
		for _, in := range b.instances {
			if state[in] == unvisited {
				path = path[:0]
				visit(in)
			}
		}
	}
}

// reportCycle reports the cycle that the last edge of path closes by
// returning to start. A cycle has no single wrong reference: removing any
// one breaks it. So each reference gets its own error, with the reference
// as Subject and its attribute as Context, and every error names the whole
// cycle and where each of its references is written.
func (s *loadState) reportCycle(start *instance, path []edge) {
	i := len(path) - 1
	for i > 0 && path[i-1].to != start {
		i--
	}
	cycle := path[i:]
	if start.blk.cycleSeen {
		return
	}
	for _, e := range cycle {
		e.to.blk.cycleSeen = true
	}
	// from[j] is the instance whose reference cycle[j] is: start, then the
	// target of each edge before it.
	from := make([]*instance, len(cycle))
	names := []string{start.asset.Addr}
	where := make([]string, len(cycle))
	prev := start
	for j, e := range cycle {
		from[j] = prev
		names = append(names, e.to.asset.Addr)
		where[j] = fmt.Sprintf("%s refers to %s at %s", prev.asset.Addr, e.to.asset.Addr, position(e.rng))
		prev = e.to
	}
	detail := fmt.Sprintf("Assets depend on each other in a cycle: %s.\n%s.\nRemoving any one of these references breaks the cycle.",
		strings.Join(names, " -> "), strings.Join(where, ";\n"))
	for j, e := range cycle {
		s.errorfIn(e.rng.Ptr(), attributeAround(from[j].blk, e.rng), "Dependency cycle", "%s", detail)
	}
}

// attributeAround returns the range of b's attribute that holds rng.
func attributeAround(b *assetBlock, rng hcl.Range) *hcl.Range {
	for _, a := range b.attrs {
		if a.Range.Filename == rng.Filename && a.Range.ContainsOffset(rng.Start.Byte) {
			return a.Range.Ptr()
		}
	}
	return nil
}

// position renders where a range starts as file:line:column.
func position(rng hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", rng.Filename, rng.Start.Line, rng.Start.Column)
}
