//go:build !(linux || darwin)

package imagefile

// freeSpace cannot tell on this platform: the request goes ahead, and a
// disk that fills is met by holding the paid image in memory (SpoolInline).
func freeSpace(string) (int64, bool) { return 0, false }
