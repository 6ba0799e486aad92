// Package imagefile owns writing a generated image to disk for the API
// clients: streamed into a temp file, hashed as it is written, bounded in
// size, synced, and checked to be an image of a known format that is whole
// (CheckWhole), with a failure of the local disk told apart from a fault
// of the answer (DiskError). An image the answer carries inline, which
// cannot be fetched again, is held in memory when the disk fails
// (SpoolInline), and FreeSpace tells whether an answer can be kept before
// it is paid for. Every API client shares it, so that the same checks
// hold whichever image API an asset uses. It knows no API. Fault stands
// for a failing disk in tests.
package imagefile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	// The formats the APIs return and take as references.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// Image is one generated image, complete and synced on disk, or, when
// SpoolInline met a failing disk, complete in memory (Held).
type Image struct {
	// Index is the slot in the answer, 0-based, counted over failures too.
	Index int
	// Path is the temp file; the caller renames or removes it. It is
	// empty for a held image.
	Path          string
	Width, Height int
	// Format is what the content decodes as: "jpeg", "png", "webp", ...
	Format string
	// SHA256 is the hex digest of the content.
	SHA256 string
	Bytes  int64
	// Held is the whole image when the disk refused it (SpoolInline): a
	// paid image that exists nowhere else, for the caller to write once
	// the disk has room.
	Held []byte
}

// IsDiskError reports whether err is a failure of the local disk.
func IsDiskError(err error) bool { return errors.As(err, new(*DiskError)) }

// Remove deletes the images' files.
func Remove(imgs []Image) {
	for _, img := range imgs {
		if img.Path != "" {
			os.Remove(img.Path)
		}
	}
}

// DiskError is a failure to write an image to the local disk (full,
// read-only, gone): the answer is not at fault, and a paid answer whose
// images can still be fetched must be finished once the disk is fixed.
type DiskError struct{ err error }

func (e *DiskError) Error() string { return "writing to disk: " + e.err.Error() }
func (e *DiskError) Unwrap() error { return e.err }

// ErrTooBig marks an image over the byte limit it was spooled with.
var ErrTooBig = errors.New("image larger than the limit")

// ErrNotImage marks content that no registered image format decodes.
var ErrNotImage = errors.New("not an image")

// Spool streams r into a new temp file in dir named after prefix,
// hashing as it writes, and checks that the content is a whole image. At
// most maxBytes are accepted. On error nothing is left on disk. Errors
// from r come back wrapped as they are, so that a cut connection stays
// recognisable; a failure to write is a *DiskError.
func Spool(dir, prefix string, index int, r io.Reader, maxBytes int64) (Image, error) {
	return spool(dir, prefix, index, r, maxBytes, false)
}

// SpoolInline is Spool for an image whose bytes the answer carries inline
// (b64_json, in JSON or a stream): they arrive once and cannot be fetched
// again, so a failing disk must not drop them. When creating, writing or
// syncing the file fails, the image is held in memory instead: what was
// written is read back, the rest is kept as it is read (at most maxBytes
// in all), the partial file is removed, and the image comes back with
// Held set and no Path, checked as any other. The caller writes it
// (Spool of Held) once the disk has room. A *DiskError comes back only
// when even that fails (the partial file cannot be read back).
func SpoolInline(dir, prefix string, index int, r io.Reader, maxBytes int64) (Image, error) {
	return spool(dir, prefix, index, r, maxBytes, true)
}

func spool(dir, prefix string, index int, r io.Reader, maxBytes int64, hold bool) (Image, error) {
	w := &spoolWriter{hold: hold}
	err := writeFault(dir)
	if err == nil {
		w.f, err = os.CreateTemp(dir, prefix+"-*.part")
	}
	if err != nil {
		if !hold {
			return Image{}, fmt.Errorf("image %d: %w", index+1, &DiskError{err})
		}
		w.mem = new(bytes.Buffer) // held from the first byte
	}
	img, err := w.spool(index, r, maxBytes)
	if w.f != nil {
		if cerr := w.f.Close(); err == nil && w.mem == nil && cerr != nil {
			err = fmt.Errorf("image %d: %w", index+1, &DiskError{cerr})
		}
		if err != nil || w.mem != nil {
			os.Remove(w.f.Name())
		}
	}
	if err != nil {
		return Image{}, err
	}
	return img, nil
}

// spoolWriter writes an image to its file and, once the disk fails under
// SpoolInline, to memory.
type spoolWriter struct {
	f    *os.File
	n    int64 // bytes in f
	hold bool
	mem  *bytes.Buffer // the whole image so far, once held
}

