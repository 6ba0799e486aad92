//go:build linux || darwin

package imagefile

import (
	"path/filepath"
	"syscall"
)

func freeSpace(dir string) (int64, bool) {
	for {
		var st syscall.Statfs_t
		err := syscall.Statfs(dir, &st)
		if err == nil {
			return int64(st.Bavail) * int64(st.Bsize), true
		}
		parent := filepath.Dir(dir)
		if err != syscall.ENOENT || parent == dir {
			return 0, false
		}
		dir = parent // staging is made on the first answer
	}
}
