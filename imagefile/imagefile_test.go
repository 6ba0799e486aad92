package imagefile

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
