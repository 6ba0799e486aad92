package spec

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// cleanRelPath checks a path the user wrote relative to some root (the
// config dir or the output dir) and returns it cleaned, with forward
// slashes. problem says what is wrong, "" when nothing is. Backslashes are
// refused rather than converted so that a config means the same on every OS.
func cleanRelPath(p string, allowRoot bool) (clean, problem string) {
	switch {
	case p == "":
		return "", "is empty"
	case strings.ContainsRune(p, '\\'):
		return "", "contains a backslash; use forward slashes"
	case path.IsAbs(p) || filepath.IsAbs(p) || hasDriveLetter(p):
		return "", "is absolute"
	}
	c := path.Clean(p)
	switch {
	case c == ".." || strings.HasPrefix(c, "../"):
		return "", "leads outside its directory"
	case c == "." && !allowRoot:
		return "", "names the directory itself, not a file in it"
	}
	return c, ""
}

func hasDriveLetter(p string) bool {
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// joinSlash joins slash paths, treating "." as the empty prefix.
func joinSlash(dir, p string) string {
	if dir == "." {
		return p
	}
	return dir + "/" + p
}

// treeChecker verifies that clean relative paths under root do not pass
// through a symlink that leads outside root. It caches what it learns about
// each directory, so checking many files in one folder costs one walk.
type treeChecker struct {
	root     string // absolute
	rootReal string // root with symlinks resolved ("" until needed)
	dirs     map[string]dirState
	// files holds the Lstat of each output checked that is a regular
	// file, by rel: the plan reuses it rather than asking again.
	files map[string]outputStat
}

type dirState struct {
	exists  bool
	problem string
}

func newTreeChecker(root string) *treeChecker {
	return &treeChecker{root: root, dirs: map[string]dirState{".": {exists: true}}}
}

// check returns why rel (a clean slash path) is unsafe to write, or "".
func (t *treeChecker) check(rel string) string {
	if rel == "." {
		return ""
	}
	parent := t.dir(path.Dir(rel))
	if parent.problem != "" || !parent.exists {
		return parent.problem
	}
	st := t.component(rel, true)
	return st.problem
}

// checkDir returns why the directory rel is unsafe to write into, or "".
func (t *treeChecker) checkDir(rel string) string {
	return t.dir(rel).problem
}

// dir returns the state of a directory, walking its ancestors first.
func (t *treeChecker) dir(rel string) dirState {
	if st, ok := t.dirs[rel]; ok {
		return st
	}
	parent := t.dir(path.Dir(rel))
	st := parent
	if parent.problem == "" && parent.exists {
		st = t.component(rel, false)
	}
	t.dirs[rel] = st
	return st
}

// component inspects one existing-parent path element on disk.
func (t *treeChecker) component(rel string, last bool) dirState {
	full := filepath.Join(t.root, filepath.FromSlash(rel))
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return dirState{}
	}
	if err != nil {
		return dirState{problem: "cannot be checked: " + err.Error()}
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(full)
		if err != nil {
			return dirState{problem: "passes through the symlink " + rel + ", which cannot be resolved"}
		}
		if !within(t.realRoot(), target) {
			return dirState{problem: "passes through the symlink " + rel + ", which leads outside " + t.root}
		}
		fi, err = os.Stat(full)
		if err != nil {
			return dirState{problem: "cannot be checked: " + err.Error()}
		}
	}
	if !last && !fi.IsDir() {
		return dirState{problem: "passes through " + rel + ", which is a file, not a directory"}
	}
	if last && fi.IsDir() {
		return dirState{problem: "is an existing directory"}
	}
	if last && fi.Mode().IsRegular() {
		if t.files == nil {
			t.files = map[string]outputStat{}
		}
		t.files[rel] = newOutputStat(fi)
	}
	return dirState{exists: true}
}

func (t *treeChecker) realRoot() string {
	if t.rootReal == "" {
		t.rootReal = realPath(t.root)
	}
	return t.rootReal
}

// realPath resolves the symlinks of the longest existing prefix of p.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(realPath(parent), filepath.Base(p))
}

// within reports whether p is root or below it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
