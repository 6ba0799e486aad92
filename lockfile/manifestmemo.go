package lockfile

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// manifestMemoFile is the manifest memo's name in the state directory.
const manifestMemoFile = "manifest-memo.json"

// manifestMemoVersion is the memo's format; a memo of another is ignored.
const manifestMemoVersion = 1

// ManifestMemo says that the manifest file, as it is on disk, is exactly
// what the lock and the configuration's meta make: each address of the
// lock, no other, with the lock's outputs as its files and the meta whose
// digest it keeps. A plan that finds the memo true of the files (the same
// manifest file, by size, mtime, inode and change time; the same lock
// file, by digest; the same meta in the configuration) knows every entry
// of the manifest without reading it: at 100,000 assets a no-op plan
// otherwise reads 36 MB and decodes all of it to compare meta.
//
// It is local state, written when seedform writes the manifest or has
// read it whole and found it so; a missing or stale memo only costs the
// read.
type ManifestMemo struct {
	Version int `json:"version"`
	// Path is the manifest's path as the config names it.
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Inode   uint64 `json:"ino"`
	CTime   int64  `json:"ctime_ns"`
	// Lock is the digest ("sha256:<hex>") of the lock file the manifest
	// was found to match.
	Lock string `json:"lock"`
	// Meta is MetaDigest of the manifest's entries.
	Meta string `json:"meta"`
}

// MetaDigest digests the meta of each address, in the order given (sorted),
// as the manifest holds it: null and absent are the same.
func MetaDigest(addrs []string, meta func(i int) json.RawMessage) string {
	h := sha256.New()
	for i, addr := range addrs {
		m := meta(i)
		if string(m) == "null" {
			m = nil
		}
		h.Write([]byte(addr))
		h.Write([]byte{0})
		h.Write(m)
		h.Write([]byte{0})
	}
	return sumDigest([sha256.Size]byte(h.Sum(nil)))
}

// MemoOf returns the memo of m, read or written just now at manifestPath
// (named rel in the config) beside the lock l whose file has digest
// lockDigest, if m is what l makes: the same addresses, each with l's
// outputs as its files. It returns nil otherwise, or when the file system
// cannot tell one file from another (no inode).
func MemoOf(rel, manifestPath string, m *Manifest, l *Lock, lockDigest string) *ManifestMemo {
	if lockDigest == "" || len(m.Assets) != len(l.Assets) {
		return nil
	}
	addrs := make([]string, 0, len(m.Assets))
	for addr, me := range m.Assets {
		e := l.Assets[addr]
		if e == nil || !slices.Equal(me.Files, e.Outputs) {
			return nil
		}
		addrs = append(addrs, addr)
	}
	fi, err := os.Lstat(manifestPath)
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	ino, ctime := FileIdentity(fi)
	if ino == 0 {
		return nil
	}
	slices.Sort(addrs)
	return &ManifestMemo{
		Version: manifestMemoVersion, Path: rel, Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Inode: ino, CTime: ctime,
		Lock: lockDigest, Meta: MetaDigest(addrs, func(i int) json.RawMessage { return m.Assets[addrs[i]].Meta }),
	}
}

// Holds reports whether the memo is true of the manifest at manifestPath
// (named rel in the config) beside the lock file of digest lockDigest; the
// caller then checks the meta (MetaDigest).
func (mm *ManifestMemo) Holds(rel, manifestPath, lockDigest string) bool {
	if mm == nil || mm.Version != manifestMemoVersion || mm.Path != rel || mm.Lock != lockDigest || lockDigest == "" {
		return false
	}
	fi, err := os.Lstat(manifestPath)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	ino, ctime := FileIdentity(fi)
	return ino != 0 && fi.Size() == mm.Size && fi.ModTime().UnixNano() == mm.ModTime && ino == mm.Inode && ctime == mm.CTime
}

// LoadManifestMemo reads the memo in stateDir; nil when there is none or
// it cannot be read.
func LoadManifestMemo(stateDir string) *ManifestMemo {
	data, err := ReadFile(filepath.Join(stateDir, manifestMemoFile))
	if err != nil {
		return nil
	}
	var mm ManifestMemo
	if json.Unmarshal(data, &mm) != nil || mm.Version != manifestMemoVersion {
		return nil
	}
	return &mm
}

// SaveManifestMemo writes mm into stateDir, or removes the memo there when
// mm is nil.
func SaveManifestMemo(stateDir string, mm *ManifestMemo) error {
	path := filepath.Join(stateDir, manifestMemoFile)
	if mm == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(mm, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(path, append(data, '\n'))
}
