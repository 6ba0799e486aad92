//go:build !linux

package lockfile

import "io/fs"

// FileIdentity gives nothing here: the stat cache then keeps to size,
// mtime and its racy window (see StatCache.Written).
func FileIdentity(fs.FileInfo) (inode uint64, ctimeNS int64) { return 0, 0 }
