package lockfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceLock is what encoding/json makes of the whole lock at once,
// which the entry-by-entry encoding must match byte for byte.
func referenceLock(t *testing.T, l *Lock) string {
	t.Helper()
	out := Lock{Version: l.Version, OutputDir: l.OutputDir, Assets: map[string]*Entry{}}
	for k, e := range l.Assets {
		if e != nil && e.Outputs == nil {
			c := *e
			c.Outputs = []Output{}
			e = &c
		}
		out.Assets[k] = e
	}
	b, err := encodeJSON(&out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func referenceManifest(t *testing.T, m *Manifest) string {
	t.Helper()
	out := Manifest{Version: m.Version, Assets: map[string]*ManifestEntry{}}
	for k, e := range m.Assets {
		if e != nil && (e.Files == nil || string(e.Meta) == "null") {
			c := *e
			if c.Files == nil {
				c.Files = []Output{}
			}
			if string(c.Meta) == "null" {
				c.Meta = nil
			}
			e = &c
		}
		out.Assets[k] = e
	}
	b, err := encodeJSON(&out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	odd, oddMan := imageEntry(`quote " <b> & é ✓`)
	odd.Upstream = map[string]string{`image["a&b"]`: "sha256:" + sum('c')}
	oddMan.Meta = json.RawMessage(`{"alt":"<tag> & \u00e9","n":[1, 2,{}],"e":[]}`)
	noOutputs, nullMeta := imageEntry("none")
	noOutputs.Outputs, nullMeta.Files, nullMeta.Meta = nil, nil, json.RawMessage("null")
	plain, plainMan := imageEntry("plain")
	tests := []struct {
		name string
		lock *Lock
		man  *Manifest
	}{
		{"empty", NewLock(), NewManifest()},
		{"output_dir", &Lock{Version: 1, OutputDir: "out/<dir>", Assets: map[string]*Entry{}}, NewManifest()},
		{"entries", &Lock{Version: 1, Assets: map[string]*Entry{
			`image["k&<1>"]`: odd, "image.none": noOutputs, "image.plain": plain,
		}}, &Manifest{Version: 1, Assets: map[string]*ManifestEntry{
			`image["k&<1>"]`: oddMan, "image.none": nullMeta, "image.plain": plainMan,
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(referenceLock(t, tt.lock), string(tt.lock.Marshal())); diff != "" {
				t.Errorf("lock (-encoding/json +Marshal):\n%s", diff)
			}
			if diff := cmp.Diff(referenceManifest(t, tt.man), string(tt.man.Marshal())); diff != "" {
				t.Errorf("manifest (-encoding/json +Marshal):\n%s", diff)
			}
		})
	}
}

// TestRecorderReusesEncodings: what the Recorder writes after entries are
// added, replaced and removed is the encoding of the lock as it now is;
// an entry's cached encoding never outlives its replacement.
func TestRecorderReusesEncodings(t *testing.T) {
	dir := t.TempDir()
	lockPath, manPath := filepath.Join(dir, FileName), filepath.Join(dir, "manifest.json")
	r := NewRecorder(lockPath, manPath, nil, nil)
	want, wantMan := NewLock(), NewManifest()
	check := func(step string) {
		t.Helper()
		for _, f := range []struct {
			path, want string
		}{{lockPath, referenceLock(t, want)}, {manPath, referenceManifest(t, wantMan)}} {
			got, err := os.ReadFile(f.path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.want, string(got)); diff != "" {
				t.Errorf("%s: %s (-want +got):\n%s", step, filepath.Base(f.path), diff)
			}
		}
	}
	record := func(addr, prompt string) {
		t.Helper()
		e, m := imageEntry(prompt)
		want.Assets[addr], wantMan.Assets[addr] = e, m
		// The Recorder keeps what it is given: hand it copies.
		ec, mc := *e, *m
		if err := r.Record(addr, &ec, &mc); err != nil {
			t.Fatal(err)
		}
	}
	record("image.a", "a")
	record("image.b", "b")
	check("two added")
	record("image.a", "a, changed")
	check("one replaced")
	if err := r.Remove("image.b"); err != nil {
		t.Fatal(err)
	}
	delete(want.Assets, "image.b")
	delete(wantMan.Assets, "image.b")
	check("one removed")
	record("image.b", "b again")
	check("added back")
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}
