package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// StateDirName is the local state directory in the configuration
// directory: the process lock and caches, never committed.
const StateDirName = ".seedform"

// lockPollInterval is how often a waiting Acquire retries the lock.
const lockPollInterval = 100 * time.Millisecond

// ProcessLock is the exclusive right to change a configuration directory's
// lock, manifest and images, held by one seedform process at a time.
type ProcessLock struct {
	f *os.File
}

// Holder describes the process holding the lock, so that the one waiting
// can tell the user whom it waits for.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// LockedError is returned when another process holds the lock.
type LockedError struct {
	Path string
	// Holder is nil when the holder's description could not be read (it
	// was being written, or an older build holds the lock).
	Holder *Holder
	// Waited is how long Acquire waited; 0 when it failed at once.
	Waited time.Duration
}

func (e *LockedError) Error() string {
	who := ""
	if h := e.Holder; h != nil {
		host := ""
		if name, _ := os.Hostname(); h.Host != "" && h.Host != name {
			host = " on " + h.Host
		}
		who = fmt.Sprintf(" (pid %d%s, %q, since %s)", h.PID, host, h.Command, h.Since.Format(time.RFC3339))
	}
	waited := ""
	if e.Waited > 0 {
		waited = fmt.Sprintf("after waiting %s, ", e.Waited.Round(time.Millisecond))
	}
	return fmt.Sprintf("%sanother seedform process holds the lock%s: wait for it, or use -lock-timeout=DURATION", waited, who)
}

// Acquire takes the process lock <stateDir>/lock, creating stateDir, and
// writes holder (the command, such as "apply") with this process's pid,
// host and start time into it. With timeout 0 it fails at once when the
// lock is held; otherwise it retries until timeout has passed.
//
// The lock is flock(2) on an open file: the kernel drops it when the
// process dies, so a crash never leaves a stale lock behind. The file is
// never removed, because a waiter may already have it open and would then
// lock a file nobody else sees.
func Acquire(stateDir string, timeout time.Duration, holder string) (*ProcessLock, error) {
	if err := CheckStateDir(stateDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, "lock")
	// O_NOFOLLOW: the holder is written into the file, never through a
	// link to one elsewhere.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|NoFollow, 0o644)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for {
		held, err := tryLock(f)
		if err == nil && !held {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		waited := time.Since(start)
		if waited >= timeout {
			f.Close()
			locked := &LockedError{Path: path, Holder: readHolder(path)}
			if timeout > 0 {
				locked.Waited = waited
			}
			return nil, locked
		}
		time.Sleep(min(lockPollInterval, timeout-waited))
	}
	host, _ := os.Hostname()
	desc, err := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: holder, Since: time.Now().UTC().Truncate(time.Second)})
	if err == nil {
		err = writeHolder(f, desc)
	}
	if err != nil {
		f.Close() // closing the descriptor releases the flock
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &ProcessLock{f: f}, nil
}

func writeHolder(f *os.File, desc []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt(append(desc, '\n'), 0)
	return err
}

// readHolder returns the holder's description, or nil if it cannot be read.
func readHolder(path string) *Holder {
	data, err := ReadFile(path)
	if err != nil {
		return nil
	}
	var h Holder
	if json.Unmarshal(data, &h) != nil || h.PID == 0 {
		return nil
	}
	return &h
}

// Release clears the holder's description and gives up the lock.
func (l *ProcessLock) Release() error {
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	// Clear first, while still holding the lock, so that a description in
	// the file always names the current holder.
	truncErr := f.Truncate(0)
	unlockErr := unlock(f)
	closeErr := f.Close()
	if err := errors.Join(truncErr, unlockErr, closeErr); err != nil {
		return fmt.Errorf("releasing %s: %w", f.Name(), err)
	}
	return nil
}
