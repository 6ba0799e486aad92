package review

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse: a review file from anywhere (a merge, a hand edit, an
// export) is refused or read; what is read encodes to a file that reads
// back the same.
func FuzzParse(f *testing.F) {
	f.Add([]byte(New().Encode()))
	f.Add([]byte(`{"version": 1, "approvals": {"` + strings.Repeat("a", 64) + `": {"address": "image.a", "verdict": "approved", "note": "ok \u2713"}}}`))
	f.Add([]byte(`{"version": 1, "approvals": {"` + strings.Repeat("b", 64) + `": {"address": "image.b[\"<x>\"]", "verdict": "rejected"}}}`))
	f.Add([]byte("{\n<<<<<<< HEAD\n}"))
	f.Add([]byte(`{"version": 2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Parse("fuzz.json", data)
		if err != nil {
			return
		}
		back, err := Parse("encoded", got.Encode())
		if err != nil {
			t.Fatalf("the encoding of what was read is refused: %v\n%s", err, got.Encode())
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Fatalf("round trip (-read +again):\n%s", diff)
		}
	})
}
