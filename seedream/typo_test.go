package seedream

import "testing"

func TestNearModelID(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, want string }{
		{"doubao-seedream-4-5-251129", "doubao-seedream-4-5-251128"}, // date off by a digit
		{"doubao-seedream-4-5-25112", "doubao-seedream-4-5-251128"},  // a digit dropped
		{"doubao-seedream-4-5-2511288", "doubao-seedream-4-5-251128"},
		{"doubao-seedream-4-5-251182", "doubao-seedream-4-5-251128"}, // neighbours swapped
		{"doubao-sedream-4-0-250828", "doubao-seedream-4-0-250828"},
		{"doubao-seedream-5-0-260128", ""}, // known exactly
		{"doubao-seedream-4-5", ""},        // a relay alias
		{"doubao-seedream-4-0", ""},        // an alias one character from another
		{"doubao-seedream-4-5-260101", ""}, // a newer release, not a typo
		{"ep-20250101-abcde", ""},          // an endpoint id
		{"doubao-seedream-4-5-151182", ""}, // two typos
		{"", ""},
	}
	for _, tt := range tests {
		if got := NearModelID(tt.id); got != tt.want {
			t.Errorf("NearModelID(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}
