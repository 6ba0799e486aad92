package lockfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// ErrClosed is returned by a Recorder's methods after Close.
var ErrClosed = errors.New("lockfile: recorder is closed")

// Recorder applies changes to a lock and its manifest and makes each one
// durable before returning, as apply needs: every finished asset is saved
// at once, so an interrupted run loses nothing that finished.
//
// Rewriting a 10,000-entry lock for each asset would be quadratic, so
// concurrent changes are committed in groups: the first caller to find no
// write in progress becomes the writer and writes everything applied so
// far; callers arriving meanwhile join the next batch and wait for it.
type Recorder struct {
	lockPath, manifestPath string
	// root, when set, is the folder every write must stay inside.
	root string

	mu       sync.Mutex
	lock     *Lock
	manifest *Manifest
	// open collects the changes the next write will carry.
	open *batch
	// syncs are the directories the next write syncs first.
	syncs map[string]bool
	// writing is true while a caller is writing batches.
	writing bool
	// dirty is true when memory holds changes no successful write carried.
	dirty  bool
	closed bool
	// idle is signalled when writing turns false.
	idle *sync.Cond
	// lastLock and lastManifest are the sha256 of the bytes last written,
	// so that a write that would change nothing is skipped: sums, not
	// copies, which held the whole lock and manifest through an apply.
	lastLock, lastManifest [sha256.Size]byte
	// writes counts the batches written, for tests and measurements.
	writes int
	// lockCache and manifestCache keep each entry's encoding between
	// writes: callers replace entries, never edit them (see Update).
	lockCache     fragments[Entry]
	manifestCache fragments[ManifestEntry]
	// journal, when set, takes the changes Set makes (see JournalName).
	journal *journal
	// fragment, when set, takes every change instead of the lock and the
	// manifest (see Fragment).
	fragment *fragmentSink
}

// journal is the Recorder's side of the journal of finished entries.
type journal struct {
	path string
	// base is the digest of the lock file on disk: what the journal's
	// records apply to.
	base string
	// file is the journal open for appending, nil until the first record
	// of this run or after a whole write emptied it.
	file *os.File
	// pending is true while the journal holds records the lock on disk
	// lacks: Close must write the lock whole and remove it.
	pending bool
}

// batch is one group commit: its callers all get its outcome.
type batch struct {
	changes int
	// full is set when a change in the batch must reach the lock and the
	// manifest themselves; otherwise, with a journal, records are appended.
	full    bool
	records [][]byte
	done    chan struct{}
	err     error
}

