package seedream_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seedform/seedform/seedream"
)

func TestImageDataURI(t *testing.T) {
	dir := t.TempDir()
	// A JPEG named .png: the format comes from the content.
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 32, 20)), nil); err != nil {
		t.Fatal(err)
	}
	mislabelled := filepath.Join(dir, "photo.png")
	os.WriteFile(mislabelled, jpg.Bytes(), 0o644)
	text := filepath.Join(dir, "notes.png")
	os.WriteFile(text, []byte("not an image"), 0o644)

	got, err := seedream.ImageDataURI(mislabelled, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(jpg.Bytes()); got != want {
		t.Errorf("got %.40q..., want %.40q...", got, want)
	}
	if _, err := seedream.ImageDataURI(writePNG(t, 64, 64), 0); err != nil {
		t.Error(err)
	}

	tests := []struct {
		path     string
		maxBytes int64
		want     string
	}{
		{writePNG(t, 14, 64), 0, "14x64: each side must be more than 14 px"},
		{writePNG(t, 17*16, 16), 0, "aspect ratio must lie in [1/16, 16]"},
		{mislabelled, 10, "bytes, the limit is 10"},
		{text, 0, "not a jpeg, png, webp, bmp, tiff or gif image"},
		{filepath.Join(dir, "missing.png"), 0, "no such file"},
	}
	for _, tt := range tests {
		_, err := seedream.ImageDataURI(tt.path, tt.maxBytes)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", filepath.Base(tt.path), err, tt.want)
		}
	}
}
