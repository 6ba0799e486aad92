package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

// TestApplyLeavesWarmStatCache: the first plan after an apply reads no
// image that apply wrote or moved: every output is in the stat cache.
// Without the cache the same plan reads every one, which shows the count
// is real.
func TestApplyLeavesWarmStatCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := config(dir, image("a", "A"), image("b", "B"), image("c", "C", "image.a"))
	run(t, cfg, &fakeProvider{}, Options{})

	ws := mustOpen(t, cfg)
	if p, diags := MakePlan(ws, Options{}); diags.HasErrors() || p.HasChanges() {
		t.Fatalf("plan after apply: %v, changes %v", diags, actions(p))
	}
	if n := ws.Stat.Reads(); n != 0 {
		t.Errorf("the first plan after apply read %d output files", n)
	}

	if err := os.Remove(filepath.Join(dir, StateDirName, "statcache.json")); err != nil {
		t.Fatal(err)
	}
	ws = mustOpen(t, cfg)
	if _, diags := MakePlan(ws, Options{}); diags.HasErrors() {
		t.Fatal(diags)
	}
	if n := ws.Stat.Reads(); n != 3 {
		t.Errorf("without the stat cache the plan read %d output files, want 3", n)
	}
}