// NewRecorder returns a Recorder that owns lock and manifest from now on:
// read them through Update only. An empty manifestPath means no manifest is
// written; nil lock or manifest starts empty.
func NewRecorder(lockPath, manifestPath string, lock *Lock, manifest *Manifest) *Recorder {
	if lock == nil {
		lock = NewLock()
	}
	if manifest == nil {
		manifest = NewManifest()
	}
	if lock.Assets == nil {
		lock.Assets = map[string]*Entry{}
	}
	if manifest.Assets == nil {
		manifest.Assets = map[string]*ManifestEntry{}
	}
	r := &Recorder{
		lockPath: lockPath, manifestPath: manifestPath,
		lock: lock, manifest: manifest,
		open: newBatch(),
	}
	r.idle = sync.NewCond(&r.mu)
	return r
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

// Record sets the lock entry of addr and, if m is not nil, its manifest
// entry, and returns once that is durable: Set with no folder to sync.
func (r *Recorder) Record(addr string, e *Entry, m *ManifestEntry) error {
	return r.Set(nil, addr, e, m)
}

// Remove deletes addr from the lock and the manifest and returns once that
// is on disk.
func (r *Recorder) Remove(addr string) error {
	return r.Update(func(l *Lock, m *Manifest) {
		delete(l.Assets, addr)
		delete(m.Assets, addr)
	})
}

// Update runs fn on the lock and manifest and returns once a write that
// includes its changes is durable: the manifest first, then the lock, so
// that the lock never names files the manifest does not. Changes from
// concurrent calls may share that write; if it fails, every one of them gets
// the error (their changes stay in memory and go out with the next write).
// fn runs with the Recorder locked: it must be quick and must not call the
// Recorder. To change an entry fn replaces it: an entry in the lock or
// manifest is never edited in place, since the Recorder reuses each
// entry's encoding until it is replaced. Update does not validate what fn
// does; Record does.
func (r *Recorder) Update(fn func(l *Lock, m *Manifest)) error {
	return r.UpdateAfterSync(nil, fn)
}

// UpdateAfterSync is Update for a change that names files just renamed
// into dirs: the write that carries it syncs those directories first, so
// that the lock never names a file whose directory entry a crash could
// lose. A group commit syncs each directory once, however many of its
// changes name it.
func (r *Recorder) UpdateAfterSync(dirs []string, fn func(l *Lock, m *Manifest)) error {
	return r.commit(dirs, nil, func(b *batch) {
		fn(r.lock, r.manifest)
		b.full = true
	})
}

// UseJournal makes Set append to the journal at path (see JournalName)
// instead of rewriting the lock and the manifest. lockDigest is the digest
// of the lock file on disk ("" when there is none); pending says the
// journal already holds records replayed into the lock given to
// NewRecorder, which Close must then write out. Call it before the first
// change.
func (r *Recorder) UseJournal(path, lockDigest string, pending bool) {
	r.journal = &journal{path: path, base: lockDigest, pending: pending}
}

// Set records addr's lock entry and, if m is not nil, its manifest entry,
// forgets the addresses in drop, and returns once that is durable, having
// synced dirs first (see UpdateAfterSync). With a journal (UseJournal) the
// change is appended to it, and the lock and manifest are written whole at
// Close. The Recorder keeps e and m.
func (r *Recorder) Set(dirs []string, addr string, e *Entry, m *ManifestEntry, drop ...string) error {
	if e == nil {
		return errors.New("lockfile: Set without an entry (Forget forgets)")
	}
	if err := e.Validate(addr); err != nil {
		return err
	}
	if m != nil {
		if err := m.Validate(addr); err != nil {
			return err
		}
	}
	e.normalize()
	var rec []byte
	if r.journal != nil {
		var err error
		if rec, err = encodeRecord(newEntryEncoder(), addr, drop, e, m); err != nil {
			return err
		}
	}
	return r.record(dirs, rec, func() {
		for _, d := range drop {
			delete(r.lock.Assets, d)
			delete(r.manifest.Assets, d)
		}
		r.lock.Assets[addr] = e
		if m != nil {
			r.manifest.Assets[addr] = m
		}
	})
}

// Forget removes addr from the lock and the manifest and returns once that
// is durable: with a journal, as a record appended to it, so that deleting
// or regenerating n assets costs n records, not n writes of the lock.
func (r *Recorder) Forget(addr string) error {
	var rec []byte
	if r.journal != nil {
		var err error
		if rec, err = encodeRecord(newEntryEncoder(), addr, []string{addr}, nil, nil); err != nil {
			return err
		}
	}
	return r.record(nil, rec, func() {
		delete(r.lock.Assets, addr)
		delete(r.manifest.Assets, addr)
	})
}

// record commits the change fn makes, as the journal record rec, or in a
// whole write when there is no journal.
func (r *Recorder) record(dirs []string, rec []byte, fn func()) error {
	return r.commit(dirs, rec, func(b *batch) {
		fn()
		if rec == nil {
			b.full = true
		}
	})
}

// commit applies a change to the open batch with fn and returns once a
// write that carries it is durable; rec is the change's journal record.
func (r *Recorder) commit(dirs []string, rec []byte, fn func(b *batch)) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	r.needSync(dirs...)
	b := r.open
	fn(b)
	if rec != nil {
		b.records = append(b.records, rec)
	}
	r.dirty = true
	b.changes++
	if r.writing {
		r.mu.Unlock()
		<-b.done
		return b.err
	}
	r.writing = true
	r.writeBatches()
	r.writing = false
	r.idle.Broadcast()
	r.mu.Unlock()
	return b.err
}

