package lockfile

import (
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
	for _, data := range []string{"{not json", `{"version": 2, "files": {}}`, `{"version": 1, "files": {"a": {"size": 1, "sha256": "zz"}}}`} {
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
	// Same size and mtime, different content: the cache answers, which is
	// the bargain a stat cache makes.
	if err := os.WriteFile(path, []byte("HELLO"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if sha, _, _ := c.Hash(path); sha != helloSHA {
		t.Errorf("Hash did not use the cache: got %s", sha)
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

// A file seedform wrote itself is cached at once on a file system with
// sub-second timestamps, and waits out the racy window on one without.
func TestStatCacheWritten(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), StateDirName)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	fine := now.Add(-time.Millisecond + 17) // sub-second part: fine-grained
	coarse := now.Add(-time.Second)         // whole second: maybe a coarse file system

	c := LoadStatCache(stateDir)
	c.now = func() time.Time { return now }
	c.Written("fine.png", fakeInfo{size: 10, mtime: fine}, sum('a'))
	c.Written("coarse.png", fakeInfo{size: 20, mtime: coarse}, sum('b'))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = LoadStatCache(stateDir)
	if got, ok := c.SHA256("fine.png", fakeInfo{size: 10, mtime: fine}); !ok || got != sum('a') {
		t.Errorf("fine.png: got %q, %v; want the written hash", got, ok)
	}
	if got, ok := c.SHA256("coarse.png", fakeInfo{size: 20, mtime: coarse}); ok {
		t.Errorf("coarse.png: cached %q within the racy window on a whole-second mtime", got)
	}
}
