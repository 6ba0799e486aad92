package pipeline

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
)

// lockWatch is a Hook that checks, as each change finishes, that the lock
// file is still the one the apply started from.
type lockWatch struct {
	nopHook
	t    *testing.T
	path string
	ino  os.FileInfo

	mu       sync.Mutex
	finished int
}

func (w *lockWatch) Finished(c *Change, r *Result) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.finished++
	if fi, err := os.Stat(w.path); err != nil || !os.SameFile(fi, w.ino) {
		w.t.Errorf("the lock was rewritten while %s (%s) finished: %v", c.Addr, c.Action, err)
	}
}

// TestChangesToExistingAssetsAreJournaled: regenerating, deleting, moving
// and updating assets that the lock holds append records to the journal,
// as new assets do, rather than rewrite the lock for each (which made an
// apply that regenerates n assets write n locks: quadratic in bytes). The
// lock is written once, at the end, and the next plan has nothing to do.
func TestChangesToExistingAssetsAreJournaled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prov := &fakeProvider{}
	run(t, config(dir, image("keep", "k"), image("regen1", "r"), image("regen2", "r"), image("gone1", "g"),
		image("gone2", "g"), image("moved", "m"), image("meta", "m")), prov, Options{})

	moved := image("moved", "m")
	moved.Path = "elsewhere/moved.png"
	meta := image("meta", "m")
	meta.Meta = []byte(`{"alt":"new"}`)
	cfg := config(dir, image("keep", "k"), image("regen1", "r2"), image("regen2", "r2"), moved, meta)
	plan := mustPlan(t, cfg, Options{})
	want := map[string]Action{"image.keep": NoOp, "image.regen1": Replace, "image.regen2": Replace,
		"image.gone1": Delete, "image.gone2": Delete, "image.moved": Move, "image.meta": Update}
	if got := actions(plan); !maps.Equal(got, want) {
		t.Fatalf("planned %v, want %v", got, want)
	}
	lockPath := filepath.Join(dir, lockfile.FileName)
	before, err := os.Stat(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	watch := &lockWatch{t: t, path: lockPath, ino: before}
	res, err := Apply(context.Background(), mustOpen(t, cfg), plan, ApplyOptions{
		Parallelism: 2, Providers: map[string]provider.Provider{"fake": prov}, Hook: watch,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Addr, r.Err)
		}
	}
	if watch.finished != 6 {
		t.Errorf("%d changes finished, want 6", watch.finished)
	}
	lock := checkLockTrue(t, dir)
	if len(lock.Assets) != 5 || lock.Assets["image.gone1"] != nil {
		t.Errorf("the lock holds %d assets, want 5 without the deleted ones", len(lock.Assets))
	}
	if _, err := os.Stat(filepath.Join(dir, StateDirName, lockfile.JournalName)); !os.IsNotExist(err) {
		t.Errorf("the journal outlives the apply: %v", err)
	}
	if p := mustPlan(t, cfg, Options{}); p.HasChanges() {
		t.Errorf("the apply did not converge: %v", actions(p))
	}
}
