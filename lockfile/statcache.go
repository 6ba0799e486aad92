package lockfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// statCacheFile is the stat cache's name in the state directory.
const statCacheFile = "statcache.json"

// racyWindow is how recent a modification may be for its hash to be
// cached. A file changed again within the file system's timestamp
// granularity after being hashed keeps its size and mtime; refusing recent
// files (git's "racy clean" problem) keeps such a change from hiding.
const racyWindow = 2 * time.Second

// StatCache remembers the sha256 of files by path, size and modification
// time, so that plan does not re-read large files that have not changed.
// It is local state: a missing or damaged cache only costs re-hashing.
// It is safe for concurrent use.
type StatCache struct {
	path string
	// root is the directory holding the state directory: entries are
	// keyed by paths relative to it, so that "-chdir=site" and "cd site"
	// (or an absolute path) find the same entries.
	root string
	now  func() time.Time
	// reads counts the files hashed by reading them.
	reads atomic.Int64

	mu      sync.Mutex
	entries map[string]cachedFile
	dirty   bool
}

// cachedFile is a statEntry as the cache holds it: the hash as its 32
// bytes rather than a string of 64 hex digits, a third of the entry's
// memory at 100,000 files.
type cachedFile struct {
	Size    int64
	ModTime int64
	Inode   uint64
	CTime   int64
	SHA256  [sha256.Size]byte
	// used marks an entry looked up or stored in this run; Save keeps
	// only those, so entries of deleted files do not pile up.
	used bool
}

type statEntry struct {
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime_ns"`
	// Inode and CTime tell one file from another that has the same size
	// and mtime: a file renamed onto the path (a rename keeps the mtime,
	// and two files written within one clock tick share it) has another
	// inode, and any write or rename of the file itself moves its ctime.
	// Zero where the platform gives neither.
	Inode  uint64 `json:"ino,omitempty"`
	CTime  int64  `json:"ctime_ns,omitempty"`
	SHA256 string `json:"sha256"`
}

// statCacheVersion is the cache file's format; a cache of another version
// is dropped (it only costs re-hashing). 2 added inode and ctime.
const statCacheVersion = 2

// newCachedFile is the entry of a file fi describes, hashing to sha; ok is
// false when sha is not a sha256 in lowercase hex, which the cache does
// not hold (it would not write it back as it was given).
func newCachedFile(fi fs.FileInfo, sha string) (e cachedFile, ok bool) {
	ino, ctime := FileIdentity(fi)
	e = cachedFile{Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), Inode: ino, CTime: ctime}
	return e, decodeSHA256(&e.SHA256, sha)
}

// compact is e as the cache holds it; ok is false when its hash is not a
// sha256 in lowercase hex or its size is negative: such an entry is
// dropped (it only costs re-hashing).
func (e *statEntry) compact() (c cachedFile, ok bool) {
	c = cachedFile{Size: e.Size, ModTime: e.ModTime, Inode: e.Inode, CTime: e.CTime}
	return c, decodeSHA256(&c.SHA256, e.SHA256) && e.Size >= 0
}

// decodeSHA256 decodes sha, a sha256 in lowercase hex (as validHex
// accepts it), into sum; false when sha is not one. Unlike hex.Decode it
// takes a string, which it does not copy.
func decodeSHA256(sum *[sha256.Size]byte, sha string) bool {
	if !validHex(sha) {
		return false
	}
	for i := range sum {
		sum[i] = unhex(sha[2*i])<<4 | unhex(sha[2*i+1])
	}
	return true
}

// unhex is the value of c, a lowercase hex digit.
func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// entry is e as the file holds it.
func (e *cachedFile) entry() *statEntry {
	return &statEntry{Size: e.Size, ModTime: e.ModTime, Inode: e.Inode, CTime: e.CTime, SHA256: e.hex()}
}

// hex is e's hash in lowercase hex, in one allocation (hex.EncodeToString
// takes two): plan asks it of every output.
func (e *cachedFile) hex() string {
	var buf [2 * sha256.Size]byte
	hex.Encode(buf[:], e.SHA256[:])
	return string(buf[:])
}

// matches reports whether fi, a fresh stat, describes the file e was taken of.
func (e *cachedFile) matches(fi fs.FileInfo) bool {
	ino, ctime := FileIdentity(fi)
	return e.Size == fi.Size() && e.ModTime == fi.ModTime().UnixNano() && e.Inode == ino && e.CTime == ctime
}

type statCacheDoc struct {
	Version int                  `json:"version"`
	Files   map[string]statEntry `json:"files"`
}

// LoadStatCache reads <stateDir>/statcache.json. A missing or unreadable
// cache is an empty one.
func LoadStatCache(stateDir string) *StatCache {
	c := &StatCache{
		path:    filepath.Join(stateDir, statCacheFile),
		root:    filepath.Dir(stateDir),
		now:     time.Now,
		entries: map[string]cachedFile{},
	}
	var files map[string]cachedFile
	withFile(c.path, func(data []byte, mapped bool) error {
		if fast, ok := fastDecodeStatCache(data, mapped); ok {
			files = fast
			return nil
		}
		var f statCacheDoc
		if json.Unmarshal(data, &f) != nil || f.Version != statCacheVersion || f.Files == nil {
			return nil // "files": null is an empty cache, not a nil map to write to
		}
		files = make(map[string]cachedFile, len(f.Files))
		for p, e := range f.Files {
			if e, ok := e.compact(); ok {
				files[p] = e
			}
		}
		return nil
	})
	if files != nil {
		c.entries = files
	}
	return c
}

