package jsonui

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// NewResource decomposes every form of address as Terraform's resource
// object does: a for_each key as a string, a count index as a number.
func TestNewResource(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr, provider string
		want           string
	}{
		{"image.hero", "seedream", `{"addr":"image.hero","module":"","resource":"image.hero","implied_provider":"seedream","resource_type":"image","resource_name":"hero","resource_key":null}`},
		{`image.season["spring"]`, "seedream.relay", `{"addr":"image.season[\"spring\"]","module":"","resource":"image.season[\"spring\"]","implied_provider":"seedream","resource_type":"image","resource_name":"season","resource_key":"spring"}`},
		{"image_set.tile[3]", "placeholder", `{"addr":"image_set.tile[3]","module":"","resource":"image_set.tile[3]","implied_provider":"placeholder","resource_type":"image_set","resource_name":"tile","resource_key":3}`},
		{`image.x["a \"b\""]`, "placeholder", `{"addr":"image.x[\"a \\\"b\\\"\"]","module":"","resource":"image.x[\"a \\\"b\\\"\"]","implied_provider":"placeholder","resource_type":"image","resource_name":"x","resource_key":"a \"b\""}`},
	} {
		b, err := json.Marshal(NewResource(tt.addr, tt.provider))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, string(b)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.addr, diff)
		}
	}
}
