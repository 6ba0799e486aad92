package spec

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// resolveEdges turns a block's references to assets (in any attribute,
// plus depends_on) into dependency edges shared by all its instances: a
// reference with a literal instance key depends on that instance, one
// without on every instance of the block.
func (s *loadState) resolveEdges(b *assetBlock) {
	for _, name := range sortedKeys(b.attrs) {
		if staticAttrs[name] || name == "depends_on" {
			continue
		}
		for _, t := range b.attrs[name].Expr.Variables() {
			if root := t.RootName(); root == string(KindImage) || root == string(KindImageSet) {
				b.edges = append(b.edges, s.traversalTargets(t, false)...)
			}
		}
	}
	if a := b.attrs["depends_on"]; a != nil {
		ts, _ := s.dependsOn(a, false)
		for _, t := range ts {
			b.edges = append(b.edges, s.traversalTargets(t, true)...)
		}
	}
	seen := map[string]bool{}
	for _, e := range b.edges {
		if !seen[e.to.asset.Addr] {
			seen[e.to.asset.Addr] = true
			b.dependsOn = append(b.dependsOn, e.to.asset.Addr)
		}
	}
	slices.Sort(b.dependsOn)
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
		root := t.RootName()
		if diags.HasErrors() || root != string(KindImage) && root != string(KindImageSet) || len(t) < 2 {
			if check {
				s.errorf(e.Range().Ptr(), "Invalid depends_on reference", "depends_on takes asset addresses without quotes, such as image.hero or image_set.board.")
			}
			ok = false
			continue
		}
		if check {
			if diag := s.checkRef(t, refScope{assets: true}); diag != nil {
				diag.Severity, diag.Subject = hcl.DiagError, t.SourceRange().Ptr()
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
// image.season["spring"] or image_set.tile[2] stands for. Errors in
// attributes were reported when they were checked or evaluated; report
// only depends_on's, which are never evaluated.
func (s *loadState) traversalTargets(t hcl.Traversal, report bool) []edge {
	step, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return nil
	}
	rng := t.SourceRange()
	target := s.blockIdx[t.RootName()+"."+step.Name]
	if target == nil {
		if report {
			s.errorf(rng.Ptr(), "Reference to undeclared asset", "There is no %s block named %q.", t.RootName(), step.Name)
		}
		return nil
	}
	if target.bad {
		return nil
	}
	if len(t) > 2 {
		if idx, ok := t[2].(hcl.TraverseIndex); ok {
			key, ok := indexKey(idx.Key)
			in := target.byKey[key]
			if !ok || in == nil || target.attrs["for_each"] == nil && target.attrs["count"] == nil {
				if report {
					s.errorf(rng.Ptr(), "Reference to undeclared asset instance", "%s has no instance %s.", target.addr(), idx.Key.GoString())
				}
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

// checkCycles reports each dependency cycle once, naming its members and
// where each reference is written.
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
		for _, e := range in.blk.edges {
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
// returning to start.
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
	names := []string{start.asset.Addr}
	var where []string
	prev := start
	for _, e := range cycle {
		names = append(names, e.to.asset.Addr)
		where = append(where, fmt.Sprintf("%s refers to %s at %s", prev.asset.Addr, e.to.asset.Addr, e.rng))
		prev = e.to
	}
	first := cycle[0]
	s.diags = append(s.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Dependency cycle",
		Detail: fmt.Sprintf("Assets depend on each other in a cycle: %s.\n%s.",
			strings.Join(names, " -> "), strings.Join(where, ";\n")),
		Subject: first.rng.Ptr(),
	})
}
