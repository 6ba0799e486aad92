package lockfile

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/seedform/seedform/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sum(c byte) string { return strings.Repeat(string(c), 64) }

// specOf reads a request attribute map written as JSON.
func specOf(text string) schema.Values {
	var v schema.Values
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		panic(err)
	}
	return v
}

// sampleLock has one of each kind of entry, with the optional fields set.
func sampleLock() *Lock {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &Lock{Version: SchemaVersion, OutputDir: "assets", Assets: map[string]*Entry{
		`image.season["spring"]`: {
			Kind: "image", SpecHash: "sha256:" + sum('b'),
			Spec: specOf(`{"provider_type": "seedream", "model": "doubao-seedream-4-0-250828",
				"prompt": "Courtyard in spring, salt & pepper <soft>", "size": "2K", "watermark": false, "output_format": "jpeg",
				"references": [{"asset": "image.hero"}, {"sha256": "` + sum('c') + `"}]}`),
			Upstream: map[string]string{"image.hero": sum('a')},
			Path:     "seasons/spring.jpeg", Provider: "seedream.relay", Model: "doubao-seedream-4-0-250828",
			Outputs:   []Output{{Path: "seasons/spring.jpeg", SHA256: sum('d'), Bytes: 1234, Width: 2048, Height: 2048, Format: "jpeg"}},
			CreatedAt: created,
			Usage:     &Usage{GeneratedImages: 1, OutputTokens: 16384, TotalTokens: 16384},
		},
		"image.hero": {
			Kind: "image", SpecHash: "sha256:" + sum('1'),
			Spec:     specOf(`{"provider_type": "placeholder", "prompt": "A lighthouse", "size": "64x64", "seed": 42, "watermark": false, "output_format": "png"}`),
			Path:     "hero.png",
			Provider: "placeholder",
			Outputs:  []Output{{Path: "hero.png", SHA256: sum('a'), Bytes: 99, Width: 64, Height: 64, Format: "png"}},
			// A non-UTC time keeps its offset.
			CreatedAt:      time.Date(2026, 1, 2, 4, 4, 5, 0, time.FixedZone("", 3600)),
			PreventDestroy: true,
		},
		"image_set.board": {
			Kind: "image_set", SpecHash: "sha256:" + sum('2'),
			Spec:     specOf(`{"provider_type": "seedream", "model": "doubao-seedream-4-5-251128", "prompt": "Four panels", "watermark": false, "output_format": "jpeg", "max_images": 4}`),
			Dir:      "board",
			Provider: "seedream",
			Outputs: []Output{
				{Path: "board/1.jpeg", SHA256: sum('e'), Bytes: 10, Width: 2048, Height: 2048, Format: "jpeg"},
				{Path: "board/2.jpeg", SHA256: sum('f'), Bytes: 11, Width: 2048, Height: 2048, Format: "jpeg"},
			},
			Failed:    []FailedSlot{{Index: 2, Code: "OutputImageSensitiveContentDetected", Message: "filtered"}},
			CreatedAt: created,
			Usage: &Usage{GeneratedImages: 2, OutputTokens: 32768, TotalTokens: 32768, InputImages: 2,
				ToolUsage: map[string]int{"web_search": 1, "a_tool": 3}, RequestID: "0217574690542070fa"},
		},
	}}
}

func sampleManifest() *Manifest {
	l := sampleLock()
	m := NewManifest()
	for addr, e := range l.Assets {
		m.Assets[addr] = &ManifestEntry{Files: e.Outputs}
	}
	m.Assets["image.hero"].Meta = json.RawMessage(`{"alt":"Lighthouse & sea","tags":["a","b"]}`)
	return m
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got), rerun with -update if intended:\n%s", name, diff)
	}
}

func TestMarshalGolden(t *testing.T) {
	golden(t, "lock.golden.json", sampleLock().Marshal())
	golden(t, "manifest.golden.json", sampleManifest().Marshal())
}

