//go:build linux

package lockfile

import (
	"io/fs"
	"syscall"
)

// FileIdentity is fi's inode number and change time (ns), what the stat
// cache adds to size and mtime to know a file again: asked of fi itself
// when it can say (an Identified, such as a stat kept in a smaller form),
// else read from its syscall.Stat_t.
func FileIdentity(fi fs.FileInfo) (inode uint64, ctimeNS int64) {
	if id, ok := fi.(Identified); ok {
		return id.FileIdentity()
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ino, st.Ctim.Nano()
}
