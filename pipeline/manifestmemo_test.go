package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
)

// memoConfig is three assets with meta, sorted by address as the loader
// sorts them; meta is b's.
func memoConfig(dir, meta string) *spec.Config {
	a, b, c := image("a", "pa"), image("b", "pb"), image("c", "pc")
	a.Meta = []byte(`{"alt":"A"}`)
	b.Meta = []byte(meta)
	return config(dir, a, b, c)
}

// planOpen opens cfg's workspace and plans it; it reports whether the
// manifest was read to make the plan.
func planOpen(t *testing.T, cfg *spec.Config) (*Plan, bool) {
	t.Helper()
	ws := mustOpen(t, cfg)
	plan, diags := MakePlan(ws, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	read := ws.memo == nil
	if err := ws.RememberManifest(); err != nil {
		t.Fatal(err)
	}
	return plan, read
}

// TestManifestReadOnlyWhenNeeded: after an apply, or a plan that read the
// manifest and found it to be what the lock and the meta make, a plan
// knows the manifest without reading it; any change to the manifest file,
// the lock file or the config's meta makes it read the manifest again and
// see the change; and an apply that writes the manifest from the memo
// writes the same bytes as one that read it.
func TestManifestReadOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := memoConfig(dir, `{"alt":"B"}`)
	run(t, cfg, &fakeProvider{}, Options{})
	manifestPath := filepath.Join(dir, "out", "manifest.json")

	p, read := planOpen(t, cfg)
	if read || p.HasChanges() {
		t.Fatalf("the plan after apply read the manifest: %v, changes %v", read, actions(p))
	}

	// A hand edit of the manifest is seen.
	data, _ := os.ReadFile(manifestPath)
	if err := os.WriteFile(manifestPath, bytes.Replace(data, []byte(`"A"`), []byte(`"Z"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	p, read = planOpen(t, cfg)
	if !read || actions(p)["image.a"] != Update {
		t.Fatalf("after a hand edit of the manifest: read %v, actions %v; want it read and image.a updated", read, actions(p))
	}
	run(t, cfg, &fakeProvider{}, Options{})
	if _, read = planOpen(t, cfg); read {
		t.Fatal("the plan after the apply that rewrote the manifest read it")
	}

	// A plan that read the manifest and found it whole remembers it.
	if err := os.Remove(filepath.Join(dir, StateDirName, "manifest-memo.json")); err != nil {
		t.Fatal(err)
	}
	if _, read = planOpen(t, cfg); !read {
		t.Fatal("a plan without the memo did not read the manifest")
	}
	if _, read = planOpen(t, cfg); read {
		t.Fatal("the plan after one that read the manifest whole read it again")
	}

	// A change of meta in the config is seen.
	changed := memoConfig(dir, `{"alt":"B2"}`)
	p, read = planOpen(t, changed)
	if !read || actions(p)["image.b"] != Update {
		t.Fatalf("after a change of meta: read %v, actions %v; want it read and image.b updated", read, actions(p))
	}

	// Another lock (a checkout) is seen.
	lockPath := filepath.Join(dir, lockfile.FileName)
	lockData, _ := os.ReadFile(lockPath)
	if err := os.WriteFile(lockPath, append(lockData, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, read = planOpen(t, cfg); !read {
		t.Fatal("the plan after the lock changed did not read the manifest")
	}
	if err := os.WriteFile(lockPath, lockData, 0o644); err != nil {
		t.Fatal(err)
	}

	// A regeneration applied with the manifest made from the memo and
	// with it read writes the same bytes.
	planOpen(t, cfg) // reads the manifest beside the lock restored
	if _, read = planOpen(t, cfg); read {
		t.Fatal("the memo was not made again")
	}
	other := t.TempDir()
	copyTree(t, dir, other)
	if err := os.Remove(filepath.Join(other, StateDirName, "manifest-memo.json")); err != nil {
		t.Fatal(err)
	}
	regen := func(dir string) *spec.Config {
		c := memoConfig(dir, `{"alt":"B"}`)
		c.Assets[2] = image("c", "pc2")
		return c
	}
	if p, read := planOpen(t, regen(dir)); read || actions(p)["image.c"] != Replace {
		t.Fatalf("the regeneration's plan: read %v, actions %v", read, actions(p))
	}
	before, _ := os.ReadFile(manifestPath)
	run(t, regen(dir), &fakeProvider{}, Options{})
	run(t, regen(other), &fakeProvider{}, Options{})
	got, _ := os.ReadFile(manifestPath)
	want, _ := os.ReadFile(filepath.Join(other, "out", "manifest.json"))
	if !bytes.Equal(got, want) || bytes.Equal(got, before) {
		t.Errorf("the manifest applied from the memo:\n%s\nfrom a read manifest:\n%s", got, want)
	}
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, fi.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
}
