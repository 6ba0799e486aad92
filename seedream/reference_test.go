package seedream_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
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
	heic := heifFile(t, "heic", "mif1heic", 4032, 3024)

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
	// HEIC is passed through as it is, labelled by its content.
	got, err = seedream.ImageDataURI(heic, 0)
	raw, _ := os.ReadFile(heic)
	if want := "data:image/heic;base64," + base64.StdEncoding.EncodeToString(raw); err != nil || got != want {
		t.Errorf("HEIC: got %.40q..., %v; want %.40q...", got, err, want)
	}

	tests := []struct {
		path     string
		maxBytes int64
		want     string
	}{
		{writePNG(t, 14, 64), 0, "14x64: each side must be more than 14 px"},
		{writePNG(t, 17*16, 16), 0, "aspect ratio must lie in [1/16, 16]"},
		{pngHeader(t, 6001, 6000), 0, "6001x6000: at most 36000000 pixels"},
		{heifFile(t, "heic", "heic", 8000, 6000), 0, "8000x6000: at most 36000000 pixels"},
		{heifFile(t, "avif", "mif1avif", 100, 100), 0, "not a jpeg, png, webp, bmp, tiff, gif, heic or heif image"},
		{mislabelled, 10, "bytes, the limit is 10"},
		{text, 0, "not a jpeg, png, webp, bmp, tiff, gif, heic or heif image"},
		{dir, 0, "not a regular file"},
		{filepath.Join(dir, "missing.png"), 0, "no such file"},
	}
	for _, tt := range tests {
		_, err := seedream.ImageDataURI(tt.path, tt.maxBytes)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", filepath.Base(tt.path), err, tt.want)
		}
	}
}

// TestProbeReference reads formats and sizes, and applies each model's
// own limits.
func TestProbeReference(t *testing.T) {
	tests := []struct {
		name, path string
		want       seedream.ReferenceImage
	}{
		{"png", pngHeader(t, 6000, 6000), seedream.ReferenceImage{Format: "png", Width: 6000, Height: 6000}},
		{"heic", heifFile(t, "heic", "heixmif1", 4032, 3024), seedream.ReferenceImage{Format: "heic", Width: 4032, Height: 3024}},
		{"heif", heifFile(t, "heif", "mif1", 300, 200), seedream.ReferenceImage{Format: "heif", Width: 300, Height: 200}},
		{"heic without ispe", heifFile(t, "heic", "heic", 0, 0), seedream.ReferenceImage{Format: "heic"}},
	}
	for _, tt := range tests {
		got, err := seedream.ProbeReference(tt.path, 0)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got.Bytes = 0
		if got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}

	edit, _ := seedream.ModelFor(seedream.SeedEdit30)
	v40, _ := seedream.ModelFor(seedream.Seedream40)
	for _, tt := range []struct {
		m      seedream.Model
		w, h   int
		reject bool
	}{
		{edit, 300, 100, false}, {edit, 100, 300, false}, {edit, 301, 100, true}, {edit, 100, 301, true},
		{v40, 301, 100, false}, {v40, 1600, 100, false}, {v40, 1601, 100, true},
	} {
		err := tt.m.CheckReference(seedream.ReferenceImage{Format: "png", Width: tt.w, Height: tt.h})
		if (err != nil) != tt.reject {
			t.Errorf("%s %dx%d: %v, want rejected %v", tt.m.Family, tt.w, tt.h, err, tt.reject)
		}
	}
}

// TestRequestSizeGuard: references sent inline beyond what a request may
// take fail before anything is sent.
func TestRequestSizeGuard(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, nil)
	big := "data:image/png;base64," + strings.Repeat("A", 25<<20)
	_, err := c.Generate(context.Background(), &seedream.Request{Model: "doubao-seedream-4-0-250828", Prompt: "x", Images: []string{big, big, big}},
		seedream.Options{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "give some references as http(s) URLs") || s.Count() != 0 {
		t.Errorf("got %v after %d requests, want a refusal before any", err, s.Count())
	}
}

// pngHeader writes the start of a PNG of w x h: enough for DecodeConfig,
// without the pixels of a 36-megapixel picture.
func pngHeader(t *testing.T, w, h int) string {
	t.Helper()
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[8:], uint32(h))
	ihdr[12], ihdr[13] = 8, 0 // 8-bit greyscale
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	path := filepath.Join(t.TempDir(), "header.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// heifFile writes the boxes of a HEIF file that matter here: ftyp with
// the brands (major first, 4 bytes each) and, unless w is 0, a tile's
// ispe and the whole image's ispe.
func heifFile(t *testing.T, name, brands string, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(16+len(brands)-4))
	b.WriteString("ftyp" + brands[:4] + "\x00\x00\x00\x00" + brands[4:])
	ispe := func(w, h int) {
		binary.Write(&b, binary.BigEndian, uint32(20))
		b.WriteString("ispe\x00\x00\x00\x00")
		binary.Write(&b, binary.BigEndian, uint32(w))
		binary.Write(&b, binary.BigEndian, uint32(h))
	}
	b.WriteString("\x00\x00\x00\x08meta")
	if w > 0 {
		ispe(w/2, h/2) // a tile
		ispe(w, h)
	}
	b.WriteString("\x00\x00\x00\x10mdat\x01\x02\x03\x04\x05\x06\x07\x08")
	path := filepath.Join(t.TempDir(), "photo."+name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
