package gitlfs

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"

func TestParse(t *testing.T) {
	t.Parallel()
	good := "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 12345\n"
	if p, ok := Parse([]byte(good)); !ok || p.SHA256 != oid || p.Size != 12345 {
		t.Fatalf("Parse(good) = %+v, %v", p, ok)
	}
	ext := "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:" + oid + "\noid sha256:" + oid + "\nsize 0\n"
	if p, ok := Parse([]byte(ext)); !ok || p.Size != 0 {
		t.Errorf("Parse(with an extension) = %+v, %v", p, ok)
	}
	bad := map[string]string{
		"no trailing newline":     strings.TrimSuffix(good, "\n"),
		"version not first":       "oid sha256:" + oid + "\nversion https://git-lfs.github.com/spec/v1\nsize 1\n",
		"unknown version":         strings.Replace(good, "spec/v1", "spec/v2", 1),
		"keys out of order":       "version https://git-lfs.github.com/spec/v1\nsize 1\noid sha256:" + oid + "\n",
		"key repeated":            strings.Replace(good, "size 12345\n", "size 12345\nsize 12345\n", 1),
		"no size":                 strings.Replace(good, "size 12345\n", "", 1),
		"no oid":                  strings.Replace(good, "oid sha256:"+oid+"\n", "", 1),
		"md5 oid":                 strings.Replace(good, "sha256:", "md5:", 1),
		"short oid":               strings.Replace(good, oid, oid[:63], 1),
		"upper-case oid":          strings.Replace(good, oid, strings.ToUpper(oid), 1),
		"negative size":           strings.Replace(good, "12345", "-1", 1),
		"size with a plus":        strings.Replace(good, "12345", "+12345", 1),
		"size with leading zeros": strings.Replace(good, "12345", "012345", 1),
		"CRLF":                    strings.ReplaceAll(good, "\n", "\r\n"),
		"blank line":              good + "\n",
		"too large":               good + strings.Repeat("x", MaxSize),
		"empty":                   "",
		"a PNG":                   "\x89PNG\r\n\x1a\n",
	}
	for name, in := range bad {
		if p, ok := Parse([]byte(in)); ok {
			t.Errorf("%s: Parse accepted it as %+v", name, p)
		}
	}
}

func TestReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ptr := write("ptr.png", "version https://git-lfs.github.com/spec/v1\noid sha256:"+oid+"\nsize 7\n")
	if p, ok, err := ReadFile(ptr); err != nil || !ok || p.Size != 7 {
		t.Errorf("ReadFile(pointer) = %+v, %v, %v", p, ok, err)
	}
	// A large file starting like a pointer is read only up to MaxSize.
	big := write("big.png", "version https://git-lfs.github.com/spec/v1\n"+strings.Repeat("x", 4*MaxSize))
	if _, ok, err := ReadFile(big); ok || err != nil {
		t.Errorf("ReadFile(big) = %v, %v; want not a pointer, no error", ok, err)
	}
	if _, _, err := ReadFile(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("ReadFile(missing) error = %v", err)
	}
}

// FuzzParse: any input gives an answer, never a panic, and an accepted
// pointer says what its lines say.
func FuzzParse(f *testing.F) {
	f.Add([]byte("version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize 12345\n"))
	f.Add([]byte("version https://hawser.github.com/spec/v1\next-0-x y\noid sha256:" + oid + "\nsize 0\n"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, ok := Parse(b)
		if !ok {
			return
		}
		s := string(b)
		if !strings.Contains(s, "\noid sha256:"+p.SHA256+"\n") || !strings.Contains(s, "\nsize "+strconv.FormatInt(p.Size, 10)+"\n") {
			t.Errorf("Parse(%q) = %+v, which its lines do not say", b, p)
		}
	})
}
