package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// imageEntry is a valid lock entry for image.<name> and its manifest entry.
func imageEntry(name string) (*Entry, *ManifestEntry) {
	out := Output{Path: name + ".png", SHA256: sum('a'), Bytes: 1, Width: 64, Height: 64, Format: "png"}
	e := &Entry{
		Kind: "image", SpecHash: "sha256:" + sum('b'),
		Spec:      specOf(`{"provider_type": "placeholder", "prompt": ` + strconv.Quote(name) + `, "output_format": "png"}`),
		Path:      out.Path,
		Provider:  "placeholder",
		Outputs:   []Output{out},
		CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	return e, &ManifestEntry{Files: []Output{out}}
}

func TestRecorderConcurrent(t *testing.T) {
	dir := t.TempDir()
	lockPath, manPath := filepath.Join(dir, FileName), filepath.Join(dir, "assets", "manifest.json")
	if err := os.Mkdir(filepath.Join(dir, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := NewRecorder(lockPath, manPath, nil, nil)
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("a%04d", i)
			e, m := imageEntry(name)
			if err := r.Record("image."+name, e, m); err != nil {
				errs <- err
				return
			}
			if i%250 != 0 {
				return
			}
			// Record returned, so the entry must already be on disk.
			// (Checked for a sample: reading 1,000 locks is slow under -race.)
			l, err := Read(lockPath)
			if err != nil {
				errs <- err
				return
			}
			if l.Assets["image."+name] == nil {
				errs <- fmt.Errorf("image.%s is not on disk after Record returned", name)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := Read(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(manPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Assets) != n || len(m.Assets) != n {
		t.Errorf("got %d lock and %d manifest entries, want %d", len(l.Assets), len(m.Assets), n)
	}
	t.Logf("%d records in %d writes", n, r.writes)
	if r.writes > n/10 {
		t.Errorf("%d records took %d writes; concurrent records should share writes", n, r.writes)
	}
	if diff := cmp.Diff([]string{"assets", FileName}, dirNames(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}

func TestRecorderUpdateRemove(t *testing.T) {
	dir := t.TempDir()
	lockPath, manPath := filepath.Join(dir, FileName), filepath.Join(dir, "manifest.json")
	l := sampleLock()
	r := NewRecorder(lockPath, manPath, l, sampleManifest())
	if err := r.Remove("image.hero"); err != nil {
		t.Fatal(err)
	}
	// A move: the entry changes address in one write.
	if err := r.Update(func(l *Lock, m *Manifest) {
		l.Assets["image_set.story"] = l.Assets["image_set.board"]
		delete(l.Assets, "image_set.board")
		m.Assets["image_set.story"] = m.Assets["image_set.board"]
		delete(m.Assets, "image_set.board")
	}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Read(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleLock()
	delete(want.Assets, "image.hero")
	want.Assets["image_set.story"] = want.Assets["image_set.board"]
	delete(want.Assets, "image_set.board")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lock (-want +got):\n%s", diff)
	}
	gotMan, err := ReadManifest(manPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"image.season[\"spring\"]", "image_set.story"}, sortedKeys(gotMan.Assets)); diff != "" {
		t.Errorf("manifest addresses (-want +got):\n%s", diff)
	}
	if err := r.Remove("image.x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Remove after Close: got %v, want ErrClosed", err)
	}
}

func TestRecorderRejectsInvalidEntry(t *testing.T) {
	dir := t.TempDir()
	r := NewRecorder(filepath.Join(dir, FileName), "", nil, nil)
	e, _ := imageEntry("a")
	e.Outputs[0].Path = "../a.png"
	if err := r.Record("image.a", e, nil); err == nil {
		t.Fatal("recorded an entry whose output leaves the output directory")
	}
	if diff := cmp.Diff([]string(nil), dirNames(t, dir)); diff != "" {
		t.Errorf("an invalid entry was written (-want +got):\n%s", diff)
	}
}

func TestRecorderWriteFailure(t *testing.T) {
	dir := t.TempDir()
	manDir := filepath.Join(dir, "assets")
	lockPath, manPath := filepath.Join(dir, FileName), filepath.Join(manDir, "manifest.json")
	r := NewRecorder(lockPath, manPath, nil, nil)

	// A file stands where the manifest's directory should be: the
	// manifest, written first, fails, and the lock must not get ahead of it.
	if err := os.WriteFile(manDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	e, m := imageEntry("a")
	if err := r.Record("image.a", e, m); err == nil {
		t.Fatal("Record succeeded although the manifest cannot be written")
	}
	if _, err := os.Stat(lockPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock was written although the manifest failed: %v", err)
	}

	// Once the way is clear, Close writes what memory still holds.
	if err := os.Remove(manDir); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := Read(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"image.a"}, sortedKeys(l.Assets)); diff != "" {
		t.Errorf("lock after Close (-want +got):\n%s", diff)
	}
}

func TestRecorderFailureReachesEveryCallerInBatch(t *testing.T) {
	dir := t.TempDir()
	lockPath := filepath.Join(dir, "missing", FileName)
	r := NewRecorder(lockPath, "", nil, nil)
	const n = 50
	var wg sync.WaitGroup
	var failed sync.Map
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("a%d", i)
			e, _ := imageEntry(name)
			if err := r.Record("image."+name, e, nil); err != nil {
				failed.Store(name, err)
			}
		})
	}
	wg.Wait()
	count := 0
	failed.Range(func(_, _ any) bool { count++; return true })
	if count != n {
		t.Errorf("%d of %d callers saw the write failure", count, n)
	}
	if err := r.Close(); err == nil {
		t.Error("Close reported no error although nothing reached the disk")
	}
}

func BenchmarkRecorder10k(b *testing.B) {
	// The cost of recording into a 10,000-entry lock one caller at a time:
	// every record is a full rewrite, which is what group commit amortises.
	dir := b.TempDir()
	l, m := NewLock(), NewManifest()
	for i := range 10000 {
		name := fmt.Sprintf("a%05d", i)
		l.Assets["image."+name], m.Assets["image."+name] = imageEntry(name)
	}
	r := NewRecorder(filepath.Join(dir, FileName), filepath.Join(dir, "manifest.json"), l, m)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e, me := imageEntry(fmt.Sprintf("a%05d", i%10000))
		e.SpecHash = fmt.Sprintf("sha256:%064x", i)
		if err := r.Record(fmt.Sprintf("image.a%05d", i%10000), e, me); err != nil {
			b.Fatal(err)
		}
	}
}

// lock10k is a lock of 10,000 image entries, the scale DESIGN.md aims at.
func lock10k() *Lock {
	l := NewLock()
	for i := range 10000 {
		name := fmt.Sprintf("a%05d", i)
		l.Assets["image."+name], _ = imageEntry(name)
	}
	return l
}

func BenchmarkMarshal10k(b *testing.B) {
	l := lock10k()
	for b.Loop() {
		b.SetBytes(int64(len(l.Marshal())))
	}
}

func BenchmarkRead10k(b *testing.B) {
	data := lock10k().Marshal()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseLock("L.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUpdateAfterSync: a change that names files in a directory is only
// written once that directory is synced; when the sync fails, the lock on
// disk does not name them, and the next write syncs the directory again.
func TestUpdateAfterSync(t *testing.T) {
	dir := t.TempDir()
	lockPath := filepath.Join(dir, FileName)
	r := NewRecorder(lockPath, "", nil, nil)
	a, _ := imageEntry("a")
	if err := r.Record("image.a", a, nil); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	outputs := filepath.Join(dir, "tiles") // not made yet: its sync fails
	b, _ := imageEntry("b")
	err = r.UpdateAfterSync([]string{outputs}, func(l *Lock, _ *Manifest) { l.Assets["image.b"] = b })
	if err == nil {
		t.Fatal("the change was written although its directory could not be synced")
	}
	if after, _ := os.ReadFile(lockPath); string(after) != string(before) {
		t.Errorf("the lock names image.b before its directory was synced:\n%s", after)
	}
	// The failed change stays in memory; its directory is synced by the
	// next write, which fails as long as the directory cannot be.
	if err := r.Remove("image.none"); err == nil {
		t.Fatal("the next write skipped the failed change's directory")
	}
	if err := os.Mkdir(outputs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Read(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if got.Assets["image.b"] == nil {
		t.Error("image.b was not written once its directory could be synced")
	}
}
