//go:build !linux

package spec

import "io/fs"

// fileIdentity gives nothing here, as lockfile's stat cache reads nothing
// from Sys on this platform.
func fileIdentity(fs.FileInfo) (inode uint64, ctimeNS int64) { return 0, 0 }

// fileSys is nil: nothing reads the Sys of an output's Lstat here.
func fileSys(outputStat) any { return nil }
