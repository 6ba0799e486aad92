package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// journalDir is a config directory for journal tests: the lock, the
// manifest and the journal's paths in it.
type journalDir struct{ lock, manifest, journal string }

func newJournalDir(t *testing.T) journalDir {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".seedform"), 0o755); err != nil {
		t.Fatal(err)
	}
	return journalDir{
		lock: filepath.Join(dir, FileName), manifest: filepath.Join(dir, "manifest.json"),
		journal: filepath.Join(dir, ".seedform", JournalName),
	}
}

// journaledOn writes a lock and manifest of the image entries named, and
// returns a Recorder on them that journals, and the lock's bytes.
func (d journalDir) journaledOn(t *testing.T, names ...string) (*Recorder, []byte) {
	t.Helper()
	base := NewRecorder(d.lock, d.manifest, nil, nil)
	for _, n := range names {
		e, me := imageEntry(n)
		if err := base.Record("image."+n, e, me); err != nil {
			t.Fatal(err)
		}
	}
	if err := base.Close(); err != nil {
		t.Fatal(err)
	}
	lockBefore := readOrEmpty(t, d.lock)
	l, _ := Read(d.lock)
	m, _ := ReadManifest(d.manifest)
	r := NewRecorder(d.lock, d.manifest, l, m)
	r.UseJournal(d.journal, FileDigest(lockBefore), false)
	return r, lockBefore
}

func readOrEmpty(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return b
}

// wholeRewrite is what the lock and the manifest are when every change is
// written whole, as a Recorder without a journal writes them.
func wholeRewrite(t *testing.T, names ...string) (lock, manifest []byte) {
	l, m := NewLock(), NewManifest()
	for _, n := range names {
		e, me := imageEntry(n)
		e.normalize()
		l.Assets["image."+n] = e
		m.Assets["image."+n] = me
	}
	return l.Marshal(), m.Marshal()
}

