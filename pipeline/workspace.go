package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
	"github.com/seedform/seedform/throttle"
	"golang.org/x/sync/errgroup"
)

// StateDirName is the per-directory local state (process lock, staging,
// stat cache); it is not committed.
const StateDirName = ".seedform"

// Workspace is everything a plan is made from: the evaluated config, the
// lock and manifest as read, and the local state directory.
type Workspace struct {
	Dir        string // the config directory
	Config     *spec.Config
	Lock       *lockfile.Lock
	LockDigest string // sha256 of the lock file's bytes, "" when absent
	Stat       *lockfile.StatCache
	Staging    *Staging

	// manifest is the manifest as read, nil while it need not be: when
	// the manifest memo holds, every entry is known from the lock and the
	// config (manifestEntry), and only a command that writes the manifest
	// reads it (Manifest).
	manifest *lockfile.Manifest
	// memo is the manifest memo found true at open, nil if none was.
	memo *lockfile.ManifestMemo

	// recordedDir is the output directory the lock was written with, as
	// read at open (apply changes ws.Lock as it goes).
	recordedDir string
	// lockFileDigest is the digest of the lock file's bytes; LockDigest
	// differs from it when journaled records were replayed (journaled).
	lockFileDigest string
	journaled      int

	// capacity is the capacity memo, read when first asked for.
	capacityOnce sync.Once
	capacity     *lockfile.Capacities
	capacityErr  error
}

// OpenWorkspace reads the lock, manifest and local state of cfg's directory.
func OpenWorkspace(cfg *spec.Config) (*Workspace, error) { return OpenWorkspaceWith(cfg, nil) }

