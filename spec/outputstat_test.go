package spec

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/seedform/seedform/lockfile"
)

// TestOutputLstat checks that the compact Lstat kept for the plan answers
// as os.Lstat does, in everything the planner and the stat cache read.
func TestOutputLstat(t *testing.T) {
	dir := writeConfig(t, map[string]string{
		"main.sf.hcl":  "provider \"placeholder\" {}\nimage \"hero\" {\n  prompt = \"A hero\"\n  path = \"out/hero.png\"\n}\n",
		"out/hero.png": "not really a png",
	})
	cfg := mustLoad(t, dir, Options{})
	got, ok := cfg.OutputLstat("out/hero.png")
	if !ok {
		t.Fatal("no Lstat kept of out/hero.png")
	}
	want, err := os.Lstat(filepath.Join(dir, "out", "hero.png"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name() != want.Name() || got.Size() != want.Size() || got.Mode() != want.Mode() ||
		!got.ModTime().Equal(want.ModTime()) || got.IsDir() != want.IsDir() {
		t.Errorf("OutputLstat = %s %d %s %s, os.Lstat = %s %d %s %s", got.Name(), got.Size(), got.Mode(), got.ModTime(),
			want.Name(), want.Size(), want.Mode(), want.ModTime())
	}
	gotIno, gotCtime := lockfile.FileIdentity(got)
	wantIno, wantCtime := lockfile.FileIdentity(want)
	if gotIno != wantIno || gotCtime != wantCtime || runtime.GOOS == "linux" && gotIno == 0 {
		t.Errorf("identity = %d %d, want %d %d", gotIno, gotCtime, wantIno, wantCtime)
	}
	if _, ok := cfg.OutputLstat("out/other.png"); ok {
		t.Error("OutputLstat answers for a path that is no output")
	}
}
