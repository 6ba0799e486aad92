package lockfile

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile replaces path with data atomically: readers see the old file
// or the new one, never a part, even after a crash. The temp file lives in
// the same directory (rename does not cross file systems) and is removed
// on any error. A new file gets mode 0644; an existing file keeps its mode.
func WriteFile(path string, data []byte) error {
	_, err := writeFileStream(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, nil)
	return err
}

// writeFileStream is WriteFile for a document encoded straight into the
// temp file, not held whole in memory first. It returns the sha256 of
// what it wrote; when unchanged says yes to it, the file is left as it
// was (the temp file is removed).
func writeFileStream(path string, write func(io.Writer) error, unchanged func(sum [sha256.Size]byte) bool) (sum [sha256.Size]byte, err error) {
	dir := filepath.Dir(path)
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return sum, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return sum, fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	keep := false
	defer func() {
		if err != nil || !keep {
			f.Close()
			os.Remove(tmp)
		}
		if err != nil {
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 256<<10)
	if err := write(bw); err != nil {
		return sum, err
	}
	if err := bw.Flush(); err != nil {
		return sum, err
	}
	h.Sum(sum[:0])
	if unchanged != nil && unchanged(sum) {
		return sum, nil
	}
	if err := f.Chmod(perm); err != nil {
		return sum, err
	}
	// Without the sync a crash after the rename can leave an empty file.
	if err := f.Sync(); err != nil {
		return sum, err
	}
	if err := f.Close(); err != nil {
		return sum, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return sum, err
	}
	keep = true
	return sum, SyncDir(dir)
}

// SyncDir makes a rename or a new file in dir durable: the new directory
// entry is only on disk once the directory itself is synced.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RemoveTemps deletes the temp files that WriteFile calls for path left
// behind when the process was killed between creating and renaming them.
// Only a caller holding the process lock may call it: another process's
// write in progress would lose its temp file.
func RemoveTemps(path string) error {
	names, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".tmp-*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if err := os.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}
