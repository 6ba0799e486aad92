package lockfile

import (
	"bytes"
	"errors"
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
	// lastLock and lastManifest are the bytes last written, so that a
	// batch that did not change one of the files does not rewrite it.
	lastLock, lastManifest []byte
	// writes counts the batches written, for tests and measurements.
	writes int
	// lockCache and manifestCache keep each entry's encoding between
	// writes: callers replace entries, never edit them (see Update).
	lockCache     fragments[Entry]
	manifestCache fragments[ManifestEntry]
}

// batch is one group commit: its callers all get its outcome.
type batch struct {
	changes int
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
// entry, and returns once both are on disk. The Recorder keeps e and m:
// the caller must not change them afterwards.
func (r *Recorder) Record(addr string, e *Entry, m *ManifestEntry) error {
	if err := e.Validate(addr); err != nil {
		return err
	}
	if m != nil {
		if err := m.Validate(addr); err != nil {
			return err
		}
	}
	return r.Update(func(l *Lock, man *Manifest) {
		e.normalize()
		l.Assets[addr] = e
		if m != nil {
			man.Assets[addr] = m
		}
	})
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
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return ErrClosed
	}
	r.needSync(dirs...)
	fn(r.lock, r.manifest)
	r.dirty = true
	b := r.open
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
		lockData, manifestData, err := r.encode()
		r.dirty = false
		r.mu.Unlock()
		if err == nil {
			err = syncDirs(syncs)
		}
		if err == nil {
			err = r.write(lockData, manifestData)
		}
		r.mu.Lock()
		if err != nil {
			r.dirty = true
			// The changes stay in memory for the next write, which must
			// sync their directories first all the same.
			r.needSync(slices.Collect(maps.Keys(syncs))...)
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
	r.writes++
	if r.manifestPath != "" && !bytes.Equal(manifestData, r.lastManifest) {
		if r.root != "" {
			if err := CheckInside(r.root, r.manifestPath); err != nil {
				return err
			}
		}
		// The manifest may live in an output folder no image has made yet.
		if err := os.MkdirAll(filepath.Dir(r.manifestPath), 0o755); err != nil {
			return err
		}
		if err := WriteFile(r.manifestPath, manifestData); err != nil {
			return err
		}
		r.lastManifest = manifestData
	}
	if !bytes.Equal(lockData, r.lastLock) {
		if r.root != "" {
			if err := CheckInside(r.root, r.lockPath); err != nil {
				return err
			}
		}
		if err := WriteFile(r.lockPath, lockData); err != nil {
			return err
		}
		r.lastLock = lockData
	}
	return nil
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
	if !r.dirty {
		return nil
	}
	lockData, manifestData, err := r.encode()
	if err == nil {
		err = syncDirs(r.syncs)
	}
	if err == nil {
		err = r.write(lockData, manifestData)
	}
	return err
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
