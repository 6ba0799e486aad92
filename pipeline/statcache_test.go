package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestApplyLeavesWarmStatCache: the first plan after an apply reads no
// image that apply wrote. Each output is overwritten with other bytes of
// the same size and given back its mtime: a plan that read the files would
// see drift, one that trusts the stat cache apply left sees none. Without
// the cache (deleted), the same plan must see the drift, which shows the
// check can fail.
func TestApplyLeavesWarmStatCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := config(dir, image("a", "A"), image("b", "B"), image("c", "C", "image.a"))
	run(t, cfg, &fakeProvider{}, Options{})

	for _, name := range []string{"a.png", "b.png", "c.png"} {
		p := filepath.Join(dir, "out", name)
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte{'x'}, int(fi.Size())), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range mustPlan(t, cfg, Options{}).Changes {
		if c.Action != NoOp || len(c.Drift) != 0 {
			t.Errorf("%s: %s, drift %v: the plan read a file apply had cached", c.Addr, c.Action, c.Drift)
		}
	}

	if err := os.Remove(filepath.Join(dir, StateDirName, "statcache.json")); err != nil {
		t.Fatal(err)
	}
	drifted := 0
	for _, c := range mustPlan(t, cfg, Options{}).Changes {
		drifted += len(c.Drift)
	}
	if drifted != 3 {
		t.Errorf("without the stat cache the plan saw %d drifted files, want 3", drifted)
	}
}
