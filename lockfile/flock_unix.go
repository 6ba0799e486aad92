//go:build unix

package lockfile

import (
	"errors"
	"os"
	"syscall"
)

// NoFollow is the open flag that refuses a symbolic link at the path itself.
const NoFollow = syscall.O_NOFOLLOW

// tryLock takes flock(2)'s exclusive lock on f without waiting; held is
// true when another process has it.
func tryLock(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR) {
		return true, nil
	}
	return false, err
}

func unlock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