func TestMarshalEmpty(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"new lock", NewLock().Marshal(), "{\n  \"version\": 1,\n  \"assets\": {}\n}\n"},
		{"nil assets", (&Lock{Version: 1}).Marshal(), "{\n  \"version\": 1,\n  \"assets\": {}\n}\n"},
		{"nil manifest assets", (&Manifest{Version: 1}).Marshal(), "{\n  \"version\": 1,\n  \"assets\": {}\n}\n"},
		{
			"nil files and null meta",
			(&Manifest{Version: 1, Assets: map[string]*ManifestEntry{"image.a": {Meta: json.RawMessage("null")}}}).Marshal(),
			"{\n  \"version\": 1,\n  \"assets\": {\n    \"image.a\": {\n      \"files\": []\n    }\n  }\n}\n",
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, string(tt.got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestDigest(t *testing.T) {
	a, b := sampleLock(), sampleLock()
	if a.Digest() != b.Digest() || !strings.HasPrefix(a.Digest(), "sha256:") {
		t.Errorf("equal locks digest as %s and %s", a.Digest(), b.Digest())
	}
	if err := b.Assets["image.hero"].Spec.Set("prompt", "A lighthouse!"); err != nil {
		t.Fatal(err)
	}
	if a.Digest() == b.Digest() {
		t.Error("a changed prompt left the digest unchanged")
	}
}

func TestReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	lockPath := filepath.Join(dir, FileName)
	if err := WriteFile(lockPath, sampleLock().Marshal()); err != nil {
		t.Fatal(err)
	}
	got, err := Read(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleLock(), got); diff != "" {
		t.Errorf("lock round trip (-want +got):\n%s", diff)
	}

	manPath := filepath.Join(dir, "manifest.json")
	if err := WriteFile(manPath, sampleManifest().Marshal()); err != nil {
		t.Fatal(err)
	}
	gotMan, err := ReadManifest(manPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleManifest(), gotMan); diff != "" {
		t.Errorf("manifest round trip (-want +got):\n%s", diff)
	}
}

func TestReadMissing(t *testing.T) {
	dir := t.TempDir()
	l, err := Read(filepath.Join(dir, "nope", FileName))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(NewLock(), l); diff != "" {
		t.Errorf("missing lock (-want +got):\n%s", diff)
	}
	m, err := ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(NewManifest(), m); diff != "" {
		t.Errorf("missing manifest (-want +got):\n%s", diff)
	}
}

func TestReadNewerVersion(t *testing.T) {
	// A newer schema is reported as such even when the rest no longer
	// fits this build's types.
	data := []byte(`{"version": 2, "assets": [], "something": "new"}`)
	for _, parse := range []func(string, []byte) error{
		func(p string, d []byte) error { _, err := ParseLock(p, d); return err },
		func(p string, d []byte) error { _, err := ParseManifest(p, d); return err },
	} {
		err := parse("seedform.lock.json", data)
		var verr *VersionError
		if !errors.As(err, &verr) {
			t.Fatalf("got %v, want a *VersionError", err)
		}
		want := "seedform.lock.json: written by a newer seedform (schema 2; this build reads up to 1): upgrade seedform"
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("message (-want +got):\n%s", diff)
		}
	}
}

// edit returns the golden lock with old replaced by new, once.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	s := string(sampleLock().Marshal())
	if strings.Count(s, old) < 1 {
		t.Fatalf("%q is not in the sample lock", old)
	}
	return strings.Replace(s, old, new, 1)
}

