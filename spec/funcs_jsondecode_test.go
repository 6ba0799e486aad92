package spec

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// jsondecode's fast path decodes exactly what cty's decoder does, and
// leaves every other document to it.
func TestJSONDecodeFastPathMatchesCty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`[]`, ` [ "a" , "b" ] `, `["a","a"]`, `["\u00e9\ud83c\udfa8", "\n"]`, "[\"\xff\"]", `["a",null]`, `[null]`,
		`["a",1]`, `[["a"]]`, `["a"] x`, `["a"`, `null`, `"s"`, `{"a":"b"}`, `[]]`, "",
	} {
		want, werr := stdlib.JSONDecodeFunc.Call([]cty.Value{cty.StringVal(in)})
		got, gerr := jsonDecodeFunc.Call([]cty.Value{cty.StringVal(in)})
		if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Errorf("jsondecode(%q): error %v, cty says %v", in, gerr, werr)
			continue
		}
		if werr == nil && !got.RawEquals(want) {
			t.Errorf("jsondecode(%q) = %#v, cty says %#v", in, got, want)
		}
	}
	marked := cty.StringVal(`["a"]`).Mark(sensitiveMark)
	got, err := jsonDecodeFunc.Call([]cty.Value{marked})
	if err != nil || !got.HasMark(sensitiveMark) {
		t.Errorf("a sensitive document decoded to %#v, %v: the mark must stay", got, err)
	}
}
