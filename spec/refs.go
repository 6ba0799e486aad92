package spec

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// refScope says which roots an expression may refer to.
type refScope struct {
	locals bool // local.*
	each   bool // each.key, each.value
	count  bool // count.index
	assets bool // image.*, image_set.*
	// what names the expression in messages: "A validation condition".
	what string
}

// checkRefs checks the static references of expr before it is evaluated,
// so that a misspelt or misplaced name gets a precise message (with a
// suggestion) instead of HCL's generic "Unsupported attribute". context is
// the enclosing attribute's range, reported along with the reference.
func (s *loadState) checkRefs(expr hcl.Expression, sc refScope, context hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range expr.Variables() {
		diag := s.checkRef(t, sc)
		if diag != nil {
			diag.Severity = hcl.DiagError
			diag.Subject = t.SourceRange().Ptr()
			diag.Context = hcl.RangeOver(context, t.SourceRange()).Ptr()
			diags = append(diags, diag)
		}
	}
	return diags
}

func (s *loadState) checkRef(t hcl.Traversal, sc refScope) *hcl.Diagnostic {
	root := t.RootName()
	attr := ""
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			attr = a.Name
		}
	}
	if len(t) == 1 && (root == "var" || root == "local" || root == "path") {
		return &hcl.Diagnostic{
			Summary: "Invalid reference",
			Detail:  fmt.Sprintf("The %q object cannot be accessed directly. Instead, access one of its attributes.", root),
		}
	}
	switch root {
	case "self":
		return &hcl.Diagnostic{
			Summary: `Invalid "self" reference`,
			Detail:  `The "self" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.`,
		}
	case "var":
		if attr != "" && s.variables[attr] == nil {
			return &hcl.Diagnostic{
				Summary: "Reference to undeclared input variable",
				Detail:  fmt.Sprintf("An input variable with the name %q has not been declared.%s", attr, declareHint(attr, s.varOrder)),
			}
		}
	case "local":
		if !sc.locals {
			return &hcl.Diagnostic{
				Summary: "Invalid reference",
				Detail:  fmt.Sprintf("%s cannot refer to local values.", sc.what),
			}
		}
		if attr != "" && s.locals[attr] == nil {
			return &hcl.Diagnostic{
				Summary: "Reference to undeclared local value",
				Detail:  fmt.Sprintf("A local value with the name %q has not been declared.%s", attr, didYouMean(attr, sortedKeys(s.locals))),
			}
		}
	case "path":
		if attr != "" && attr != "module" && attr != "root" && attr != "cwd" {
			return &hcl.Diagnostic{
				Summary: `Invalid "path" attribute`,
				Detail:  fmt.Sprintf("The \"path\" object does not have an attribute named %q.%s", attr, didYouMean(attr, []string{"cwd", "module", "root"})),
			}
		}
	case "each":
		if !sc.each {
			return &hcl.Diagnostic{
				Summary: `Reference to "each" in context without for_each`,
				Detail:  fmt.Sprintf("%s is not in a block with for_each, so each.key and each.value do not exist here.", sc.what),
			}
		}
		if attr != "" && attr != "key" && attr != "value" {
			return &hcl.Diagnostic{
				Summary: `Invalid "each" attribute`,
				Detail:  fmt.Sprintf("each has only the attributes key and value, not %q.", attr),
			}
		}
	case "count":
		if !sc.count {
			return &hcl.Diagnostic{
				Summary: `Reference to "count" in non-counted context`,
				Detail:  fmt.Sprintf("%s is not in a block with count, so count.index does not exist here.", sc.what),
			}
		}
		if attr != "" && attr != "index" {
			return &hcl.Diagnostic{
				Summary: `Invalid "count" attribute`,
				Detail:  fmt.Sprintf("count has only the attribute index, not %q.", attr),
			}
		}
	case "data", "module":
		return undeclaredObject(t)
	case string(KindImage), string(KindImageSet):
		if !sc.assets {
			return &hcl.Diagnostic{
				Summary: "Invalid reference",
				Detail:  fmt.Sprintf("%s cannot refer to assets: it is needed before any asset's outputs are known.", sc.what),
			}
		}
		if attr != "" && s.blockIdx[root+"."+attr] == nil {
			var names []string
			for _, b := range s.blocks {
				if string(b.kind) == root {
					names = append(names, b.name)
				}
			}
			return &hcl.Diagnostic{
				Summary: "Reference to undeclared asset",
				Detail:  fmt.Sprintf("There is no %s block named %q.%s", root, attr, didYouMean(attr, names)),
			}
		}
	default:
		return undeclaredObject(t)
	}
	return nil
}

// undeclaredObject reports a reference whose root names nothing seedform
// has, in Terraform's words (which would read it as a resource), so that
// a misspelt name fails even inside try or can instead of silently
// taking their fallback.
func undeclaredObject(t hcl.Traversal) *hcl.Diagnostic {
	root := t.RootName()
	var names []string
	for _, step := range t[1:] {
		a, ok := step.(hcl.TraverseAttr)
		if !ok {
			break
		}
		names = append(names, a.Name)
	}
	switch {
	case root == "module" && len(names) > 0:
		return &hcl.Diagnostic{Summary: "Reference to undeclared module", Detail: fmt.Sprintf("No module call named %q is declared in the root module.", names[0])}
	case root == "data" && len(names) > 1:
		return &hcl.Diagnostic{Summary: "Reference to undeclared resource", Detail: fmt.Sprintf("A data resource %q %q has not been declared in the root module.", names[0], names[1])}
	case root == "data":
		return &hcl.Diagnostic{Summary: "Invalid reference", Detail: `The "data" object must be followed by two attribute names: the data source type and the resource name.`}
	case root == "module":
		return &hcl.Diagnostic{Summary: "Invalid reference", Detail: `The "module" object cannot be accessed directly. Instead, access one of its attributes.`}
	case len(names) > 0:
		return &hcl.Diagnostic{Summary: "Reference to undeclared resource", Detail: fmt.Sprintf("A managed resource %q %q has not been declared in the root module.", root, names[0])}
	}
	return &hcl.Diagnostic{Summary: "Invalid reference", Detail: "A reference to a resource type must be followed by at least one attribute access, specifying the resource name."}
}

// declareHint suggests a close variable name, or else how to declare one,
// as Terraform does.
func declareHint(name string, declared []string) string {
	if hint := didYouMean(name, declared); hint != "" {
		return hint
	}
	return fmt.Sprintf(" This variable can be declared with a variable %q {} block.", name)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
