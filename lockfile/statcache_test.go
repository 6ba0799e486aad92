package lockfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeInfo is an fs.FileInfo with a chosen size and mtime.
type fakeInfo struct {
	fs.FileInfo
	size  int64
	mtime time.Time
}

func (f fakeInfo) Size() int64        { return f.size }
func (f fakeInfo) ModTime() time.Time { return f.mtime }
func (f fakeInfo) Sys() any           { return nil }

func TestStatCache(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), StateDirName)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	old := now.Add(-time.Hour)

	c := LoadStatCache(stateDir)
	c.now = func() time.Time { return now }
	c.Put("a.png", fakeInfo{size: 10, mtime: old}, sum('a'))
	c.Put("b.png", fakeInfo{size: 20, mtime: old}, sum('b'))
	// Modified a moment ago: another change within the same timestamp
	// would go unseen, so it is not cached.
	c.Put("racy.png", fakeInfo{size: 30, mtime: now.Add(-time.Second)}, sum('c'))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c = LoadStatCache(stateDir)
	tests := []struct {
		name   string
		path   string
		fi     fs.FileInfo
		want   string
		wantOK bool
	}{
		{"hit", "a.png", fakeInfo{size: 10, mtime: old}, sum('a'), true},
		{"size changed", "b.png", fakeInfo{size: 21, mtime: old}, "", false},
		{"mtime changed", "b.png", fakeInfo{size: 20, mtime: old.Add(time.Nanosecond)}, "", false},
		{"racy not cached", "racy.png", fakeInfo{size: 30, mtime: now.Add(-time.Second)}, "", false},
		{"unknown", "c.png", fakeInfo{size: 10, mtime: old}, "", false},
	}
	for _, tt := range tests {
		got, ok := c.SHA256(tt.path, tt.fi)
		if diff := cmp.Diff([]any{tt.want, tt.wantOK}, []any{got, ok}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}

	// Save without a Put does not write; a Put then Save keeps only the
	// entries used in this run (a.png was looked up, b.png was not).
	if err := os.Remove(filepath.Join(stateDir, statCacheFile)); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(stateDir, statCacheFile)); err == nil {
		t.Error("Save wrote an unchanged cache")
	}
	c.Put("d.png", fakeInfo{size: 1, mtime: old}, sum('d'))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = LoadStatCache(stateDir)
	if diff := cmp.Diff([]string{"a.png", "d.png"}, sortedKeys(c.entries)); diff != "" {
		t.Errorf("saved entries (-want +got):\n%s", diff)
	}
}

func TestStatCacheCorrupt(t *testing.T) {
	stateDir := t.TempDir()
	for _, data := range []string{"{not json", `{"version": 2, "files": {}}`, `{"version": 1, "files": {"a": {"size": 1, "sha256": "zz"}}}`,
		// The scanner reads a, then gives up on b, which encoding/json refuses.
		`{"version": 2, "files": {"a": {"size": 1, "mtime_ns": 1, "sha256": "` + sum('a') + `"}, "b": {"size": 1.5}}}`} {
		if err := os.WriteFile(filepath.Join(stateDir, statCacheFile), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if n := len(LoadStatCache(stateDir).entries); n != 0 {
			t.Errorf("cache %q loaded %d entries, want none", data, n)
		}
	}
}

func TestStatCacheHash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.bin")
	if err := os.WriteFile(path, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Backdate the file so that it is not racy.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	const helloSHA = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	c := LoadStatCache(dir)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			sha, size, err := c.Hash(path)
			if err != nil || sha != helloSHA || size != 5 {
				t.Errorf("Hash = %s, %d, %v; want %s, 5", sha, size, err, helloSHA)
			}
		})
	}
	wg.Wait()
	// Same size and mtime, different content, the mtime set back by hand:
	// the write moved the file's ctime, so the cache does not answer.
	if err := os.WriteFile(path, []byte("HELLO"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	want := helloSHA // where the platform has no ctime, the bargain a stat cache makes
	if _, ctime := FileIdentity(fi); ctime != 0 {
		want = "3733cd977ff8eb18b987357e22ced99f46097f31ecb239e878ae63760e83e4d5"
	}
	if sha, _, _ := c.Hash(path); sha != want {
		t.Errorf("Hash after a same-size rewrite = %s, want %s", sha, want)
	}
	if _, _, err := c.Hash(dir); err == nil {
		t.Error("hashing a directory succeeded")
	}

	sha, size, err := HashFile(path)
	if err != nil || sha != "3733cd977ff8eb18b987357e22ced99f46097f31ecb239e878ae63760e83e4d5" || size != 5 {
		t.Errorf("HashFile = %s, %d, %v", sha, size, err)
	}
	if _, _, err := HashFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("hashing a missing file succeeded")
	}
}

