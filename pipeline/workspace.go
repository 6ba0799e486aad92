package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
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
	Manifest   *lockfile.Manifest
	Stat       *lockfile.StatCache
	Staging    *Staging
}

// OpenWorkspace reads the lock, manifest and local state of cfg's directory.
func OpenWorkspace(cfg *spec.Config) (*Workspace, error) {
	ws := &Workspace{Dir: cfg.Dir, Config: cfg}
	lockPath := ws.LockPath()
	lock, err := lockfile.Read(lockPath)
	if err != nil {
		return nil, err
	}
	ws.Lock = lock
	if b, err := os.ReadFile(lockPath); err == nil {
		ws.LockDigest = digestBytes(b)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	ws.Manifest, err = lockfile.ReadManifest(ws.ManifestPath())
	if err != nil {
		return nil, err
	}
	ws.Stat = lockfile.LoadStatCache(ws.StateDir())
	ws.Staging, err = OpenStaging(filepath.Join(ws.StateDir(), "staging"))
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// LockPath is the lock file's path.
func (ws *Workspace) LockPath() string { return filepath.Join(ws.Dir, lockfile.FileName) }

// ManifestPath is the manifest's path.
func (ws *Workspace) ManifestPath() string {
	return filepath.Join(ws.Dir, filepath.FromSlash(ws.Config.Manifest))
}

// StateDir is the local state directory.
func (ws *Workspace) StateDir() string { return filepath.Join(ws.Dir, StateDirName) }

// OutputPath turns a path relative to the output directory into a file path.
func (ws *Workspace) OutputPath(rel string) string {
	return filepath.Join(ws.Dir, filepath.FromSlash(ws.Config.OutputDir), filepath.FromSlash(rel))
}

// ConfigPath turns a path relative to the config directory into a file path.
func (ws *Workspace) ConfigPath(rel string) string {
	return filepath.Join(ws.Dir, filepath.FromSlash(rel))
}

// ensureStateDir creates the state directory with a .gitignore that keeps
// it out of the user's repository.
func ensureStateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ignore := filepath.Join(dir, ".gitignore")
	if _, err := os.Stat(ignore); errors.Is(err, fs.ErrNotExist) {
		return lockfile.WriteFile(ignore, []byte("# seedform's local state: never commit it\n*\n"))
	}
	return nil
}

func digestBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
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
