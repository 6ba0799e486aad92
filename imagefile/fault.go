package imagefile

import (
	"path/filepath"
	"sync"
)

// Fault stands for a failing disk under Dir, so that tests of the API
// clients and of the pipeline reach a full disk without filling one. It
// is injected with InjectFault; nothing else sets one.
type Fault struct {
	// Dir is the directory the fault covers, with everything under it.
	Dir string
	// Write, when set, is asked before each image file under Dir is
	// created and before each write to it: an error it returns is the
	// disk's (say syscall.ENOSPC).
	Write func() error
	// Free, when set, is what FreeSpace reports for Dir.
	Free func() (free int64, known bool)
}

var (
	faultsMu sync.Mutex
	faults   []*Fault
)

// InjectFault makes f hold until the returned function is called.
// Faults of different directories may be in force at once.
func InjectFault(f *Fault) (remove func()) {
	faultsMu.Lock()
	faults = append(faults, f)
	faultsMu.Unlock()
	return func() {
		faultsMu.Lock()
		defer faultsMu.Unlock()
		for i, g := range faults {
			if g == f {
				faults = append(faults[:i], faults[i+1:]...)
				return
			}
		}
	}
}

// faultFor returns the fault covering name, or nil.
func faultFor(name string) *Fault {
	faultsMu.Lock()
	defer faultsMu.Unlock()
	for _, f := range faults {
		if rel, err := filepath.Rel(f.Dir, name); err == nil && filepath.IsLocal(rel) {
			return f
		}
	}
	return nil
}

// writeFault is the error an injected fault gives a write to name.
func writeFault(name string) error {
	if f := faultFor(name); f != nil && f.Write != nil {
		return f.Write()
	}
	return nil
}
