package spec

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// mismatchSuffix is what go-cty since v1.17 adds to a type mismatch
// ("string required, but have tuple"). Terraform 1.11, whose messages
// seedform's users know and whose wording seedform matches, builds with
// go-cty v1.16 and says only "string required".
var mismatchSuffix = regexp.MustCompile(` required, but have [a-z][a-z ()]*`)

// terraformWording rewrites diagnostic text from the libraries into
// Terraform 1.11's wording.
func terraformWording(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		d.Detail = mismatchSuffix.ReplaceAllString(d.Detail, " required")
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
