package spec

import (
	"github.com/hashicorp/hcl/v2"
)

var movedSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "from", Required: true}, {Name: "to", Required: true}},
}

// decodeMoved reads the moved blocks. from must no longer be declared (else
// the move would take the lock entry from an asset that still exists), and
// both ends must be of one kind.
func (s *loadState) decodeMoved() []*Moved {
	var out []*Moved
	seen := map[string]*Moved{}
	for _, b := range s.movedBlks {
		content, diags := b.Body.Content(movedSchema)
		s.add(diags)
		if diags.HasErrors() {
			continue
		}
		from, fromKind, ok1 := s.movedAddr(content.Attributes["from"])
		to, toKind, ok2 := s.movedAddr(content.Attributes["to"])
		if !ok1 || !ok2 {
			continue
		}
		fromRng := content.Attributes["from"].Expr.Range().Ptr()
		switch {
		case from == to:
			s.errorf(fromRng, "Invalid moved block", "from and to are both %s.", from)
			continue
		case fromKind != toKind:
			s.errorf(content.Attributes["to"].Expr.Range().Ptr(), "Invalid moved block", "An %s cannot become an %s: their outputs differ.", fromKind, toKind)
			continue
		case s.declared(from):
			s.errorf(fromRng, "Moved object still exists", "%s is still declared, so it cannot have moved; remove its block or this moved block.", from)
			continue
		}
		if prev := seen[from]; prev != nil {
			s.errorf(fromRng, "Ambiguous move", "%s is already moved to %s at %s.", from, prev.To, prev.DeclRange)
			continue
		}
		m := &Moved{From: from, To: to, DeclRange: b.DefRange}
		seen[from] = m
		out = append(out, m)
	}
	return out
}

// declared reports whether addr names a declared asset or instance.
func (s *loadState) declared(addr string) bool {
	for _, b := range s.blocks {
		if b.addr() == addr {
			return true
		}
		for _, in := range b.instances {
			if in.asset.Addr == addr {
				return true
			}
		}
	}
	return false
}

// movedAddr reads an address like image.hero, image.season["spring"] or
// image_set.tile[2], written as a bare traversal.
func (s *loadState) movedAddr(a *hcl.Attribute) (addr string, kind Kind, ok bool) {
	bad := func() (string, Kind, bool) {
		s.errorf(a.Expr.Range().Ptr(), "Invalid address", "%s takes an asset address without quotes, such as image.hero or image.season[\"spring\"].", a.Name)
		return "", "", false
	}
	t, diags := hcl.AbsTraversalForExpr(a.Expr)
	if diags.HasErrors() || len(t) < 2 || len(t) > 3 {
		return bad()
	}
	kind = Kind(t.RootName())
	step, isAttr := t[1].(hcl.TraverseAttr)
	if kind != KindImage && kind != KindImageSet || !isAttr {
		return bad()
	}
	addr = string(kind) + "." + step.Name
	if len(t) == 3 {
		idx, isIdx := t[2].(hcl.TraverseIndex)
		if !isIdx {
			return bad()
		}
		key, ok := indexKey(idx.Key)
		if !ok {
			return bad()
		}
		if idx.Key.Type().FriendlyName() == "string" {
			addr += "[" + quoteKey(key) + "]"
		} else {
			addr += "[" + key + "]"
		}
	}
	return addr, kind, true
}