// SHA256 returns the cached hash of path if fi (a fresh stat of it) has
// the size and modification time the hash was taken at.
func (c *StatCache) SHA256(path string, fi fs.FileInfo) (string, bool) {
	path = c.key(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[path]
	if !ok || !e.matches(fi) {
		return "", false
	}
	if !e.used {
		e.used = true
		c.entries[path] = e
	}
	return e.hex(), true
}

// Put records that path, as described by fi, hashes to sha (lowercase
// hex). A file modified in the last moments is not cached (see racyWindow).
func (c *StatCache) Put(path string, fi fs.FileInfo, sha string) {
	path = c.key(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now().Sub(fi.ModTime()) < racyWindow {
		if _, ok := c.entries[path]; ok {
			delete(c.entries, path)
			c.dirty = true
		}
		return
	}
	c.store(path, fi, sha)
}

// Written records that seedform itself just wrote path (as fi describes it)
// with content hashing to sha, which it computed from the bytes it wrote.
// Unlike Put it does not wait out racyWindow: the racy case is a file
// changed again after it was hashed but within the same timestamp tick,
// and here the hash was taken before the file existed at path. On a file
// system whose timestamps carry no sub-second part, or where files carry
// no inode and ctime, a later change could go unseen, so there Written
// behaves as Put.
// Apply calls it for every file it places, so that the first plan after an
// apply reads no image that apply wrote.
func (c *StatCache) Written(path string, fi fs.FileInfo, sha string) {
	if ino, _ := FileIdentity(fi); ino == 0 || fi.ModTime().Nanosecond() == 0 {
		c.Put(path, fi, sha)
		return
	}
	path = c.key(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.store(path, fi, sha)
}

// store sets the entry of key path, used in this run. c.mu is held.
func (c *StatCache) store(path string, fi fs.FileInfo, sha string) {
	e, ok := newCachedFile(fi, sha)
	if !ok {
		// Not a hash the cache can hold: forget what it held instead.
		if _, ok := c.entries[path]; ok {
			delete(c.entries, path)
			c.dirty = true
		}
		return
	}
	e.used = true
	old, ok := c.entries[path]
	old.used = true
	if !ok || old != e {
		c.dirty = true
	}
	c.entries[path] = e
}

// key is path relative to the cache's root when it lies inside it, as a
// slash path; other paths are kept as they are.
func (c *StatCache) key(path string) string {
	rel, err := filepath.Rel(c.root, path)
	if err != nil || !filepath.IsLocal(rel) {
		return path
	}
	return filepath.ToSlash(rel)
}

// Save writes the cache atomically if Put changed it, keeping only the
// entries used since it was loaded.
func (c *StatCache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	files := make(map[string]*statEntry)
	for p, e := range c.entries {
		if e.used {
			files[p] = e.entry()
		}
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	// Encoded straight into the file, entry by entry, as the lock is:
	// the same bytes as encodeJSON's, without the whole document (and
	// encoding/json's sorting of 100,000 keys) in memory at once.
	head := statCacheDoc{Version: statCacheVersion}
	write := func(w io.Writer) error {
		return encodeDoc(w, &head, files, nil, func(e *statEntry) any { return e })
	}
	if _, err := writeFileStream(c.path, write, nil); err != nil {
		return err
	}
	c.dirty = false
	return nil
}

// Sum returns the sha256 (lowercase hex) of the file at path, which fi (a
// fresh stat of it) describes: from the cache when fi matches, else by
// reading the file, caching the result when the file did not change size
// while it was read.
func (c *StatCache) Sum(path string, fi fs.FileInfo) (string, error) {
	if sha, ok := c.SHA256(path, fi); ok {
		return sha, nil
	}
	c.reads.Add(1)
	sha, size, err := HashFile(path)
	if err != nil {
		return "", err
	}
	if size == fi.Size() {
		c.Put(path, fi, sha)
	}
	return sha, nil
}

// Reads is how many files Sum and Hash have read since the cache was
// loaded: what the cache did not spare.
func (c *StatCache) Reads() int { return int(c.reads.Load()) }

// Hash returns the sha256 (lowercase hex) and size of the regular file at
// path, from the cache when its size and mtime match, else by reading it
// and caching the result.
func (c *StatCache) Hash(path string) (sha256hex string, size int64, err error) {
	// Stat before reading: if the file changes while it is hashed, its new
	// mtime will not match the one cached, so the stale hash is never used.
	fi, err := os.Stat(path)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", path)
	}
	sha, err := c.Sum(path, fi)
	return sha, fi.Size(), err
}

// HashFile streams path through sha256 and returns the lowercase hex
// digest and the number of bytes read.
func HashFile(path string) (sha256hex string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// Identified is a file's stat that says its own identity (FileIdentity)
// rather than carrying a syscall.Stat_t: a stat kept in a smaller form
// than os.FileInfo's.
type Identified interface {
	fs.FileInfo
	FileIdentity() (inode uint64, ctimeNS int64)
}