// OpenWorkspaceWith is OpenWorkspace with the lock read ahead (nil: read
// it now). The read is used only if the file is still the one it read.
func OpenWorkspaceWith(cfg *spec.Config, ahead *LockRead) (*Workspace, error) {
	ws := &Workspace{Dir: cfg.Dir, Config: cfg}
	if err := lockfile.CheckStateDir(ws.StateDir()); err != nil {
		return nil, err
	}
	// The lock, the manifest and the stat cache are JSON documents of
	// megabytes each at 10,000 assets: the stat cache is decoded beside
	// the lock, and the manifest after it, to share the outputs the lock
	// records (the same lists, on a no-op plan) rather than copy them.
	var g errgroup.Group
	g.Go(func() error {
		ws.Stat = lockfile.LoadStatCache(ws.StateDir())
		return nil
	})
	lock, digest, ok, err := ahead.result(ws.LockPath())
	if !ok {
		lock, digest, err = lockfile.ReadWithDigest(ws.LockPath())
	}
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	ws.Lock, ws.LockDigest, ws.lockFileDigest = lock, digest, digest
	_, err = os.Lstat(ws.JournalPath())
	if journal := err == nil; journal || !ws.memoHolds() {
		if _, err := ws.Manifest(); err != nil {
			return nil, err
		}
	}
	// What an interrupted apply recorded since it last wrote the lock whole.
	m := ws.manifest
	if m == nil {
		m = lockfile.NewManifest() // the memo held: there was no journal
	}
	ws.journaled, err = lockfile.ReplayJournal(ws.JournalPath(), digest, ws.Lock, m)
	if err != nil {
		return nil, err
	}
	if ws.journaled > 0 && ws.manifest == nil {
		return nil, fmt.Errorf("%s appeared while the lock was read: another seedform is applying in %s; plan again when it is done", ws.JournalPath(), ws.Dir)
	}
	if ws.journaled > 0 {
		// The lock as it will be written: a saved plan made now stays
		// valid once an apply has written the journal into the lock.
		ws.LockDigest = ws.Lock.Digest()
	}
	ws.recordedDir = cfg.OutputDir
	if lock.OutputDir != "" {
		ws.recordedDir = lock.OutputDir
	}
	ws.Staging, err = OpenStaging(filepath.Join(ws.StateDir(), "staging"))
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// memoHolds reports whether the manifest memo is true of the manifest and
// lock files and of the config's meta, and keeps it if so. The meta is
// the config's for each address of the lock: the config must have them
// all, and no other.
func (ws *Workspace) memoHolds() bool {
	mm := lockfile.LoadManifestMemo(ws.StateDir())
	if !mm.Holds(ws.Config.Manifest, ws.ManifestPath(), ws.lockFileDigest) {
		return false
	}
	assets := ws.Config.Assets // sorted by address, as the digest wants
	if len(assets) != len(ws.Lock.Assets) {
		return false
	}
	addrs := make([]string, len(assets))
	for i, a := range assets {
		if ws.Lock.Assets[a.Addr] == nil {
			return false
		}
		addrs[i] = a.Addr
	}
	if lockfile.MetaDigest(addrs, func(i int) json.RawMessage { return assets[i].Meta }) != mm.Meta {
		return false
	}
	ws.memo = mm
	return true
}

// Manifest returns the manifest, for what writes it: as read at open, or,
// when the memo held, made from the lock and the config as the memo says
// the file is.
func (ws *Workspace) Manifest() (*lockfile.Manifest, error) {
	switch {
	case ws.manifest != nil:
	case ws.memo != nil:
		ws.manifest = lockfile.NewManifest()
		ws.manifest.Assets = make(map[string]*lockfile.ManifestEntry, len(ws.Lock.Assets))
		for addr := range ws.Lock.Assets {
			ws.manifest.Assets[addr] = ws.manifestEntry(addr)
		}
	default:
		m, err := lockfile.ReadManifestOf(ws.ManifestPath(), ws.Lock)
		if err != nil {
			return nil, err
		}
		ws.manifest = m
	}
	return ws.manifest, nil
}

// manifestEntry returns the manifest's entry for addr, nil when it has
// none: as read, or, when the memo held at open, as the memo says it is
// (the lock's outputs and the config's meta).
func (ws *Workspace) manifestEntry(addr string) *lockfile.ManifestEntry {
	if ws.manifest != nil && ws.memo == nil {
		return ws.manifest.Assets[addr]
	}
	e, a := ws.Lock.Assets[addr], ws.Config.Asset(addr)
	if e == nil || a == nil {
		return nil
	}
	return &lockfile.ManifestEntry{Files: e.Outputs, Meta: a.Meta}
}

// RememberManifest saves the manifest memo when the manifest was read
// whole and is what the lock and its meta make, so that the next plan
// need not read it; it removes a memo that no longer holds.
func (ws *Workspace) RememberManifest() error {
	if ws.memo != nil {
		return nil // held at open: still true
	}
	var mm *lockfile.ManifestMemo
	if ws.manifest != nil && ws.journaled == 0 {
		mm = lockfile.MemoOf(ws.Config.Manifest, ws.ManifestPath(), ws.manifest, ws.Lock, ws.lockFileDigest)
	}
	return lockfile.SaveManifestMemo(ws.StateDir(), mm)
}

// rememberWritten saves the manifest memo of what the recorder rec, now
// closed, left on disk: its lock and manifest, when it wrote them.
func (ws *Workspace) rememberWritten(rec *lockfile.Recorder) error {
	digest, ok := rec.WrittenLockDigest()
	if !ok {
		return nil // nothing written: the memo, if any, still holds
	}
	m, err := ws.Manifest()
	if err != nil {
		return err
	}
	return lockfile.SaveManifestMemo(ws.StateDir(), lockfile.MemoOf(ws.Config.Manifest, ws.ManifestPath(), m, ws.Lock, digest))
}

// LockRead is a read of the lock started before the config is loaded,
// so that the two overlap: on two cores, parsing the lock of 100,000
// assets took a third of a second of a plan's three.
type LockRead struct {
	path   string
	done   chan struct{}
	read   fs.FileInfo // the file as it was read; nil when that cannot be told
	lock   *lockfile.Lock
	digest string
	err    error
}

// ReadLockAhead starts reading the lock of the configuration directory
// dir. A command that takes the process lock may start it before: what
// it read is used only if the file is unchanged when the workspace opens.
func ReadLockAhead(dir string) *LockRead {
	r := &LockRead{path: filepath.Join(dir, lockfile.FileName), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		before, err := os.Lstat(r.path)
		if err != nil {
			return // absent or unreadable: read when the workspace opens
		}
		r.lock, r.digest, r.err = lockfile.ReadWithDigest(r.path)
		if after, err := os.Lstat(r.path); err == nil && sameFileState(before, after) {
			r.read = before
		}
	}()
	return r
}

// result returns the read of the lock at path if it is still the file
// there (renamed into place, a new lock is a new inode); ok is false when
// there is none, or the file changed.
func (r *LockRead) result(path string) (lock *lockfile.Lock, digest string, ok bool, err error) {
	if r == nil || r.path != path {
		return nil, "", false, nil
	}
	<-r.done
	if now, serr := os.Lstat(path); r.read == nil || serr != nil || !sameFileState(r.read, now) {
		return nil, "", false, nil
	}
	return r.lock, r.digest, true, r.err
}

func sameFileState(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// capacities is the capacity memo, read once; the error says why a
// memo that was there is ignored.
func (ws *Workspace) capacities() (*lockfile.Capacities, error) {
	ws.capacityOnce.Do(func() { ws.capacity, ws.capacityErr = lockfile.LoadCapacities(ws.StateDir()) })
	return ws.capacity, ws.capacityErr
}

// KnownCapacity is what server (as provider.Paced names it) has shown it
// takes in earlier applies in this directory, zero when unknown: what
// provider.Instance.Known asks. Apply updates it from what the providers
// learned.
func (ws *Workspace) KnownCapacity(server string) throttle.Capacity {
	caps, _ := ws.capacities()
	sc, _ := caps.Get(server)
	return throttle.Capacity{Good: sc.Good, Overloaded: sc.Overloaded}
}

// LockPath is the lock file's path.
func (ws *Workspace) LockPath() string { return filepath.Join(ws.Dir, lockfile.FileName) }

// ManifestPath is the manifest's path.
func (ws *Workspace) ManifestPath() string {
	return filepath.Join(ws.Dir, filepath.FromSlash(ws.Config.Manifest))
}

// JournalPath is the journal of finished entries (lockfile.JournalName).
func (ws *Workspace) JournalPath() string { return filepath.Join(ws.StateDir(), lockfile.JournalName) }

// StateDir is the local state directory.
func (ws *Workspace) StateDir() string { return filepath.Join(ws.Dir, StateDirName) }

// OutputPath turns a path relative to the output directory into a file path.
func (ws *Workspace) OutputPath(rel string) string {
	return filepath.Join(ws.Dir, filepath.FromSlash(ws.Config.OutputDir), filepath.FromSlash(rel))
}

// RecordedPath is where a recorded output is now: under the output
// directory the lock was written with, which the config may have moved.
func (ws *Workspace) RecordedPath(rel string) string {
	return filepath.Join(ws.Dir, filepath.FromSlash(ws.recordedOutputDir()), filepath.FromSlash(rel))
}

func (ws *Workspace) recordedOutputDir() string { return ws.recordedDir }

// parkingPath is where a file waits, relative to the config directory,
// while a cycle of moves (two assets swapping paths) is carried out.
// Named by content, so that a plan after an interrupted apply finds it.
func parkingPath(sha string) string {
	return path.Join(StateDirName, "moving", sha)
}

// ConfigPath turns a path relative to the config directory into a file path.
func (ws *Workspace) ConfigPath(rel string) string {
	return filepath.Join(ws.Dir, filepath.FromSlash(rel))
}

const gitignore = ".gitignore"

// confine checks, as a write, rename or delete of name is about to
// happen, that name resolves inside the config directory.
func (ws *Workspace) confine(name string) error { return lockfile.CheckInside(ws.Dir, name) }

// outputTarget is the file path of an output at rel (relative to the
// config directory), checked as it is about to be written: inside the
// config directory, and not in a folder that is git's or seedform's own.
func (ws *Workspace) outputTarget(rel string) (string, error) {
	name := ws.ConfigPath(rel)
	top, _, _ := strings.Cut(path.Clean(filepath.ToSlash(rel)), "/")
	if top == ".git" || top == StateDirName {
		return "", fmt.Errorf("refusing to write %s: %s/ is not a place for outputs; choose another path or output_dir", rel, top)
	}
	if err := ws.confine(name); err != nil {
		return "", err
	}
	// A folder under the config directory that links to .git or
	// .seedform leads there too.
	if real, err := realFolder(name); err == nil {
		for _, own := range []string{".git", StateDirName} {
			if r, err := filepath.EvalSymlinks(filepath.Join(ws.Dir, own)); err == nil && (real == r || strings.HasPrefix(real, r+string(filepath.Separator))) {
				return "", fmt.Errorf("refusing to write %s: its folder leads into %s/ (a symbolic link); outputs never go there", rel, own)
			}
		}
	}
	return name, nil
}

// realFolder resolves the deepest existing folder of name.
func realFolder(name string) (string, error) {
	dir := filepath.Dir(name)
	for {
		if _, err := os.Lstat(dir); err == nil || filepath.Dir(dir) == dir {
			return filepath.EvalSymlinks(dir)
		}
		dir = filepath.Dir(dir)
	}
}

// ensureStateDir creates the state directory with a .gitignore that keeps
// it out of the user's repository.
func ensureStateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ignore := filepath.Join(dir, gitignore)
	if _, err := os.Stat(ignore); errors.Is(err, fs.ErrNotExist) {
		return lockfile.WriteFile(ignore, []byte("# seedform's local state: never commit it\n*\n"))
	}
	return nil
}

// outputFiles is where an asset's outputs go, given what a generation
// returned: an image's one path, or a set's <dir>/<n>.<ext> in order.
func outputFiles(a *spec.Asset, n int) []string {
	if a.Kind == spec.KindImage {
		return []string{a.Path}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s/%d.%s", a.Dir, i+1, a.OutputFormat)
	}
	return out
}
