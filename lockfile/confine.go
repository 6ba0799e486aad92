package lockfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// CheckInside reports an error unless name, when written, renamed or
// removed now, stays inside root: its deepest existing folder resolves,
// symbolic links followed, to root or a folder under it. It is asked at
// the moment of acting, not when the path was planned, because a folder
// may have been replaced by a link to elsewhere since (a hostile clone, a
// user's edit during a long apply). name itself may be a link: renaming
// over it or removing it changes the link, never what it points to.
func CheckInside(root, name string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	dir := filepath.Dir(name)
	for {
		if _, err := os.Lstat(dir); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || !(rel == "." || filepath.IsLocal(rel)) {
		return &OutsideError{Name: name, Resolved: real, Root: root}
	}
	return nil
}

// OutsideError is a path that leads out of the configuration directory.
type OutsideError struct {
	Name, Resolved, Root string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("refusing to touch %s: its folder leads to %s, outside %s (a symbolic link); replace the link with a real folder", e.Name, e.Resolved, e.Root)
}

// CheckStateDir refuses a state directory that is a symbolic link: the
// process lock, staging and paid images would live wherever it points (a
// link committed to a cloned repository), and apply would clean up there.
func CheckStateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		target, _ := os.Readlink(dir)
		if target != "" {
			return fmt.Errorf("%s is a symbolic link to %s: seedform keeps its local state only in a real folder; remove the link (rm %s) and run again", dir, target, dir)
		}
		return fmt.Errorf("%s is not a folder: seedform keeps its local state there; remove it and run again", dir)
	}
	return nil
}

// ReadFile is os.ReadFile for the files seedform keeps (the lock, the
// manifest, journals, the stat cache): it refuses anything but a regular
// file without blocking on it, and reads no more than the file's size
// when opened. A FIFO would hang plan forever and a link to /dev/zero
// would fill memory: a hostile clone can commit links, and they point
// wherever it likes.
func ReadFile(path string) ([]byte, error) {
	f, fi, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpen(f, fi)
}

// openRegular opens path for reading if it is a regular file (see ReadFile).
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: errors.New("not a regular file (a FIFO, a device, a socket or a folder): seedform reads only files it wrote; remove it")}
	}
	return f, fi, nil
}

// readOpen reads f, which fi describes, from where it stands.
func readOpen(f *os.File, fi fs.FileInfo) ([]byte, error) {
	// One allocation of the size the file had when opened, and one byte
	// more to see a file that grew (as io.ReadAll of a LimitReader did,
	// without its growing and copying).
	buf := make([]byte, fi.Size()+1)
	n, err := io.ReadFull(f, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:n:n], err
}
