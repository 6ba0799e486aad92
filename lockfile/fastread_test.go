package lockfile

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// generalLock is what encoding/json makes of data: the reader the scanner
// stands in for.
func generalLock(data []byte) (Lock, error) {
	doc, err := decode[*Entry]("L.json", data)
	if err != nil {
		return Lock{}, err
	}
	l := Lock{Version: doc.Version, OutputDir: doc.OutputDir, Assets: doc.Assets}
	if len(doc.Spend) > 0 {
		err = json.Unmarshal(doc.Spend, &l.Spend)
	}
	return l, err
}

func generalManifest(data []byte) (Manifest, error) {
	doc, err := decode[*ManifestEntry]("M.json", data)
	if err != nil {
		return Manifest{}, err
	}
	for _, e := range doc.Assets {
		if e == nil {
			continue
		}
		if e.Meta, err = canonicalMeta(e.Meta); err != nil {
			return Manifest{}, err
		}
	}
	return Manifest{Version: doc.Version, Assets: doc.Assets}, nil
}

// fastSeeds are locks the scanner must read itself, and that exercise
// what it reads: escapes, floats, nested values, unset values, upstream.
func fastSeeds(t testing.TB) [][]byte {
	s := string(sampleLock().Marshal())
	return [][]byte{
		sampleLock().Marshal(),
		spendLock().Marshal(),
		NewLock().Marshal(),
		lock10kSmall().Marshal(),
		[]byte(strings.Replace(s, `"prompt": "A lighthouse"`, `"prompt": "A \"lighthouse\"\n\u00e9\u2028 é", "cfg": 2.5, "tiny": 1e-7, "n": -0, "big": 12345678901234567890, "x": null, "y": "", "z": [ ], "o": {"b": [1, {"c": "d"}]}`, 1)),
		[]byte(strings.Replace(s, `"image.hero": {`, `"image.h\u0065ro": {`, 1)),
		// Canonical nested values, read by the scanner itself (one
		// value that is not canonical hands a whole spec to UnmarshalJSON).
		[]byte(strings.Replace(s, `"output_format": "png"`, `"output_format": "png",
        "mask": {
          "file": "mask.png",
          "sha256": "`+sum('a')+`"
        },
        "empty": { },
        "list": [ ],
        "nested": [{"a": [1, -2, {"b": true}]}, "x", null]`, 1)),
		[]byte(strings.Replace(s, `"seed": 42`, `"seed": 42, "cfg": 2.5, "tiny": 1e-7, "huge": 1e+21, "neg": -0.125`, 1)),
		[]byte(strings.Replace(s, `"provider": "placeholder"`, `"provider": "pl\"a\\c\/e\b\f\n\r\tholder"`, 1)),
	}
}

// lock10kSmall is lock10k's shape at a size a test reads quickly.
func lock10kSmall() *Lock {
	l := NewLock()
	for _, name := range []string{"a", "b", "c"} {
		l.Assets["image."+name], _ = imageEntry(name)
	}
	return l
}

// TestFastReadTakesWhatSeedformWrites: the locks and manifests seedform
// writes are read by the scanner, not handed to encoding/json, and read
// the same as encoding/json reads them.
func TestFastReadTakesWhatSeedformWrites(t *testing.T) {
	for i, data := range fastSeeds(t) {
		got, ok := fastDecodeLock(data, false)
		if !ok {
			t.Errorf("seed %d: the scanner gave the lock up:\n%s", i, data)
			continue
		}
		want, err := generalLock(data)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d: lock (-encoding/json +scanner):\n%s", i, diff)
		}
	}
	for _, m := range []*Manifest{sampleManifest(), NewManifest()} {
		data := m.Marshal()
		got, ok := fastDecodeManifest(data, nil, false)
		if !ok {
			t.Errorf("the scanner gave the manifest up:\n%s", data)
			continue
		}
		want, err := generalManifest(data)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("manifest (-encoding/json +scanner):\n%s", diff)
		}
	}
}

// TestFastReadGivesUp: what the scanner does not read as encoding/json
// would, it leaves to encoding/json.
func TestFastReadGivesUp(t *testing.T) {
	s := string(sampleLock().Marshal())
	for name, data := range map[string]string{
		"unknown field":     strings.Replace(s, `"kind": "image",`, `"kind": "image", "extra": 1,`, 1),
		"field in capitals": strings.Replace(s, `"kind": "image",`, `"Kind": "image",`, 1),
		"repeated field":    strings.Replace(s, `"kind": "image",`, `"kind": "image", "kind": "image",`, 1),
		"repeated asset":    strings.Replace(s, `"assets": {`, `"assets": {"image.hero": null,`, 1),
		"null field":        strings.Replace(s, `"path": "hero.png",`, `"path": null,`, 1),
		"float field":       strings.Replace(s, `"bytes": 99`, `"bytes": 99.0`, 1),
		"newer version":     strings.Replace(s, `"version": 1`, `"version": 2`, 1),
		"trailing data":     s + "{}",
		"invalid UTF-8":     strings.Replace(s, `A lighthouse`, "A \xff lighthouse", 1),
		"empty":             "",
	} {
		if _, ok := fastDecodeLock([]byte(data), false); ok {
			t.Errorf("%s: the scanner read it", name)
		}
	}
}