// Write marks the errors of the file as DiskErrors, so that they are told
// apart from the body's read errors io.Copy also returns.
func (w *spoolWriter) Write(p []byte) (int, error) {
	if w.mem != nil {
		return w.mem.Write(p)
	}
	err := writeFault(w.f.Name())
	n := 0
	if err == nil {
		n, err = w.f.Write(p)
	}
	w.n += int64(n)
	if err == nil {
		return n, nil
	}
	if !w.hold || w.toMemory() != nil {
		return n, &DiskError{err}
	}
	w.mem.Write(p[n:])
	return len(p), nil
}

// toMemory reads back what the file holds, to go on in memory.
func (w *spoolWriter) toMemory() error {
	buf := make([]byte, w.n)
	if _, err := w.f.ReadAt(buf, 0); err != nil {
		return err
	}
	w.mem = bytes.NewBuffer(buf)
	return nil
}

func (w *spoolWriter) spool(index int, r io.Reader, maxBytes int64) (Image, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, maxBytes+1))
	if err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	if n > maxBytes {
		return Image{}, fmt.Errorf("image %d: %w (%d bytes)", index+1, ErrTooBig, maxBytes)
	}
	if w.mem == nil {
		// CreateTemp makes the file 0600, and the caller only renames
		// it: the image lands in a design repository, where it is an
		// ordinary file that others read.
		err := w.f.Chmod(0o644)
		if err == nil {
			err = w.f.Sync()
		}
		if err != nil && (!w.hold || w.toMemory() != nil) {
			return Image{}, fmt.Errorf("image %d: %w", index+1, &DiskError{err})
		}
	}
	var content io.ReaderAt = w.f
	if w.mem != nil {
		content = bytes.NewReader(w.mem.Bytes())
	}
	// DecodeConfig reads the header only: a 4K image is never decoded.
	cfg, format, err := image.DecodeConfig(bufio.NewReader(io.NewSectionReader(content, 0, n)))
	if err != nil {
		return Image{}, fmt.Errorf("image %d: %d bytes that are %w: %w", index+1, n, ErrNotImage, err)
	}
	// A body cut at a connection close with no Content-Length, or half a
	// b64_json string, has a whole header: only its end tells.
	if err := CheckWhole(content, n, format); err != nil {
		return Image{}, fmt.Errorf("image %d: %w", index+1, err)
	}
	img := Image{Index: index, Width: cfg.Width, Height: cfg.Height,
		Format: format, SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}
	if w.mem != nil {
		img.Held = w.mem.Bytes()
	} else {
		img.Path = w.f.Name()
	}
	return img, nil
}

// ErrCutShort marks an image file that stops before its format's end.
var ErrCutShort = errors.New("the image is cut short")

// CheckWhole reports whether the size bytes of r, an image of format (as
// image.DecodeConfig names it), are the whole image: a JPEG ends with its
// end-of-image marker, a PNG with its IEND chunk, a GIF with its trailer,
// and a WebP or BMP is as long as its header says. The check reads a few
// bytes: a 4K image is never decoded. Formats with no such mark pass.
func CheckWhole(r io.ReaderAt, size int64, format string) error {
	// Zero bytes after the end are padding (some encoders and hosts add
	// it) and are skipped; a cut never ends in a mark followed by zeros,
	// since the marks end in non-zero bytes that the data before them
	// cannot imitate (0xFF in JPEG data is always stuffed).
	end, err := lastNonZero(r, size)
	if err != nil {
		return err
	}
	at := func(off, n int64) []byte {
		if off < 0 || off+n > size {
			return nil
		}
		b := make([]byte, n)
		if _, err := r.ReadAt(b, off); err != nil {
			return nil
		}
		return b
	}
	whole := true
	switch format {
	case "jpeg":
		whole = bytes.Equal(at(end-2, 2), []byte{0xFF, 0xD9})
	case "png":
		whole = bytes.Equal(at(end-12, 12), []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82})
	case "gif":
		whole = bytes.Equal(at(end-1, 1), []byte{0x3B})
	case "webp":
		h := at(0, 8)
		whole = h != nil && int64(binary.LittleEndian.Uint32(h[4:]))+8 <= size
	case "bmp":
		h := at(0, 6)
		whole = h != nil && int64(binary.LittleEndian.Uint32(h[2:])) <= size
	}
	if !whole {
		return fmt.Errorf("%w: %d bytes of %s with no end", ErrCutShort, size, format)
	}
	return nil
}

// lastNonZero returns the length of r's first size bytes without the
// zero bytes that end them.
func lastNonZero(r io.ReaderAt, size int64) (int64, error) {
	buf := make([]byte, 32<<10)
	for end := size; end > 0; {
		n := min(int64(len(buf)), end)
		if _, err := r.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		for i := n - 1; i >= 0; i-- {
			if buf[i] != 0 {
				return end - n + i + 1, nil
			}
		}
		end -= n
	}
	return 0, nil
}
