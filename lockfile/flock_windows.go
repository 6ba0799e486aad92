package lockfile

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// NoFollow is nothing here: Windows opens a symbolic link's target, and
// CheckStateDir and CheckInside refuse links on the way.
const NoFollow = 0

// tryLock takes LockFileEx's exclusive lock on f's first byte without
// waiting; held is true when another process has it. Like flock, the
// system drops it when the process dies.
func tryLock(f *os.File) (held bool, err error) {
	var ol windows.Overlapped
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, err
}

func unlock(f *os.File) error {
	var ol windows.Overlapped
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}
