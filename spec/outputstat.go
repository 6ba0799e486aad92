package spec

import (
	"io/fs"
	"path"
	"time"

	"github.com/seedform/seedform/lockfile"
)

// outputStat is what Load's Lstat of an output file found, kept small: a
// 100,000-asset config held the os.FileInfo of each output (its whole
// syscall.Stat_t, about 210 bytes) for the plan to reuse. It keeps what a
// plan reads of it: size, mode, mtime, and the identity the stat cache
// compares (lockfile.FileIdentity: inode and ctime).
type outputStat struct {
	size    int64
	mtimeNS int64
	ctimeNS int64
	inode   uint64
	mode    fs.FileMode
}

func newOutputStat(fi fs.FileInfo) outputStat {
	ino, ctime := lockfile.FileIdentity(fi)
	return outputStat{size: fi.Size(), mtimeNS: fi.ModTime().UnixNano(), ctimeNS: ctime, inode: ino, mode: fi.Mode()}
}

// outputInfo is an outputStat as the fs.FileInfo Config.OutputLstat returns.
type outputInfo struct {
	name string
	st   outputStat
}

func (i *outputInfo) Name() string       { return i.name }
func (i *outputInfo) Size() int64        { return i.st.size }
func (i *outputInfo) Mode() fs.FileMode  { return i.st.mode }
func (i *outputInfo) ModTime() time.Time { return time.Unix(0, i.st.mtimeNS) }
func (i *outputInfo) IsDir() bool        { return i.st.mode.IsDir() }

// Sys is nil: what the stat cache reads of a Stat_t, the inode and the
// change time, the stat says itself.
func (i *outputInfo) Sys() any { return nil }

// FileIdentity implements lockfile.Identified.
func (i *outputInfo) FileIdentity() (inode uint64, ctimeNS int64) { return i.st.inode, i.st.ctimeNS }

func (st outputStat) info(rel string) fs.FileInfo {
	return &outputInfo{name: path.Base(rel), st: st}
}
