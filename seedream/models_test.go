package seedream_test

import (
	"strings"
	"testing"

	"github.com/seedform/seedform/seedream"
)

// TestLookupModel: every id the vendor, BytePlus or a relay gives a model
// finds its family; anything else is unknown.
func TestLookupModel(t *testing.T) {
	tests := []struct {
		id   string
		want seedream.Family // "" for unknown
	}{
		{"doubao-seedream-3-0-t2i-250415", seedream.Seedream30},
		{"seedream-3-0-t2i-250415", seedream.Seedream30},
		{"doubao-seededit-3-0-i2i-250628", seedream.SeedEdit30},
		{"seedream-4-0-250828", seedream.Seedream40},
		{"doubao-seedream-4-0-20260415", seedream.Seedream40},
		{"seedream-4-5-251128", seedream.Seedream45},
		{"doubao-seedream-5-0-260128", seedream.Seedream50},
		{"doubao-seedream-5-0-lite-260128", seedream.Seedream50},
		{"seedream-5-0-260128", seedream.Seedream50},
		{"seedream-5-0-lite-260128", seedream.Seedream50},
		{"doubao-seedream-5-0", seedream.Seedream50},
		{"doubao-seedream-5-0-pro-260628", seedream.Seedream50Pro},
		{"dola-seedream-5-0-pro-260628", seedream.Seedream50Pro},
		{"doubao-seedream-5-0-pro-270101", seedream.Seedream50Pro},
		{"doubao-seedream-5-0-pro", seedream.Seedream50Pro},
		{"doubao-seedream-4-5-2601", ""},   // neither 6 nor 8 digits
		{"doubao-seedream-4-5-x60101", ""}, // not a date
		{"ep-20250101-abc", ""},
		{"doubao-seedream-9-9", ""},
	}
	for _, tt := range tests {
		m, ok := seedream.LookupModel(tt.id)
		if ok != (tt.want != "") || m.Family != tt.want {
			t.Errorf("LookupModel(%q) = %q, %v; want %q", tt.id, m.Family, ok, tt.want)
		}
	}
}

// TestVendorWarnings: what the vendor's own API refuses is a warning on
// its hosts and nothing on a relay's.
func TestVendorWarnings(t *testing.T) {
	const (
		volc     = "https://ark.cn-beijing.volces.com/api/v3"
		byteplus = "https://ark.ap-southeast.bytepluses.com/api/v3"
		euWest   = "https://ark.eu-west.bytepluses.com/api/v3"
		relay    = "https://relay.example.com/v1"
	)
	tests := []struct {
		id, baseURL string
		want        []string // a piece of each warning
	}{
		{"doubao-seedream-4-5-251128", volc, nil},
		{"seedream-4-5-251128", byteplus, nil},
		{"doubao-seedream-3-0-t2i-250415", volc, []string{"Seedream 3.0 is listed as shut down"}},
		{"seededit-3-0-i2i-250628", byteplus, []string{"SeedEdit 3.0 is listed as shut down"}},
		{"doubao-seedream-3-0-t2i-250415", relay, nil},
		{"doubao-seedream-5-0", volc, []string{`"doubao-seedream-5-0" is a relay's short name`}},
		{"doubao-seedream-5-0", relay, nil},
		{"seedream-5-0-260128", euWest, nil},
		{"seedream-4-5-251128", euWest, []string{"serves Seedream 5.0 Lite only"}},
		{"doubao-seedream-3-0", "https://ARK.cn-beijing.volces.com:443/api/v3", []string{"shut down", "short name"}},
		{"ep-20250101-abc", volc, nil},
		{"seedream-4-5-251128", "https://volces.com.relay.example/v1", nil},
	}
	for _, tt := range tests {
		got := seedream.VendorWarnings(tt.id, tt.baseURL)
		if len(got) != len(tt.want) {
			t.Errorf("%s at %s: %q, want %d warnings", tt.id, tt.baseURL, got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s at %s: %q does not say %q", tt.id, tt.baseURL, got[i], w)
			}
		}
	}
}

// TestModelCheck covers the rules of the newer families and options.
func TestModelCheck(t *testing.T) {
	lite, _ := seedream.ModelFor(seedream.Seedream50)
	pro, _ := seedream.ModelFor(seedream.Seedream50Pro)
	v40, _ := seedream.ModelFor(seedream.Seedream40)
	v45, _ := seedream.ModelFor(seedream.Seedream45)
	seedit, _ := seedream.ModelFor(seedream.SeedEdit30)
	tests := []struct {
		name  string
		m     seedream.Model
		p     seedream.Params
		param string // "" when accepted
	}{
		{"fast on 4.0", v40, seedream.Params{OptimizePrompt: "fast"}, ""},
		{"fast on 5.0 Lite", lite, seedream.Params{OptimizePrompt: "fast"}, "optimize_prompt_options.mode"},
		{"fast on 5.0 Pro", pro, seedream.Params{OptimizePrompt: "fast"}, "optimize_prompt_options.mode"},
		{"web search on 5.0 Lite", lite, seedream.Params{WebSearch: true}, ""},
		{"web search on 5.0 Pro", pro, seedream.Params{WebSearch: true}, "tools"},
		{"web search on 4.5", v45, seedream.Params{WebSearch: true}, "tools"},
		{"thinking enabled", v45, seedream.Params{Thinking: "enabled"}, ""},
		{"thinking maybe", lite, seedream.Params{Thinking: "maybe"}, "optimize_prompt_options.thinking"},
		{"thinking on seededit", seedit, seedream.Params{References: 1, Thinking: "auto"}, "optimize_prompt_options.thinking"},
		{"5.0 Pro 1.5K", pro, seedream.Params{Size: "1.5K"}, ""},
		{"5.0 Pro 3K", pro, seedream.Params{Size: "3K"}, "size"},
		{"5.0 Pro smallest area", pro, seedream.Params{Size: "1280x720"}, ""},
		{"5.0 Pro largest area", pro, seedream.Params{Size: "2150x2150"}, ""},
		{"5.0 Pro over its area", pro, seedream.Params{Size: "2151x2150"}, "size"},
		{"5.0 Pro 16:1", pro, seedream.Params{Size: "8320x520"}, ""},
		{"5.0 Pro over 16:1", pro, seedream.Params{Size: "8400x520"}, "size"},
		{"5.0 Pro 10 references", pro, seedream.Params{References: 10}, ""},
		{"5.0 Pro 11 references", pro, seedream.Params{References: 11}, "image"},
		{"5.0 Pro set", pro, seedream.Params{MaxImages: 2}, "sequential_image_generation"},
		{"5.0 Pro stream", pro, seedream.Params{Stream: true}, "stream"},
		{"5.0 Pro png", pro, seedream.Params{OutputFormat: "png"}, ""},
	}
	for _, tt := range tests {
		errs := tt.m.Check(tt.p)
		got := ""
		if len(errs) > 0 {
			got = errs[0].Param
		}
		if got != tt.param || len(errs) > 1 {
			t.Errorf("%s: %v, want a refusal of %q only", tt.name, errs, tt.param)
		}
	}
}
