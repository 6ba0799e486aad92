package gitlfs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// MaxSize is the largest a pointer file may be, by the spec.
const MaxSize = 1024

// Pointer is a parsed Git LFS pointer.
type Pointer struct {
	// SHA256 is the hex sha256 of the file the pointer stands for.
	SHA256 string
	// Size is that file's size in bytes.
	Size int64
}

func (p Pointer) String() string {
	return fmt.Sprintf("Git LFS pointer to sha256:%s, %d bytes", p.SHA256, p.Size)
}

// versions are the spec URLs a pointer's first line may name.
var versions = []string{
	"https://git-lfs.github.com/spec/v1",
	"https://hawser.github.com/spec/v1", // pre-release clients wrote this
}

// Parse reads b as a pointer file: "key value" lines, each ending in a
// newline, "version" first and the others in ascending key order, with
// an "oid sha256:<64 hex digits>" and a "size <bytes>". It reports false
// for anything else.
func Parse(b []byte) (Pointer, bool) {
	if len(b) == 0 || len(b) >= MaxSize || b[len(b)-1] != '\n' {
		return Pointer{}, false
	}
	var p Pointer
	var haveOID, haveSize bool
	prev := ""
	for i, line := range strings.Split(string(b[:len(b)-1]), "\n") {
		key, val, ok := strings.Cut(line, " ")
		if !ok || key == "" || val == "" {
			return Pointer{}, false
		}
		if i == 0 {
			if key != "version" || !slices.Contains(versions, val) {
				return Pointer{}, false
			}
			continue
		}
		if key <= prev || !validKey(key) {
			return Pointer{}, false // out of order, repeated, or not a key
		}
		prev = key
		switch key {
		case "oid":
			hex, ok := strings.CutPrefix(val, "sha256:")
			if !ok || !isHex64(hex) {
				return Pointer{}, false
			}
			p.SHA256, haveOID = hex, true
		case "size":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil || n < 0 || strconv.FormatInt(n, 10) != val {
				return Pointer{}, false
			}
			p.Size, haveSize = n, true
		}
	}
	return p, haveOID && haveSize
}

// ReadFile reads name as a pointer when it is small enough to be one.
// It reports false, and no error, for a file that is not a pointer.
func ReadFile(name string) (Pointer, bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return Pointer{}, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize))
	if err != nil {
		return Pointer{}, false, err
	}
	if len(b) >= MaxSize || !bytes.HasPrefix(b, []byte("version ")) {
		return Pointer{}, false, nil
	}
	p, ok := Parse(b)
	return p, ok, nil
}

// validKey is the spec's key alphabet: [a-z0-9.-].
func validKey(k string) bool {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
