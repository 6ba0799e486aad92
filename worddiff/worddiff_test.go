package worddiff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		old, new string
		want     []Span
	}{
		{"a b c", "a x c", []Span{{"a", Kept}, {"b", Removed}, {"x", Added}, {"c", Kept}}},
		{"one two", "two", []Span{{"one", Removed}, {"two", Kept}}},
		{"same  words\there", "same words here", []Span{{"same words here", Kept}}},
		{"", "new words", []Span{{"new words", Added}}},
		{"at dawn", "at dawn now", []Span{{"at dawn", Kept}, {"now", Added}}},
		{"", "", nil},
	} {
		got, ok := Diff(tt.old, tt.new)
		if diff := cmp.Diff(tt.want, got); !ok || diff != "" {
			t.Errorf("Diff(%q, %q) ok %v (-want +got):\n%s", tt.old, tt.new, ok, diff)
		}
	}
	long := strings.Repeat("word ", 1100)
	if _, ok := Diff(long, long+"more"); ok {
		t.Error("texts of over a million cells were diffed")
	}
}