func TestReadInvalid(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "L.json:1:1: file is truncated or empty: unexpected end of JSON input"},
		{"truncated", string(sampleLock().Marshal())[:700], "L.json:26:1: file is truncated or empty: unexpected end of JSON input"},
		{"syntax", "{\n  \"version\": 1,\n  \"assets\": {,}\n}\n", "L.json:3:14: invalid JSON: invalid character ',' looking for beginning of object key string"},
		{"trailing data", "{\"version\": 1, \"assets\": {}} {}", "L.json:1:30: invalid JSON: invalid character '{' after top-level value"},
		{"not an object", "[]", "L.json:1:2: the top level must be an object, not array"},
		{"no version", `{"assets": {}}`, `L.json: not a seedform file: "version" is missing`},
		{"string version", `{"version": "1", "assets": {}}`, "L.json:1:16: version must be a number, not string"},
		{"version zero", `{"version": 0, "assets": {}}`, "L.json: unknown schema version 0"},
		{"no assets", `{"version": 1}`, `L.json: "assets" is missing`},
		{"null assets", `{"version": 1, "assets": null}`, `L.json: "assets" is missing`},
		{"wrong type", edit(t, `"bytes": 99`, `"bytes": "99"`), "L.json:22:24: assets.outputs.bytes must be a number, not string"},
		{"null entry", `{"version": 1, "assets": {"image.a": null}}`, "L.json: image.a: entry is null"},
		{"bad address", edit(t, `"image.hero": {`, `"hero": {`), `L.json: "hero" is not an asset address (image.NAME or image_set.NAME)`},
		{"address with spaces", edit(t, `"image.hero": {`, `"image.he ro": {`), `L.json: "image.he ro" is not an asset address`},
		{"kind mismatch", edit(t, `"kind": "image_set"`, `"kind": "image"`), `L.json: image_set.board: kind is "image" but the address is an image_set`},
		{"bad spec hash", edit(t, `"sha256:1111`, `"sha256:X111`), `L.json: image.hero: spec_hash must be "sha256:" and 64 lowercase hex digits`},
		{"upper-case sha", edit(t, `"sha256": "aaaa`, `"sha256": "AAAA`), `L.json: image.hero: outputs[0].sha256 must be 64 lowercase hex digits`},
		{"short sha", edit(t, `"sha256": "aaaa`, `"sha256": "aaa`), `L.json: image.hero: outputs[0].sha256 must be 64 lowercase hex digits`},
		{"escaping output", edit(t, `"path": "board/1.jpeg"`, `"path": "../1.jpeg"`), `L.json: image_set.board: outputs[0].path "../1.jpeg" must be a clean relative slash path inside the output directory`},
		{"absolute path", edit(t, `"path": "hero.png",`, `"path": "/etc/hero.png",`), `L.json: image.hero: path "/etc/hero.png" must be a clean relative slash path`},
		{"unclean path", edit(t, `"path": "seasons/spring.jpeg",`, `"path": "seasons//spring.jpeg",`), `path "seasons//spring.jpeg" must be a clean relative slash path`},
		{"backslash", edit(t, `"dir": "board"`, `"dir": "a\\board"`), `dir "a\\board" must be a clean relative slash path`},
		{"output outside dir", edit(t, `"path": "board/2.jpeg"`, `"path": "other/2.jpeg"`), `image_set.board: outputs[1].path "other/2.jpeg" is not inside dir "board"`},
		{"duplicate output", edit(t, `"path": "board/2.jpeg"`, `"path": "board/1.jpeg"`), `image_set.board: outputs[1].path "board/1.jpeg" appears twice`},
		{"image output elsewhere", edit(t, `"path": "hero.png",`, `"path": "hero2.png",`), `image.hero: an image has exactly one output, at its path "hero2.png"`},
		{"no size", edit(t, `"width": 64`, `"width": 0`), `image.hero: outputs[0] has no size (width 0, height 64)`},
		{"bad format", edit(t, `"format": "png"`, `"format": "gif"`), `image.hero: outputs[0].format must be "png", "jpeg" or "webp", got "gif"`},
		{"negative bytes", edit(t, `"bytes": 99`, `"bytes": -1`), `image.hero: outputs[0].bytes is negative`},
		{"no provider", edit(t, `"provider": "placeholder",`, `"provider": "",`), `image.hero: provider is missing`},
		{"no created_at", edit(t, `,
      "created_at": "2026-01-02T04:04:05+01:00"`, ``), `image.hero: created_at is missing`},
		{"bad created_at", edit(t, `"2026-01-02T04:04:05+01:00"`, `"yesterday"`), `L.json: parsing time "yesterday"`},
		{"bad reference", edit(t, `"asset": "image.hero"`, `"asset": "image.hero", "url": "https://x"`), `image.season["spring"]: spec.references[0] must have exactly one of sha256, url or asset`},
		{"bad upstream", edit(t, `"upstream": {
        "image.hero"`, `"upstream": {
        "hero"`), `image.season["spring"]: upstream: "hero" is not an asset address`},
		{"escaping output_dir", edit(t, `"output_dir": "assets"`, `"output_dir": "../outside"`), `output_dir "../outside" must be a clean relative slash path`},
		{"absolute output_dir", edit(t, `"output_dir": "assets"`, `"output_dir": "/etc"`), `output_dir "/etc" must be a clean relative slash path`},
		{"failed slot without code", edit(t, `"code": "OutputImageSensitiveContentDetected",`, ``), `image_set.board: failed[0].code is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLock("L.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("got a lock with %d assets, want error %q", len(l.Assets), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
		})
	}
}

func TestReadManifestInvalid(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", "{\"version\": 1,\n \"assets\": {\"image.a\": {\"files\": [}}}", "M.json:2:35: invalid JSON"},
		{"newer", `{"version": 3, "assets": {}}`, "written by a newer seedform (schema 3"},
		{"bad path", `{"version": 1, "assets": {"image.a": {"files": [{"path": "../a.png", "sha256": "` + sum('a') + `", "bytes": 1, "width": 1, "height": 1, "format": "png"}]}}}`, `M.json: image.a: files[0].path "../a.png" must be a clean relative slash path`},
		{"bad address", `{"version": 1, "assets": {"pic.a": {"files": []}}}`, `M.json: "pic.a" is not an asset address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseManifest("M.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadNormalizes(t *testing.T) {
	// Empty optional lists, null meta and meta whitespace read the same as
	// their canonical forms, so that a re-read compares equal.
	lockData := edit(t, `"failed": [`, `"upstream": {}, "failed": [`)
	lockData = strings.Replace(lockData, `"max_images": 4`, `"max_images": 4, "references": [], "seed": null, "size": ""`, 1)
	l, err := ParseLock("L.json", []byte(lockData))
	if err != nil {
		t.Fatal(err)
	}
	want := sampleLock()
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("lock (-want +got):\n%s", diff)
	}

	m, err := ParseManifest("M.json", []byte(`{"version": 1, "assets": {"image.a": {"files": [], "meta": null}, "image.b": {"files": [], "meta": { "k" : [1, 2] }}}}`))
	if err != nil {
		t.Fatal(err)
	}
	wantMan := &Manifest{Version: 1, Assets: map[string]*ManifestEntry{
		"image.a": {Files: []Output{}},
		"image.b": {Files: []Output{}, Meta: json.RawMessage(`{"k":[1,2]}`)},
	}}
	if diff := cmp.Diff(wantMan, m, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
}
