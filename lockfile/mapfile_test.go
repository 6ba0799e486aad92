package lockfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadWithDigest: the lock reads as Read reads it, with the digest of
// the file; a missing file is an empty lock, with no digest.
func TestReadWithDigest(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	data := sampleLock().Marshal()
	if err := WriteFile(path, data); err != nil {
		t.Fatal(err)
	}
	got, digest, err := ReadWithDigest(path)
	if err != nil {
		t.Fatalf("ReadWithDigest: %v", err)
	}
	want, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lock (-Read +ReadWithDigest):\n%s", diff)
	}
	if digest != FileDigest(data) {
		t.Errorf("digest %s, want the file's", digest)
	}
	l, digest, err := ReadWithDigest(filepath.Join(t.TempDir(), FileName))
	if err != nil || digest != "" || len(l.Assets) != 0 {
		t.Errorf("missing lock: %v, digest %q, %v", l, digest, err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadWithDigest(path); err == nil {
		t.Error("an empty lock read")
	}
}

// TestWithFileTruncated: a file cut short while it is read is read again,
// as it is then, rather than crashing the process.
func TestWithFileTruncated(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the file is not mapped here")
	}
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	err := withFile(path, func(data []byte, _ bool) error {
		sizes = append(sizes, len(data))
		if len(sizes) == 1 {
			if err := os.Truncate(path, 10); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		for i := 0; i < len(data); i += 4096 {
			n += int(data[i]) // faults on the first call past 4 KiB
		}
		if n != 0 {
			return errors.New("not zeros")
		}
		return errors.New("done")
	})
	if err == nil || err.Error() != "done" {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1 << 20, 10}, sizes); diff != "" {
		t.Errorf("sizes read (-want +got):\n%s", diff)
	}
}

// TestWithFileRefuses: what ReadFile refuses, withFile refuses.
func TestWithFileRefuses(t *testing.T) {
	dir := t.TempDir()
	called := false
	use := func([]byte, bool) error { called = true; return nil }
	if err := withFile(filepath.Join(dir, "absent"), use); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := withFile(dir, use); err == nil {
		t.Error("a folder read")
	}
	if called {
		t.Error("use called")
	}
}

// TestReadMappedLarge: files of many megabytes, whose pages the readers
// give back as they go, read as their bytes parse.
func TestReadMappedLarge(t *testing.T) {
	dir := t.TempDir()
	l, m := NewLock(), NewManifest()
	for i := range 20000 {
		name := fmt.Sprintf("k%06d", i)
		l.Assets["image."+name], m.Assets["image."+name] = imageEntry(name)
		m.Assets["image."+name].Meta = []byte(`{"key":"` + name + `"}`)
	}
	lockData, manData := l.Marshal(), m.Marshal()
	if len(lockData) < 3*releaseStep {
		t.Fatalf("the lock is %d bytes: too small to be released in steps", len(lockData))
	}
	lockPath, manPath := filepath.Join(dir, FileName), filepath.Join(dir, "manifest.json")
	if err := WriteFile(lockPath, lockData); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(manPath, manData); err != nil {
		t.Fatal(err)
	}
	wantLock, err := ParseLock(lockPath, lockData)
	if err != nil {
		t.Fatal(err)
	}
	gotLock, digest, err := ReadWithDigest(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantLock, gotLock); diff != "" {
		t.Errorf("lock (-ParseLock +ReadWithDigest):\n%s", diff)
	}
	if digest != FileDigest(lockData) {
		t.Errorf("digest %s, want the file's", digest)
	}
	wantMan, err := ParseManifest(manPath, manData)
	if err != nil {
		t.Fatal(err)
	}
	gotMan, err := ReadManifestOf(manPath, gotLock)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantMan, gotMan); diff != "" {
		t.Errorf("manifest (-ParseManifest +ReadManifestOf):\n%s", diff)
	}
}