// writeBatches writes until no change is waiting. It is called, and
// returns, with r.mu held; it releases it while writing so that other
// callers can apply their changes to the next batch.
func (r *Recorder) writeBatches() {
	for r.open.changes > 0 {
		b, syncs := r.open, r.syncs
		r.open, r.syncs = newBatch(), nil
		var lockData, manifestData []byte
		var err error
		whole := b.full || r.journal == nil
		switch {
		case r.fragment != nil && whole:
			lockData, err = r.encodeFragment(false)
		case whole:
			lockData, manifestData, err = r.encode()
		}
		r.dirty = false
		r.mu.Unlock()
		if err == nil {
			err = syncDirs(syncs)
		}
		switch {
		case err != nil:
		case r.fragment != nil && whole:
			err = r.writeFragment(lockData)
		case whole:
			err = r.writeWhole(lockData, manifestData)
		default:
			err = r.appendJournal(b.records)
		}
		r.mu.Lock()
		if err != nil {
			r.dirty = true
			// The changes stay in memory for the next write, which must
			// sync their directories first all the same, and which writes
			// the files whole: a journal append may have been cut short.
			r.needSync(slices.Collect(maps.Keys(syncs))...)
			r.open.full = true
		}
		b.err = err
		close(b.done)
	}
}

func (r *Recorder) encode() (lockData, manifestData []byte, err error) {
	lockData, err = r.lock.encode(&r.lockCache)
	if err != nil {
		return nil, nil, err
	}
	if r.manifestPath != "" {
		manifestData, err = r.manifest.encode(&r.manifestCache)
	}
	return lockData, manifestData, err
}

// write runs without r.mu: only the caller that set r.writing gets here,
// so lastLock, lastManifest and writes are its alone.
func (r *Recorder) write(lockData, manifestData []byte) error {
	return r.writeDocs(bytesDoc(lockData), bytesDoc(manifestData))
}

// bytesDoc writes data.
func bytesDoc(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// writeDocs writes the manifest and then the lock, each encoded by its
// function straight into its file, leaving a file whose bytes would not
// change as it is. It runs without r.mu (see write).
func (r *Recorder) writeDocs(lockDoc, manifestDoc func(io.Writer) error) error {
	r.writes++
	if r.manifestPath != "" {
		// The manifest may live in an output folder no image has made yet.
		if err := os.MkdirAll(filepath.Dir(r.manifestPath), 0o755); err != nil {
			return err
		}
		if err := r.writeDoc(r.manifestPath, manifestDoc, &r.lastManifest); err != nil {
			return err
		}
	}
	return r.writeDoc(r.lockPath, lockDoc, &r.lastLock)
}

// writeDoc writes one document to path, checked to stay inside the root,
// unless its sum is last's; last becomes what the file holds.
func (r *Recorder) writeDoc(path string, doc func(io.Writer) error, last *[sha256.Size]byte) error {
	if r.root != "" {
		if err := CheckInside(r.root, path); err != nil {
			return err
		}
	}
	sum, err := writeFileStream(path, doc, func(sum [sha256.Size]byte) bool { return sum == *last })
	if err == nil {
		*last = sum
	}
	return err
}

// WrittenLockDigest returns the digest ("sha256:<hex>") of the lock file
// as the Recorder last wrote it (or found it already written), and false
// if it wrote none, or wrote a fragment or no manifest instead.
func (r *Recorder) WrittenLockDigest() (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lastLock == [sha256.Size]byte{} || r.fragment != nil || r.manifestPath == "" || r.dirty {
		return "", false
	}
	return sumDigest(r.lastLock), true
}

// Confine makes every later write check, as it happens, that the file
// resolves inside root (see CheckInside). Call it before the first change.
func (r *Recorder) Confine(root string) { r.root = root }

// Close waits for a write in progress, writes once more if an earlier
// write failed (so that changes held in memory still reach the disk), and
// refuses further changes. Its error says the files on disk lag behind.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.writing {
		r.idle.Wait()
	}
	if r.closed {
		return nil
	}
	r.closed = true
	if r.fragment == nil && !r.dirty && (r.journal == nil || !r.journal.pending) {
		return nil
	}
	if r.fragment != nil {
		// Always: the fragment ends marked complete.
		data, err := r.encodeFragment(true)
		if err == nil {
			err = syncDirs(r.syncs)
		}
		if err == nil {
			err = r.writeFragment(data)
		}
		if err == nil && r.journal != nil {
			err = r.journal.remove()
		}
		return err
	}
	err := syncDirs(r.syncs)
	if err == nil {
		err = r.writeLast()
	}
	if err == nil && r.journal != nil {
		err = r.journal.remove()
	}
	return err
}

