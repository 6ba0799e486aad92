package spec

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalLocals evaluates every local value in dependency order and adds
// `local` to the base context. A local that fails to evaluate becomes an
// unknown value, so that its users do not report the same mistake again.
func (s *loadState) evalLocals(blocks []*hcl.Block) {
	s.locals = map[string]*hcl.Attribute{}
	for _, b := range blocks {
		attrs, diags := b.Body.JustAttributes()
		s.add(diags)
		for name, a := range attrs {
			if prev := s.locals[name]; prev != nil {
				s.errorf(a.NameRange.Ptr(), "Duplicate local value definition", "A local value named %q was already defined at %s. Local value names must be unique within a module.", name, prev.Range)
				continue
			}
			s.locals[name] = a
		}
	}
	names := sortedKeys(s.locals)
	deps := make(map[string][]hcl.Traversal, len(names))
	bad := map[string]bool{}
	for _, name := range names {
		a := s.locals[name]
		diags := s.checkRefs(a.Expr, refScope{locals: true, what: "A local value"}, a.Range)
		s.add(diags)
		if diags.HasErrors() {
			bad[name] = true
			continue
		}
		for _, t := range a.Expr.Variables() {
			if t.RootName() != "local" || len(t) < 2 {
				continue
			}
			if step, ok := t[1].(hcl.TraverseAttr); ok && step.Name == name {
				s.errorfIn(t.SourceRange().Ptr(), a.Expr.Range().Ptr(), "Self-referencing local value", "Local value local.%s cannot use its own result as part of its expression.", name)
				bad[name] = true
				continue
			}
			deps[name] = append(deps[name], t)
		}
	}

	values := make(map[string]cty.Value, len(names))
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int, len(names))
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		switch state[name] {
		case done:
			return
		case visiting:
			i := len(stack) - 1
			for stack[i] != name {
				i--
			}
			cycle := append(append([]string(nil), stack[i:]...), name)
			for j := range cycle {
				cycle[j] = "local." + cycle[j]
			}
			a := s.locals[name]
			s.errorf(a.Expr.Range().Ptr(), "Cycle in local values", "The local values refer to each other in a cycle: %s.", strings.Join(cycle, " -> "))
			return
		}
		state[name] = visiting
		stack = append(stack, name)
		for _, t := range deps[name] {
			dep := t[1].(hcl.TraverseAttr).Name
			if s.locals[dep] != nil {
				visit(dep)
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		if bad[name] {
			values[name] = cty.DynamicVal
			return
		}
		values[name] = s.evalLocal(name, values)
	}
	for _, name := range names {
		visit(name)
	}
	s.baseCtx.Variables["local"] = cty.ObjectVal(values)
}

// evalLocal evaluates one local once its dependencies are in values. A
// dependency still missing is part of a cycle, already reported.
func (s *loadState) evalLocal(name string, values map[string]cty.Value) cty.Value {
	a := s.locals[name]
	scope := make(map[string]cty.Value, len(values))
	for _, t := range a.Expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		dep, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		v, ok := values[dep.Name]
		if !ok {
			return cty.DynamicVal
		}
		scope[dep.Name] = v
	}
	ctx := s.baseCtx.NewChild()
	ctx.Variables = map[string]cty.Value{"local": cty.ObjectVal(scope)}
	v, diags := a.Expr.Value(ctx)
	s.add(diags)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}
