package openai

import (
	"regexp"
	"strings"
	"testing"
)

// TestPricesAreReachable: every listed price is for a key PriceKey makes
// from a request the model takes, written as an exact decimal, once.
func TestPricesAreReachable(t *testing.T) {
	t.Parallel()
	decimal := regexp.MustCompile(`^\d+\.\d+$`)
	seen := map[string]bool{}
	for _, p := range Prices {
		if seen[p.Key] {
			t.Errorf("%s is listed twice", p.Key)
		}
		seen[p.Key] = true
		if !decimal.MatchString(p.USD) {
			t.Errorf("%s: price %q is not a decimal", p.Key, p.USD)
		}
		f := strings.Fields(p.Key)
		if len(f) != 3 {
			t.Fatalf("key %q is not model quality size", p.Key)
		}
		m, ok := LookupModel(f[0])
		if !ok {
			t.Fatalf("%s: unknown model", p.Key)
		}
		if errs := m.Check(Params{Quality: f[1], Size: f[2]}); len(errs) > 0 {
			t.Errorf("%s: the model refuses it: %v", p.Key, errs)
		}
		if got := PriceKey(f[0], f[1], f[2]); got != p.Key {
			t.Errorf("PriceKey(%s) = %q", p.Key, got)
		}
	}
}

func TestPriceKeyDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct{ model, quality, size, want string }{
		{"dall-e-3", "", "", "dall-e-3 standard 1024x1024"},
		{"dall-e-3", "hd", "1792x1024", "dall-e-3 hd 1792x1024"},
		{"gpt-image-1", "", "1024x1024", ""},
		{"gpt-image-1", "auto", "1024x1024", ""},
		{"gpt-image-1", "high", "auto", ""},
		{"gpt-image-1-2025-04-15", "high", "1024x1024", "gpt-image-1 high 1024x1024"},
		{"my-deployment", "high", "1024x1024", ""},
	}
	for _, tt := range tests {
		if got := PriceKey(tt.model, tt.quality, tt.size); got != tt.want {
			t.Errorf("PriceKey(%q, %q, %q) = %q, want %q", tt.model, tt.quality, tt.size, got, tt.want)
		}
	}
}