// FuzzFastReadMatches checks that whatever the scanner reads, it reads as
// encoding/json does.
func FuzzFastReadMatches(f *testing.F) {
	for _, seed := range fastSeeds(f) {
		f.Add(seed)
	}
	f.Add(sampleManifest().Marshal())
	f.Add([]byte(`{"version": 1, "assets": {"image.a": {"files": [], "meta": {"a": "<&>", "b": [1, 2.5]}}}}`))
	f.Add([]byte(`{"version": 2, "files": {"a.png": {"size": 1, "mtime_ns": 1764460000123456789, "ino": 3, "ctime_ns": 4, "sha256": "x"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lock := func(data []byte) (Lock, bool) { return fastDecodeLock(data, false) }
		statCache := func(data []byte) (map[string]cachedFile, bool) { return fastDecodeStatCache(data, false) }
		manifest := func(data []byte) (Manifest, bool) { return fastDecodeManifest(data, nil, false) }
		if got, ok := decodeOwn(data, lock); ok {
			want, err := generalLock(data)
			if err != nil {
				t.Fatalf("the scanner read a lock encoding/json refuses (%v):\n%s", err, data)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("lock (-encoding/json +scanner):\n%s", diff)
			}
		}
		if got, ok := decodeOwn(data, statCache); ok {
			var want statCacheDoc
			if err := json.Unmarshal(data, &want); err != nil || want.Version != statCacheVersion {
				t.Fatalf("the scanner read a stat cache encoding/json refuses (%v, version %d):\n%s", err, want.Version, data)
			}
			if diff := cmp.Diff(heldFiles(want.Files), fileForm(got)); diff != "" {
				t.Fatalf("stat cache (-encoding/json +scanner):\n%s", diff)
			}
		}
		if got, ok := decodeOwn(data, manifest); ok {
			want, err := generalManifest(data)
			if err != nil {
				t.Fatalf("the scanner read a manifest encoding/json refuses (%v):\n%s", err, data)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("manifest (-encoding/json +scanner):\n%s", diff)
			}
		}
	})
}

// decodeOwn decodes a copy of data, then spoils the copy: what the result
// still points into (the file's bytes, which may be a mapping unmapped
// once read, see withFile) shows as changed.
func decodeOwn[T any](data []byte, decode func([]byte) (T, bool)) (T, bool) {
	own := bytes.Clone(data)
	v, ok := decode(own)
	for i := range own {
		own[i] = '#'
	}
	return v, ok
}

// TestFastReadStatCache: a cache as Save writes it is read by the scanner,
// the same as encoding/json reads it.
func TestFastReadStatCache(t *testing.T) {
	data := []byte(`{
  "version": 2,
  "files": {
    "out/a.png": {"size": 10, "mtime_ns": 1764460000123456789, "ino": 42, "ctime_ns": -5, "sha256": "` + sum('a') + `"},
    "out/\u00e9.png": {"size": 0, "mtime_ns": 9223372036854775807, "sha256": "` + sum('b') + `"}
  }
}`)
	got, ok := fastDecodeStatCache(data, false)
	if !ok {
		t.Fatal("the scanner gave the stat cache up")
	}
	var want statCacheDoc
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(heldFiles(want.Files), fileForm(got)); diff != "" {
		t.Errorf("stat cache (-encoding/json +scanner):\n%s", diff)
	}
	for name, bad := range map[string]string{
		"old version": `{"version": 1, "files": {}}`,
		"overflow":    `{"version": 2, "files": {"a": {"size": 9223372036854775808, "mtime_ns": 1, "sha256": ""}}}`,
		"float":       `{"version": 2, "files": {"a": {"size": 1.5, "mtime_ns": 1, "sha256": ""}}}`,
		"unknown":     `{"version": 2, "files": {"a": {"size": 1, "mode": 1, "sha256": ""}}}`,
		"no files":    `{"version": 2}`,
	} {
		if _, ok := fastDecodeStatCache([]byte(bad), false); ok {
			t.Errorf("%s: the scanner read it", name)
		}
	}
}

// TestReadManifestOfSharesOutputs: a manifest read for its lock shares the
// lock's outputs where they are the same, and reads as ReadManifest does.
func TestReadManifestOfSharesOutputs(t *testing.T) {
	l, err := ParseLock("L.json", sampleLock().Marshal())
	if err != nil {
		t.Fatal(err)
	}
	m := sampleManifest()
	// One entry differs from the lock: it keeps its own files.
	m.Assets["image.hero"].Files = []Output{{Path: "other.png", SHA256: sum('9'), Bytes: 1, Width: 1, Height: 1, Format: "png"}}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := WriteFile(path, m.Marshal()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifestOf(path, l)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("manifest (-ReadManifest +ReadManifestOf):\n%s", diff)
	}
	for addr, e := range got.Assets {
		shared := &e.Files[0] == &l.Assets[addr].Outputs[0]
		if shared != (addr != "image.hero") {
			t.Errorf("%s: files shared with the lock: %v", addr, shared)
		}
	}
}
