package imagefile

// FreeSpace returns the bytes an unprivileged writer may still use on the
// file system holding dir (or its nearest existing parent); known is false
// where the platform cannot tell, and the caller then goes ahead.
func FreeSpace(dir string) (free int64, known bool) {
	if f := faultFor(dir); f != nil && f.Free != nil {
		return f.Free()
	}
	return freeSpace(dir)
}
