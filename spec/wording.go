package spec

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// mismatch is go-cty's (since v1.17) wording of a type mismatch: "string
// required, but have tuple", "list of dynamic required, but have string".
// Terraform 1.11, whose messages seedform's users know and whose wording
// seedform matches, builds with go-cty v1.16, which names only the type
// required, as a constraint: "list of any single type required".
var mismatch = regexp.MustCompile(`([a-z][a-z ()]*) required, but have [a-z][a-z ()]*`)

// terraformWording rewrites diagnostic text from the libraries into
// Terraform 1.11's wording.
func terraformWording(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		d.Detail = mismatch.ReplaceAllStringFunc(d.Detail, func(m string) string {
			want := mismatch.FindStringSubmatch(m)[1]
			return strings.ReplaceAll(want, "dynamic", "any single type") + " required"
		})
	}
	return diags
}

// HCL since v2.24 short-circuits || and &&, so `true || null` is true.
// Terraform 1.11 (HCL v2.23) evaluates both operands, and a null one is an
// error ("argument must not be null"): a config that relies on the newer
// behaviour would mean something else in Terraform. seedform's language
// is Terraform 1.11's, for every expression this process evaluates.
func init() {
	hclsyntax.OpLogicalOr.ShortCircuit = nil
	hclsyntax.OpLogicalAnd.ShortCircuit = nil
}