// TestJournalRecordsWithoutRewriting: with a journal, Set appends one line
// per change and leaves the lock and the manifest alone; what a reader
// replays is every change; Close writes both files byte for byte as a whole
// rewrite would, and removes the journal.
func TestJournalRecordsWithoutRewriting(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	r, lockBefore := d.journaledOn(t, "first")
	names := []string{"first"}
	for i := range 50 {
		n := fmt.Sprintf("a%02d", i)
		e, me := imageEntry(n)
		if err := r.Set(nil, "image."+n, e, me); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if got := readOrEmpty(t, d.lock); !bytes.Equal(got, lockBefore) {
		t.Error("Set rewrote the lock although a journal takes its changes")
	}
	if lines := bytes.Count(readOrEmpty(t, d.journal), []byte("\n")); lines != 51 {
		t.Errorf("the journal has %d lines, want a header and 50 records", lines)
	}
	recorded, err := ReadRecorded(d.lock, d.journal)
	if err != nil {
		t.Fatal(err)
	}
	if len(recorded.Assets) != 51 {
		t.Errorf("ReadRecorded sees %d assets, want 51", len(recorded.Assets))
	}

	// "first" is written as the first Recorder normalized it; the others
	// through Set. Both must give what a whole rewrite gives.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	wantLock, wantManifest := wholeRewrite(t, names...)
	if got := readOrEmpty(t, d.lock); !bytes.Equal(got, wantLock) {
		t.Error("the lock written at Close differs from a whole rewrite")
	}
	if got := readOrEmpty(t, d.manifest); !bytes.Equal(got, wantManifest) {
		t.Error("the manifest written at Close differs from a whole rewrite")
	}
	if _, err := os.Stat(d.journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal is left after Close: %v", err)
	}
}

// TestJournalAfterKill: a run killed before Close leaves its changes in the
// journal only; the next run replays them (a record the kill cut short is
// ignored) and its Close writes what a whole rewrite gives.
func TestJournalAfterKill(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	r := NewRecorder(d.lock, d.manifest, nil, nil)
	r.UseJournal(d.journal, "", false)
	for _, n := range []string{"a", "b"} {
		e, me := imageEntry(n)
		if err := r.Set(nil, "image."+n, e, me); err != nil {
			t.Fatal(err)
		}
	}
	// The kill: no Close, and half of a third record.
	r.journal.file.Close()
	f, err := os.OpenFile(d.journal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"addr":"image.c","lock":{"kind":"ima`)
	f.Close()
	if _, err := os.Stat(d.lock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the lock exists before any whole write: %v", err)
	}

	l, m := NewLock(), NewManifest()
	n, err := ReplayJournal(d.journal, "", l, m)
	if err != nil || n != 2 {
		t.Fatalf("ReplayJournal = %d, %v; want 2 records", n, err)
	}
	next := NewRecorder(d.lock, d.manifest, l, m)
	next.UseJournal(d.journal, "", true)
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	wantLock, wantManifest := wholeRewrite(t, "a", "b")
	if !bytes.Equal(readOrEmpty(t, d.lock), wantLock) || !bytes.Equal(readOrEmpty(t, d.manifest), wantManifest) {
		t.Error("after the kill and a replay, Close did not write what a whole rewrite gives")
	}
	if _, err := os.Stat(d.journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal is left after Close: %v", err)
	}
}

// TestJournalBarrier: a change that must reach the lock itself (Update)
// writes both files whole, with every journaled change, and empties the
// journal.
func TestJournalBarrier(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	r := NewRecorder(d.lock, d.manifest, nil, nil)
	r.UseJournal(d.journal, "", false)
	e, me := imageEntry("a")
	if err := r.Set(nil, "image.a", e, me); err != nil {
		t.Fatal(err)
	}
	if err := r.Update(func(l *Lock, _ *Manifest) { l.OutputDir = "out" }); err != nil {
		t.Fatal(err)
	}
	l, err := Read(d.lock)
	if err != nil {
		t.Fatal(err)
	}
	if l.OutputDir != "out" || l.Assets["image.a"] == nil {
		t.Errorf("after Update the lock has output_dir %q and %d assets, want out and image.a", l.OutputDir, len(l.Assets))
	}
	if _, err := os.Stat(d.journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal outlives the whole write that carried it: %v", err)
	}
	// A record after the barrier starts a journal on the new lock.
	e2, me2 := imageEntry("b")
	if err := r.Set(nil, "image.b", e2, me2); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecorded(d.lock, d.journal)
	if err != nil || got.Assets["image.b"] == nil {
		t.Fatalf("ReadRecorded after the barrier: %v, image.b %v", err, got.Assets["image.b"])
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestJournalStale: a journal made on another lock is refused with the way
// out, unless everything it holds is in the lock already (a kill between
// the whole write and the journal's removal).
func TestJournalStale(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	r := NewRecorder(d.lock, d.manifest, nil, nil)
	r.UseJournal(d.journal, "sha256:"+sum('z'), false)
	e, me := imageEntry("a")
	if err := r.Set(nil, "image.a", e, me); err != nil {
		t.Fatal(err)
	}
	var stale *StaleJournalError
	if _, err := ReplayJournal(d.journal, "", NewLock(), NewManifest()); !errors.As(err, &stale) || stale.Records != 1 {
		t.Fatalf("replay on another lock: %v, want a StaleJournalError of 1 record", err)
	}
	if msg := stale.Error(); !bytes.Contains([]byte(msg), []byte("delete this file")) {
		t.Errorf("the error does not say the way out: %s", msg)
	}
	compacted := NewLock()
	ce, _ := imageEntry("a")
	ce.normalize()
	compacted.Assets["image.a"] = ce
	if n, err := ReplayJournal(d.journal, "", compacted, NewManifest()); err != nil || n != 0 {
		t.Errorf("replay of a journal already in the lock: %d, %v; want 0, nil", n, err)
	}
}

// TestJournalAppendAfterTornRecord: a run that appends to a journal whose
// last record a kill cut short first cuts that record off, so that the
// journal still parses and holds every acknowledged record.
func TestJournalAppendAfterTornRecord(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	r := NewRecorder(d.lock, d.manifest, nil, nil)
	r.UseJournal(d.journal, "", false)
	e, me := imageEntry("a")
	if err := r.Set(nil, "image.a", e, me); err != nil {
		t.Fatal(err)
	}
	r.journal.file.Close() // the kill, in the middle of the next record
	f, err := os.OpenFile(d.journal, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"addr":"image.b","lock":{"kind":"ima`)
	f.Close()

	l, m := NewLock(), NewManifest()
	n, err := ReplayJournal(d.journal, "", l, m)
	if err != nil || n != 1 {
		t.Fatalf("replay after the kill: %d, %v", n, err)
	}
	next := NewRecorder(d.lock, d.manifest, l, m)
	next.UseJournal(d.journal, "", true)
	c, mc := imageEntry("c")
	if err := next.Set(nil, "image.c", c, mc); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecorded(d.lock, d.journal)
	if err != nil {
		t.Fatalf("the journal after appending to a torn one: %v", err)
	}
	if got.Assets["image.a"] == nil || got.Assets["image.c"] == nil || got.Assets["image.b"] != nil {
		t.Errorf("recorded %d assets, want image.a and image.c", len(got.Assets))
	}
}

// TestFragmentWithJournal: a shard records through a journal; a fragment
// written on the way (before a change that must reach it first) is not
// complete, the one Close writes is, with every journaled entry, and the
// journal is gone.
func TestFragmentWithJournal(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	frag := filepath.Join(filepath.Dir(d.journal), "shards", "abc.1.json")
	fjournal := filepath.Join(filepath.Dir(d.journal), "shards", "abc.1.jsonl")
	r := NewRecorder(d.lock, d.manifest, nil, nil)
	r.UseFragment(frag, Fragment{Plan: "sha256:abc", Shard: 1, Shards: 2}, []string{"image.a", "image.b"})
	r.UseJournal(fjournal, "", false)
	e, me := imageEntry("a")
	if err := r.Set(nil, "image.a", e, me); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(frag); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a journaled record wrote the fragment: %v", err)
	}
	if err := r.Update(func(l *Lock, _ *Manifest) { delete(l.Assets, "image.b") }); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadFragment(frag); err != nil || f.Complete || f.Lock["image.a"] == nil {
		t.Fatalf("fragment on the way: %+v, %v; want image.a, not complete", f, err)
	}
	b, mb := imageEntry("b")
	if err := r.Set(nil, "image.b", b, mb); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := ReadFragment(frag)
	if err != nil || !f.Complete || f.Lock["image.a"] == nil || f.Lock["image.b"] == nil {
		t.Fatalf("fragment at Close: %+v, %v; want both entries, complete", f, err)
	}
	if _, err := os.Stat(fjournal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the shard's journal is left after Close: %v", err)
	}
	if _, err := os.Stat(d.lock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a shard wrote the lock: %v", err)
	}
}

// TestJournalForgetsAndMoves: deleting, regenerating (forget, then set
// again) and renaming entries are journal records too, so that an apply
// that changes n existing entries writes n records and not n locks; after
// a kill, a replay and Close give byte for byte what a whole rewrite of
// the same changes gives, and a replay on a lock that already holds them
// is not stale.
func TestJournalForgetsAndMoves(t *testing.T) {
	t.Parallel()
	d := newJournalDir(t)
	r, lockBefore := d.journaledOn(t, "a", "b", "c", "d")
	if err := r.Forget("image.a"); err != nil { // a delete
		t.Fatal(err)
	}
	if err := r.Forget("image.b"); err != nil { // a regeneration: out first...
		t.Fatal(err)
	}
	eb, mb := imageEntry("b")
	eb.Outputs[0].SHA256 = sum('e')
	mb.Files[0].SHA256 = sum('e')
	if err := r.Set(nil, "image.b", eb, mb); err != nil { // ...then in again
		t.Fatal(err)
	}
	ec, mc := imageEntry("c")
	if err := r.Set(nil, "image.e", ec, mc, "image.c"); err != nil { // a rename
		t.Fatal(err)
	}
	if got := readOrEmpty(t, d.lock); !bytes.Equal(got, lockBefore) {
		t.Error("forgetting or moving rewrote the lock although a journal takes its changes")
	}
	if w := r.writes; w != 4 {
		t.Errorf("%d writes for 4 changes, want 4 journal appends", w)
	}

	// What a whole rewrite of the same changes gives.
	want := NewRecorder(filepath.Join(t.TempDir(), FileName), filepath.Join(t.TempDir(), "manifest.json"), nil, nil)
	for _, n := range []string{"b", "d"} {
		e, me := imageEntry(n)
		if n == "b" {
			e, me = eb, mb
		}
		if err := want.Record("image."+n, e, me); err != nil {
			t.Fatal(err)
		}
	}
	if err := want.Record("image.e", ec, mc); err != nil {
		t.Fatal(err)
	}
	wantLock, wantManifest := readOrEmpty(t, want.lockPath), readOrEmpty(t, want.manifestPath)

	// The kill: no Close. A reader replays the records.
	r.journal.file.Close()
	l2, err := Read(d.lock)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := ReadManifest(d.manifest)
	if n, err := ReplayJournal(d.journal, FileDigest(lockBefore), l2, m2); err != nil || n != 4 {
		t.Fatalf("ReplayJournal = %d, %v; want 4 records", n, err)
	}
	if l2.Assets["image.a"] != nil || l2.Assets["image.c"] != nil || m2.Assets["image.c"] != nil || l2.Assets["image.e"] == nil {
		t.Fatalf("after the replay the lock holds %v", sortedKeys(l2.Assets))
	}
	next := NewRecorder(d.lock, d.manifest, l2, m2)
	next.UseJournal(d.journal, FileDigest(lockBefore), true)
	if err := next.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readOrEmpty(t, d.lock), wantLock) || !bytes.Equal(readOrEmpty(t, d.manifest), wantManifest) {
		t.Error("after the kill and a replay, Close did not write what a whole rewrite gives")
	}

	// A kill between that whole write and the journal's removal: the
	// journal, made on the old lock, is all in the new one.
	r2 := NewRecorder(d.lock, d.manifest, nil, nil)
	r2.UseJournal(d.journal, FileDigest(lockBefore), false)
	if err := r2.Forget("image.a"); err != nil {
		t.Fatal(err)
	}
	l3, _ := Read(d.lock)
	if n, err := ReplayJournal(d.journal, FileDigest(readOrEmpty(t, d.lock)), l3, NewManifest()); err != nil || n != 0 {
		t.Errorf("replay of a forget the lock already has: %d, %v; want 0, nil", n, err)
	}
	// ...but a lock that still has the forgotten entry is another lock.
	l4, _ := Read(d.lock)
	l4.Assets["image.a"], _ = imageEntry("a")
	var stale *StaleJournalError
	if _, err := ReplayJournal(d.journal, "sha256:"+sum('y'), l4, NewManifest()); !errors.As(err, &stale) {
		t.Errorf("replay of a forget on a lock that has the entry: %v, want a StaleJournalError", err)
	}
}
