package imagefile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
)

// TestCheckWhole: a JPEG or PNG cut anywhere before its end mark is cut
// short, padding with zeros after the mark is not.
func TestCheckWhole(t *testing.T) {
	t.Parallel()
	var whole bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	jpeg.Encode(&whole, img, nil)
	var wholePNG bytes.Buffer
	png.Encode(&wholePNG, img)
	pngBytes := wholePNG.Bytes()
	for _, tt := range []struct {
		name, format string
		data         []byte
		wantCut      bool
	}{
		{"whole jpeg", "jpeg", whole.Bytes(), false},
		{"whole jpeg padded with zeros", "jpeg", append(bytes.Clone(whole.Bytes()), make([]byte, 5000)...), false},
		{"half a jpeg", "jpeg", whole.Bytes()[:whole.Len()/2], true},
		{"a jpeg less its last byte", "jpeg", whole.Bytes()[:whole.Len()-1], true},
		{"half a jpeg padded with zeros", "jpeg", append(bytes.Clone(whole.Bytes()[:whole.Len()/2]), 0, 0, 0), true},
		{"whole png", "png", pngBytes, false},
		{"a png less its last byte", "png", pngBytes[:len(pngBytes)-1], true},
	} {
		err := CheckWhole(bytes.NewReader(tt.data), int64(len(tt.data)), tt.format)
		if got := errors.Is(err, ErrCutShort); got != tt.wantCut {
			t.Errorf("%s: %v, want cut short %v", tt.name, err, tt.wantCut)
		}
	}
}

// TestSpool: a cut image is refused and leaves nothing; content that is
// no image says so; a whole one is hashed and sized.
func TestSpool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10, 20)))
	data := buf.Bytes()
	if _, err := Spool(dir, "x", 0, bytes.NewReader(data[:len(data)-3]), 1<<20); !errors.Is(err, ErrCutShort) {
		t.Errorf("a cut PNG: %v, want ErrCutShort", err)
	}
	if _, err := Spool(dir, "x", 0, strings.NewReader("meeting notes"), 1<<20); !errors.Is(err, ErrNotImage) {
		t.Errorf("text: %v, want ErrNotImage", err)
	}
	if _, err := Spool(dir, "x", 0, bytes.NewReader(data), 10); !errors.Is(err, ErrTooBig) {
		t.Errorf("over the limit: %v, want ErrTooBig", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("failures left %v on disk", left)
	}
	img, err := Spool(dir, "x", 2, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(img.Path)
	if img.Index != 2 || img.Width != 10 || img.Height != 20 || img.Format != "png" || img.Bytes != int64(len(data)) || len(img.SHA256) != 64 {
		t.Errorf("spooled %+v", img)
	}
	if _, err := Spool(filepath.Join(dir, "missing"), "x", 0, bytes.NewReader(data), 1<<20); !IsDiskError(err) {
		t.Errorf("a temp file that cannot be made: %v, want a disk error", err)
	}
}

// TestSpoolInlineHoldsAPaidImage: when the disk fails while an inline
// image is written (at its file's creation, mid-write, or for good), the
// image is held in memory whole, with the hash of what was read, and no
// file is left; Spool, for images that can be fetched again, fails with
// a disk error instead.
func TestSpoolInlineHoldsAPaidImage(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	rand.NewChaCha8([32]byte{}).Read(img.Pix) // noise: a PNG of many 16 KB writes
	png.Encode(&buf, img)
	data := buf.Bytes()
	sum := sha256.Sum256(data)
	for _, tt := range []struct {
		name string
		// failAfter is the number of calls the fault lets through.
		failAfter int
	}{
		{"the file cannot be made", 0},
		{"the disk fills after the first write", 1},
		{"the disk fills after a few writes", 3},
	} {
		dir := t.TempDir()
		calls := 0
		defer InjectFault(&Fault{Dir: dir, Write: func() error {
			if calls++; calls > tt.failAfter {
				return syscall.ENOSPC
			}
			return nil
		}})()
		// Small reads, so that the image is written in many pieces.
		got, err := SpoolInline(dir, "x", 1, iotest.HalfReader(bytes.NewReader(data)), 1<<20)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.Path != "" || !bytes.Equal(got.Held, data) || got.SHA256 != hex.EncodeToString(sum[:]) ||
			got.Width != 300 || got.Height != 200 || got.Format != "png" || got.Bytes != int64(len(data)) || got.Index != 1 {
			t.Errorf("%s: held %d bytes, image %+v", tt.name, len(got.Held), Image{Index: got.Index, Path: got.Path, Width: got.Width, Height: got.Height, Format: got.Format, SHA256: got.SHA256, Bytes: got.Bytes})
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
			t.Errorf("%s: left %v on disk", tt.name, left)
		}
		calls = tt.failAfter
		if _, err := Spool(dir, "x", 0, bytes.NewReader(data), 1<<20); !IsDiskError(err) || !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("%s: Spool: %v, want a disk error", tt.name, err)
		}
	}
	// A held image is still checked: half of one is no image.
	dir := t.TempDir()
	defer InjectFault(&Fault{Dir: dir, Write: func() error { return syscall.ENOSPC }})()
	if _, err := SpoolInline(dir, "x", 0, bytes.NewReader(data[:len(data)/2]), 1<<20); !errors.Is(err, ErrCutShort) {
		t.Errorf("half an image held: %v, want ErrCutShort", err)
	}
	if _, err := SpoolInline(dir, "x", 0, bytes.NewReader(data), 100); !errors.Is(err, ErrTooBig) {
		t.Errorf("over the limit held: %v, want ErrTooBig", err)
	}
}

// TestFreeSpace: the real file system's free space is known here, and an
// injected one wins for its directory only.
func TestFreeSpace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if free, known := FreeSpace(filepath.Join(dir, "not", "made", "yet")); !known || free <= 0 {
		t.Errorf("FreeSpace = %d, %v", free, known)
	}
	defer InjectFault(&Fault{Dir: dir, Free: func() (int64, bool) { return 42, true }})()
	if free, known := FreeSpace(filepath.Join(dir, "staging")); free != 42 || !known {
		t.Errorf("injected FreeSpace = %d, %v", free, known)
	}
	if free, _ := FreeSpace(t.TempDir()); free == 42 {
		t.Error("the fault leaked to another directory")
	}
}
