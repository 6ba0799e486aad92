package seedream

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	// The formats the API returns (jpeg, png) and takes as references.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// Image is one generated image, complete and synced on disk.
type Image struct {
	// Index is the slot in the answer, 0-based, counted over failures too.
	Index int
	// Path is the temp file in Options.Dir; the caller renames or removes it.
	Path          string
	Width, Height int
	// Format is what the content decodes as: "jpeg", "png", ...
	Format string
	// SHA256 is the hex digest of the file.
	SHA256 string
	Bytes  int64
}

// errTooBig marks an image over MaxImageBytes.
var errTooBig = errors.New("image larger than the limit")

// spool streams r into a new temp file in dir, hashing as it writes, and
// checks that the content is an image. At most maxBytes are accepted. On
// error nothing is left on disk. Errors from r come back wrapped as they
// are, so that a cut connection stays recognisable.
func spool(dir string, index int, r io.Reader, maxBytes int64) (Image, error) {
	f, err := os.CreateTemp(dir, "seedream-*.part")
	if err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	img, err := spoolInto(f, index, r, maxBytes)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("image %d: %w", index+1, cerr)
	}
	if err != nil {
		os.Remove(f.Name())
		return Image{}, err
	}
	return img, nil
}

func spoolInto(f *os.File, index int, r io.Reader, maxBytes int64) (Image, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	if n > maxBytes {
		return Image{}, fmt.Errorf("image %d: %w (%d bytes)", index+1, errTooBig, maxBytes)
	}
	// CreateTemp makes the file 0600, and the caller only renames it: the
	// image lands in a design repository, where it is an ordinary file
	// that others read.
	if err := f.Chmod(0o644); err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	if err := f.Sync(); err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	// DecodeConfig reads the header only: a 4K image is never decoded.
	cfg, format, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return Image{}, fmt.Errorf("image %d: %d bytes that are not an image: %w", index+1, n, err)
	}
	return Image{
		Index: index, Path: f.Name(), Width: cfg.Width, Height: cfg.Height,
		Format: format, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n,
	}, nil
}

// check compares an image with the size its answer stated and the format
// its request asked for ("" when unknown).
func (img Image) check(size, format string) error {
	// A relay that drops output_format sends jpeg bytes for a .png file:
	// the file would lie about its content.
	if format != "" && !strings.EqualFold(img.Format, format) {
		return fmt.Errorf("image %d is %s, the request asked for %s", img.Index+1, img.Format, format)
	}
	return img.checkSize(size)
}

// checkSize compares an image with the size its answer stated ("" when
// the answer stated none, as some relays do).
func (img Image) checkSize(stated string) error {
	if stated == "" {
		return nil
	}
	w, h, ok := ParseSize(stated)
	if !ok {
		return nil // a size the client cannot read is no reason to lose a paid image
	}
	if w != img.Width || h != img.Height {
		return fmt.Errorf("image %d is %dx%d, the answer said %s", img.Index+1, img.Width, img.Height, stated)
	}
	return nil
}

func removeImages(imgs []Image) {
	for _, img := range imgs {
		os.Remove(img.Path)
	}
}
