package lockfile

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzRead checks that no input panics Read, and that whatever it accepts
// is stable: marshalling it and reading that back gives the same lock and
// the same bytes.
func FuzzRead(f *testing.F) {
	f.Add(sampleLock().Marshal())
	f.Add(spendLock().Marshal())
	f.Add(NewLock().Marshal())
	f.Add([]byte(`{"version": 2}`))
	f.Add([]byte(`{"version": 1, "assets": {"image.a": null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseOwn(t, data, ParseLock)
		if err != nil {
			return
		}
		out := l.Marshal()
		l2, err := ParseLock("L.json", out)
		if err != nil {
			t.Fatalf("re-reading the marshalled lock: %v\n%s", err, out)
		}
		if diff := cmp.Diff(l, l2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("lock changed in a round trip (-first +second):\n%s", diff)
		}
		if out2 := l2.Marshal(); !bytes.Equal(out, out2) {
			t.Fatalf("marshalling is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}

// FuzzReadManifest is FuzzRead for the manifest.
func FuzzReadManifest(f *testing.F) {
	f.Add(sampleManifest().Marshal())
	f.Add(NewManifest().Marshal())
	f.Add([]byte(`{"version": 1, "assets": {"image.a": {"files": [], "meta": {"a": "<&>"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseOwn(t, data, ParseManifest)
		if err != nil {
			return
		}
		out := m.Marshal()
		m2, err := ParseManifest("M.json", out)
		if err != nil {
			t.Fatalf("re-reading the marshalled manifest: %v\n%s", err, out)
		}
		if diff := cmp.Diff(m, m2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("manifest changed in a round trip (-first +second):\n%s", diff)
		}
		if out2 := m2.Marshal(); !bytes.Equal(out, out2) {
			t.Fatalf("marshalling is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}

// parseOwn parses a copy of data, then spoils the copy and checks that
// the result marshals as it did: what still points into the file's bytes
// (which may be a mapping, unmapped once read: see withFile) changes.
func parseOwn[T interface{ Marshal() []byte }](t *testing.T, data []byte, parse func(path string, data []byte) (T, error)) (T, error) {
	own := bytes.Clone(data)
	v, err := parse("F.json", own)
	if err != nil {
		return v, err
	}
	before := v.Marshal()
	for i := range own {
		own[i] = '#'
	}
	if after := v.Marshal(); !bytes.Equal(before, after) {
		t.Fatalf("what was read shares the file's bytes:\n%s\n---\n%s", before, after)
	}
	return v, nil
}
