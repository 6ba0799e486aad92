package spec

import (
	"os"
	"strings"
	"testing"
)

// terraformFunctions are the built-in functions of Terraform 1.11.4, as
// `terraform metadata functions -json` lists them (without the core::
// copies).
var terraformFunctions = strings.Fields(`
abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256
base64sha512 basename bcrypt can ceil chomp chunklist cidrhost cidrnetmask
cidrsubnet cidrsubnets coalesce coalescelist compact concat contains csvdecode
dirname distinct element endswith ephemeralasnull file filebase64
filebase64sha256 filebase64sha512 fileexists filemd5 fileset filesha1
filesha256 filesha512 flatten floor format formatdate formatlist indent index
issensitive join jsondecode jsonencode keys length log lookup lower matchkeys
max md5 merge min nonsensitive one parseint pathexpand plantimestamp pow range
regex regexall replace reverse rsadecrypt sensitive setintersection setproduct
setsubtract setunion sha1 sha256 sha512 signum slice sort split startswith
strcontains strrev substr sum templatefile templatestring textdecodebase64
textencodebase64 timeadd timecmp timestamp title tobool tolist tomap tonumber
toset tostring transpose trim trimprefix trimspace trimsuffix try upper
urlencode uuid uuidv5 values yamldecode yamlencode zipmap`)

// TestEveryTerraformFunction checks that each of Terraform's functions is
// either implemented, under its name and core::name, or left out with a
// reason that a call gives and the README lists.
func TestEveryTerraformFunction(t *testing.T) {
	t.Parallel()
	if len(terraformFunctions) != 118 {
		t.Fatalf("the list has %d functions; Terraform 1.11.4 has 118", len(terraformFunctions))
	}
	funcs := (&loadState{}).functions()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, leftOutDoc, _ := strings.Cut(string(readme), "Functions left out")
	for _, name := range terraformFunctions {
		if _, ok := funcs[name]; !ok {
			t.Errorf("%s is missing", name)
		}
		if _, ok := funcs[corePrefix+name]; !ok {
			t.Errorf("core::%s is missing", name)
		}
		if _, out := leftOutFunctions[name]; out && !strings.Contains(leftOutDoc, "`"+name+"`") {
			t.Errorf("%s is left out, but the README's \"Functions left out\" does not list it", name)
		}
	}
}
