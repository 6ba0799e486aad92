//go:build linux

package lockfile

import (
	"io/fs"
	"syscall"
)

// fileIdentity is fi's inode number and change time (ns), what the stat
// cache adds to size and mtime to know a file again.
func fileIdentity(fi fs.FileInfo) (inode uint64, ctimeNS int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ino, st.Ctim.Nano()
}
