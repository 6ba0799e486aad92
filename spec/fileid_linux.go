//go:build linux

package spec

import (
	"io/fs"
	"syscall"
)

// fileIdentity is fi's inode number and change time (ns), as lockfile's
// stat cache reads them to know a file again.
func fileIdentity(fi fs.FileInfo) (inode uint64, ctimeNS int64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ino, st.Ctim.Nano()
}

// fileSys is the Sys of an outputStat: a syscall.Stat_t with what lockfile
// reads of one (inode, ctime) and the size and mtime it goes with.
func fileSys(st outputStat) any {
	return &syscall.Stat_t{Ino: st.inode, Size: st.size,
		Mtim: syscall.NsecToTimespec(st.mtimeNS), Ctim: syscall.NsecToTimespec(st.ctimeNS)}
}
