//go:build !unix

package lockfile

// withFile calls use with the bytes of the file at path, read by
// ReadFile (see the unix version, which maps the file instead).
func withFile(path string, use func(data []byte, mapped bool) error) error {
	data, err := ReadFile(path)
	if err != nil {
		return err
	}
	return use(data, false)
}

// catchFault calls f: data is never a mapping here.
func catchFault(data []byte, f func()) (fault any) {
	f()
	return nil
}
