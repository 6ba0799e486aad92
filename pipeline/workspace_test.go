package pipeline

import (
	"path/filepath"
	"testing"

	"github.com/seedform/seedform/lockfile"
)

// A lock read ahead of the config is used only while the file is the one
// it read: one written since (as an apply that held the process lock
// meanwhile would) is read again.
func TestLockReadAheadSeesALockWrittenSince(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, lockfile.FileName)
	write := func(outputDir string) {
		l := lockfile.NewLock()
		l.OutputDir = outputDir
		if err := lockfile.WriteFile(path, l.Marshal()); err != nil {
			t.Fatal(err)
		}
	}
	write("before")
	ahead := ReadLockAhead(dir)
	<-ahead.done
	write("after")
	if _, _, ok, _ := ahead.result(path); ok {
		t.Fatal("the read ahead was used after the lock was written again")
	}
	again := ReadLockAhead(dir)
	lock, digest, ok, err := again.result(path)
	if !ok || err != nil || lock.OutputDir != "after" || digest == "" {
		t.Fatalf("an unchanged lock read ahead: ok %v, err %v, output_dir %q, digest %q", ok, err, lock.OutputDir, digest)
	}
	if _, _, ok, _ := ReadLockAhead(t.TempDir()).result(path); ok {
		t.Error("a read ahead of another directory was used")
	}
}