// A file seedform wrote itself is cached at once where the file system
// tells files apart (inode, ctime, sub-second mtime); without that it
// waits out the racy window, as Put does.
func TestStatCacheWritten(t *testing.T) {
	dir := t.TempDir()
	stateDir := filepath.Join(dir, StateDirName)
	name := filepath.Join(dir, "fresh.png")
	if err := os.WriteFile(name, []byte("fresh"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	c := LoadStatCache(stateDir)
	c.Written(name, fi, sum('a'))
	c.Written("bare.png", fakeInfo{size: 20, mtime: time.Now()}, sum('b'))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = LoadStatCache(stateDir)
	if ino, _ := FileIdentity(fi); ino != 0 && fi.ModTime().Nanosecond() != 0 {
		if got, ok := c.SHA256(name, fi); !ok || got != sum('a') {
			t.Errorf("fresh.png: got %q, %v; want the written hash", got, ok)
		}
	}
	if got, ok := c.SHA256("bare.png", fakeInfo{size: 20, mtime: time.Now()}); ok {
		t.Errorf("bare.png: cached %q within the racy window with no file identity", got)
	}
}

// Another file renamed onto a cached path is not taken for the cached one,
// even with the same size and mtime (two files written within one clock
// tick share their mtime; a rename keeps it).
func TestStatCacheRenamedOnto(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	old := time.Now().Add(-time.Hour).Truncate(time.Millisecond).Add(123)
	for _, f := range []struct{ name, data string }{{a, "AAAA"}, {b, "BBBB"}} {
		if err := os.WriteFile(f.name, []byte(f.data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(f.name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	c := LoadStatCache(filepath.Join(dir, StateDirName))
	if _, _, err := c.Hash(a); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(b, a); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	if ino, _ := FileIdentity(fi); ino == 0 {
		t.Skip("no inode on this platform")
	}
	if got, ok := c.SHA256(a, fi); ok {
		t.Errorf("the file renamed onto a.png was taken for the cached one (%s)", got)
	}
	got, _, err := c.Hash(a)
	if err != nil {
		t.Fatal(err)
	}
	if want, _, _ := HashFile(a); got != want {
		t.Errorf("Hash = %s, want the renamed file's %s", got, want)
	}
}

// BenchmarkLoadStatCache10k reads a cache of 10,000 files, as a plan of
// 10,000 up-to-date assets does.
func BenchmarkLoadStatCache10k(b *testing.B) {
	stateDir := filepath.Join(b.TempDir(), StateDirName)
	c := LoadStatCache(stateDir)
	old := time.Now().Add(-time.Hour)
	for i := range 10000 {
		c.Put(filepath.Join(filepath.Dir(stateDir), "tiles", fmt.Sprintf("k%06d.jpeg", i)), fakeInfo{size: 4321, mtime: old.Add(time.Duration(i))}, sum('a'))
	}
	if err := c.Save(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if c := LoadStatCache(stateDir); len(c.entries) != 10000 {
			b.Fatalf("%d entries", len(c.entries))
		}
	}
}

// TestStatCacheNullFiles: a cache whose files are null loads as an empty
// cache that takes new entries.
func TestStatCacheNullFiles(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), StateDirName)
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stateDir, statCacheFile), []byte(`{"version": 2, "files": null}`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := LoadStatCache(stateDir)
	c.Put("a.png", fakeInfo{size: 1, mtime: time.Now().Add(-time.Hour)}, sum('a'))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
}

// Save writes, entry by entry, the bytes encoding/json writes for the
// whole document.
func TestStatCacheSaveWritesWhatEncodingJSONDoes(t *testing.T) {
	t.Parallel()
	stateDir := filepath.Join(t.TempDir(), StateDirName)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	c := LoadStatCache(stateDir)
	c.now = func() time.Time { return now }
	for i, name := range []string{"b.png", "a <&>.png", "dir/c.png", "é.png"} {
		c.Put(name, fakeInfo{size: int64(i + 1), mtime: now.Add(-time.Hour)}, sum(byte('a'+i)))
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(stateDir, statCacheFile))
	if err != nil {
		t.Fatal(err)
	}
	doc := statCacheDoc{Version: statCacheVersion, Files: map[string]statEntry{}}
	for p, e := range c.entries {
		doc.Files[p] = *e.entry()
	}
	want, err := encodeJSON(&doc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("saved stat cache (-encoding/json +Save):\n%s", diff)
	}
}

// heldFiles is files as LoadStatCache holds them, back in the file's form:
// the entries it would drop left out.
func heldFiles(files map[string]statEntry) map[string]statEntry {
	held := map[string]statEntry{}
	for p, e := range files {
		if c, ok := e.compact(); ok {
			held[p] = *c.entry()
		}
	}
	return held
}

// fileForm is entries in the file's form.
func fileForm(entries map[string]cachedFile) map[string]statEntry {
	files := map[string]statEntry{}
	for p, e := range entries {
		files[p] = *e.entry()
	}
	return files
}
