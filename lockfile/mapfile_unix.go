//go:build unix

package lockfile

import (
	"runtime/debug"
	"syscall"
	"unsafe"
)

// withFile calls use with the bytes of the file at path, read as ReadFile
// reads them, and whether they are a mapping of the file (which
// releaseMapped may give back). use must not keep them, nor anything that
// points into them, after it returns, and must read them in no other
// goroutine but through catchFault.
//
// Here the file is mapped into memory rather than read onto the heap:
// at 100,000 assets the lock, the manifest and the stat cache are 130 MB,
// and on the heap, while they were decoded, they raised the collector's
// goal (twice the heap live when it last ran) by as much again, most of
// a plan's peak memory. The mapping is dropped when use returns.
func withFile(path string, use func(data []byte, mapped bool) error) error {
	f, fi, err := openRegular(path)
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 || int64(int(size)) != size {
		// Nothing to map, or more than the address space holds: read
		// it, to fail as ReadFile does.
		defer f.Close()
		data, err := readOpen(f, fi)
		if err != nil {
			return err
		}
		return use(data, false)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		defer f.Close()
		data, err := readOpen(f, fi)
		if err != nil {
			return err
		}
		return use(data, false)
	}
	f.Close() // the mapping keeps the file
	fault := catchFault(data, func() { err = use(data, true) })
	syscall.Munmap(data)
	if fault == nil {
		return err
	}
	// The file was cut short while use read it: the pages past its new
	// end are gone. Read what it holds now instead.
	data, err = ReadFile(path)
	if err != nil {
		return err
	}
	return use(data, false)
}

// catchFault calls f, which reads data, a mapping of a file, and returns
// the panic of a fault on reading it (the file truncated under it:
// SIGBUS) rather than crashing the process; nil when f returned. Each
// goroutine that reads a mapping must read it through catchFault, which
// turns faults into panics for the goroutine it runs in.
func catchFault(data []byte, f func()) (fault any) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if e, ok := r.(interface{ Addr() uintptr }); ok {
			start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
			if addr := e.Addr(); addr >= start && addr < start+uintptr(len(data)) {
				fault = r
				return
			}
		}
		panic(r)
	}()
	f()
	return nil
}
