package lockfile

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dirNames lists dir, to check that no temp file is left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	for _, content := range []string{"first\n", "second, longer\n", ""} {
		if err := WriteFile(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(content, string(got)); diff != "" {
			t.Errorf("content (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff([]string{"f.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o644 {
		t.Errorf("new file mode %v, want 0644", got)
	}
}

func TestWriteFileKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode %v, want the existing 0600", got)
	}
}

func TestWriteFileErrorLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	// The rename fails because the target is a non-empty directory: the
	// temp file has been written by then and must go.
	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("data")); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if diff := cmp.Diff([]string{"target"}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory after the failed write (-want +got):\n%s", diff)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "f"), []byte("data")); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

func TestRemoveTempsOnlyRemovesThatFilesTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seedform.lock.json")
	keep := []string{"seedform.lock.json", "manifest.json", ".manifest.json.tmp-1", "seedform.lock.json.tmp-2", ".seedform.lock.json.bak"}
	drop := []string{".seedform.lock.json.tmp-123", ".seedform.lock.json.tmp-9"}
	for _, n := range append(append([]string(nil), keep...), drop...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveTemps(path); err != nil {
		t.Fatal(err)
	}
	want := append([]string(nil), keep...)
	sort.Strings(want)
	if diff := cmp.Diff(want, dirNames(t, dir)); diff != "" {
		t.Errorf("files after RemoveTemps (-want +got):\n%s", diff)
	}
}