// writeLast is the last write: the manifest and the lock encoded straight
// into their files, with no encoding kept for a write to come. Built in
// memory first, as the writes before it are, with their encodings cached,
// they doubled what the end of an apply of 100,000 assets held (224 MB).
func (r *Recorder) writeLast() error {
	err := r.writeDocs(func(w io.Writer) error { return r.lock.encodeTo(w, nil) },
		func(w io.Writer) error { return r.manifest.encodeTo(w, nil) })
	r.lockCache, r.manifestCache = fragments[Entry]{}, fragments[ManifestEntry]{}
	return err
}

// writeWhole writes the lock and the manifest, and then empties the
// journal: everything it held is in them now. It runs without r.mu (see
// write).
func (r *Recorder) writeWhole(lockData, manifestData []byte) error {
	if err := r.write(lockData, manifestData); err != nil {
		return err
	}
	if r.journal == nil {
		return nil
	}
	return r.journal.reset(FileDigest(lockData))
}

// appendJournal appends records to the journal and syncs it. It runs
// without r.mu (see write).
func (r *Recorder) appendJournal(records [][]byte) error {
	r.writes++
	if r.root != "" {
		if err := CheckInside(r.root, r.journal.path); err != nil {
			return err
		}
	}
	return r.journal.append(records)
}

func (j *journal) append(records [][]byte) error {
	if j.file == nil {
		// A shard's journal lives beside its fragment, in a folder the
		// first record may have to make.
		if err := os.MkdirAll(filepath.Dir(j.path), 0o755); err != nil {
			return err
		}
		// O_NOFOLLOW: a journal that is a link (a hostile clone's) would
		// append wherever it points.
		flags := os.O_RDWR | os.O_CREATE | os.O_APPEND | NoFollow
		if !j.pending {
			// A journal left on disk that holds nothing the lock lacks
			// (a kill after the lock was written whole, before the
			// journal was removed) names an older lock in its header:
			// records appended under it would read as stale.
			flags |= os.O_TRUNC
		}
		f, err := os.OpenFile(j.path, flags, 0o644)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err == nil && fi.Size() > 0 {
			// A record a kill cut short was never acknowledged (replay
			// ignores it): cut it off, or the next record would be glued
			// to it and the journal would no longer parse.
			err = truncateTornLine(f, fi.Size())
		}
		if err == nil {
			fi, err = f.Stat()
		}
		if err == nil && fi.Size() == 0 {
			var head []byte
			head, err = json.Marshal(journalHeader{Version: journalVersion, Lock: j.base})
			if err == nil {
				_, err = f.Write(append(head, '\n'))
			}
			if err == nil {
				err = SyncDir(filepath.Dir(j.path))
			}
		}
		if err != nil {
			f.Close()
			return err
		}
		j.file = f
	}
	j.pending = true
	if _, err := j.file.Write(bytes.Join(records, nil)); err != nil {
		return err
	}
	return j.file.Sync()
}

// truncateTornLine cuts f (size bytes long) after its last newline.
func truncateTornLine(f *os.File, size int64) error {
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	end := size
	for end > 0 {
		start := max(0, end-chunk)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && n < int(end-start) {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			if start+int64(i)+1 == size {
				return nil // whole: nothing to cut
			}
			return f.Truncate(start + int64(i) + 1)
		}
		end = start
	}
	return f.Truncate(0) // not even the header is whole
}

// reset empties the journal after the lock (now with digest base) and the
// manifest were written whole.
func (j *journal) reset(base string) error {
	j.base = base
	if j.file == nil && !j.pending {
		return nil
	}
	return j.remove()
}

func (j *journal) remove() error {
	if j.file != nil {
		j.file.Close()
		j.file = nil
	}
	j.pending = false
	if err := os.Remove(j.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// FileDigest is "sha256:<hex>" of a file's bytes, as the journal's header
// names the lock it applies to.
func FileDigest(data []byte) string {
	return sumDigest(sha256.Sum256(data))
}

// sumDigest is the digest of a file whose sha256 is sum.
func sumDigest(sum [sha256.Size]byte) string {
	return "sha256:" + hex.EncodeToString(sum[:])
}

// needSync adds dirs to those the next write syncs first. r.mu is held.
func (r *Recorder) needSync(dirs ...string) {
	for _, d := range dirs {
		if r.syncs == nil {
			r.syncs = map[string]bool{}
		}
		r.syncs[d] = true
	}
}

func syncDirs(dirs map[string]bool) error {
	for d := range dirs {
		if err := SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}
