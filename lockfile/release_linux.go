package lockfile

import "syscall"

// releaseMapped gives back to the kernel the pages of data, a mapping of
// a file, from from (the end of those given back before) to to, and
// returns where it stopped: the start of the page holding to. The pages
// are read from the file again if they are read again.
func releaseMapped(data []byte, from, to int) int {
	end := to &^ (syscall.Getpagesize() - 1)
	if end > from {
		syscall.Madvise(data[from:end], syscall.MADV_DONTNEED)
		return end
	}
	return from
}
