package seedream

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
)

// Limits on reference images (SEEDREAM_API.md "Request fields").
const (
	// MaxReferenceBytes is the API's limit on one reference image.
	MaxReferenceBytes = 30 << 20
	// MinReferenceSide is the API's limit: each side must be more than 14 px.
	MinReferenceSide = 14
	// MaxReferencePixels is the API's cap on a reference image's area
	// (6000x6000).
	MaxReferencePixels = 36_000_000
	// MaxRequestBytes bounds a request body. The vendor states no limit;
	// this one keeps a request with many large references sent inline
	// within what HTTP front ends commonly take, and fails it before
	// anything is paid for instead of after minutes of uploading.
	MaxRequestBytes = 64 << 20
)

// ReferenceImage is what the client learns of a local reference image
// before sending it.
type ReferenceImage struct {
	// Format is the data URI's: jpeg, png, webp, bmp, tiff, gif, heic or heif.
	Format string
	// Width and Height are 0 when the file does not state them in a way
	// the client reads (a HEIF without an ispe box): the server checks.
	Width, Height int
	Bytes         int64
}

// DataURIBytes is the length of the image sent as a data URI.
func (r ReferenceImage) DataURIBytes() int64 {
	return int64(len("data:image/;base64,")+len(r.Format)) + (r.Bytes+2)/3*4
}

// ProbeReference reads what a local reference image is and checks it
// against the limits every model shares: at most maxBytes
// (MaxReferenceBytes when 0), a format the API takes, sniffed from the
// content (the API rejects a mislabelled image), each side more than
// 14 px, at most 36,000,000 pixels, an aspect ratio within [1/16, 16].
func ProbeReference(path string, maxBytes int64) (ReferenceImage, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return ReferenceImage{}, err
	}
	defer f.Close()
	return probeReference(f, maxBytes)
}

func probeReference(f *os.File, maxBytes int64) (ReferenceImage, error) {
	if maxBytes <= 0 {
		maxBytes = MaxReferenceBytes
	}
	st, err := f.Stat()
	if err != nil {
		return ReferenceImage{}, err
	}
	if !st.Mode().IsRegular() {
		return ReferenceImage{}, fmt.Errorf("not a regular file")
	}
	if st.Size() > maxBytes {
		return ReferenceImage{}, fmt.Errorf("%d bytes, the limit is %d", st.Size(), maxBytes)
	}
	ref := ReferenceImage{Bytes: st.Size()}
	head := make([]byte, heifScan)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return ReferenceImage{}, err
	}
	head = head[:n]
	if format, ok := sniffHEIF(head); ok {
		ref.Format = format
		ref.Width, ref.Height = heifSize(head)
	} else {
		cfg, format, err := image.DecodeConfig(io.MultiReader(bytes.NewReader(head), bufio.NewReader(f)))
		if err != nil {
			return ReferenceImage{}, fmt.Errorf("not a jpeg, png, webp, bmp, tiff, gif, heic or heif image: %w", err)
		}
		ref.Format, ref.Width, ref.Height = strings.ToLower(format), cfg.Width, cfg.Height
	}
	if err := checkReferenceSize(ref.Width, ref.Height, MaxAspectRatio); err != nil {
		return ReferenceImage{}, err
	}
	return ref, nil
}

// CheckReference checks a probed reference image against the model's own
// limits: seededit takes an aspect ratio within [1/3, 3] only.
func (m Model) CheckReference(ref ReferenceImage) error {
	return checkReferenceSize(ref.Width, ref.Height, m.refAspect())
}

func (m Model) refAspect() float64 {
	if m.RefMaxAspect > 0 {
		return m.RefMaxAspect
	}
	return MaxAspectRatio
}

// checkReferenceSize checks w x h; 0 x 0 is an unknown size and passes.
func checkReferenceSize(w, h int, maxAspect float64) error {
	if w == 0 && h == 0 {
		return nil
	}
	if w <= MinReferenceSide || h <= MinReferenceSide {
		return fmt.Errorf("%dx%d: each side must be more than %d px", w, h, MinReferenceSide)
	}
	if int64(w)*int64(h) > MaxReferencePixels {
		return fmt.Errorf("%dx%d: at most %d pixels (6000x6000) are taken", w, h, MaxReferencePixels)
	}
	if r := float64(w) / float64(h); r > maxAspect || r < 1/maxAspect {
		return fmt.Errorf("%dx%d: the aspect ratio must lie in [1/%g, %g]", w, h, maxAspect, maxAspect)
	}
	return nil
}

// ImageDataURI reads a local reference image and returns it as
// "data:image/<fmt>;base64,...", after ProbeReference's checks. HEIC and
// HEIF files, which the API takes and Go cannot decode, are passed
// through as they are.
func ImageDataURI(path string, maxBytes int64) (string, error) {
	uri, _, err := ImageDataURIHashed(path, maxBytes)
	return uri, err
}

// ImageDataURIHashed is ImageDataURI that also returns the sha256 (hex)
// of the bytes it encoded: what is sent, which a caller compares with the
// content its records were made from (the file may change meanwhile).
func ImageDataURIHashed(path string, maxBytes int64) (uri, sum string, err error) {
	f, err := OpenRegular(path)
	if err != nil {
		return "", "", fmt.Errorf("reference image: %w", err)
	}
	defer f.Close()
	ref, err := probeReference(f, maxBytes)
	if err != nil {
		return "", "", fmt.Errorf("reference image %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", "", fmt.Errorf("reference image: %w", err)
	}
	prefix := "data:image/" + ref.Format + ";base64,"
	var b strings.Builder
	b.Grow(int(ref.DataURIBytes()))
	b.WriteString(prefix)
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(enc, h), io.LimitReader(f, ref.Bytes)); err != nil {
		return "", "", fmt.Errorf("reference image %s: %w", path, err)
	}
	enc.Close()
	return b.String(), hex.EncodeToString(h.Sum(nil)), nil
}

// ErrNotRegular is the error of a path that is neither a regular file
// nor a folder.
var ErrNotRegular = errors.New("not a regular file (a FIFO, a device or a socket)")

// OpenRegular opens path for reading unless it is a FIFO, a device or a
// socket. It never blocks: a FIFO with no writer would hang a plain open,
// and a device may never end. A folder opens, as with os.Open: reading it
// fails with the usual "is a directory".
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		err = &os.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// heifScan is how much of a file is searched for HEIF boxes: the ftyp
// box comes first and the item properties (ispe) sit in the meta box
// near the start.
const heifScan = 1 << 20

// heicBrands are the ftyp brands of HEVC-coded HEIF files (.heic).
var heicBrands = []string{"heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs"}

// sniffHEIF tells a HEIC or HEIF file by its ftyp box. AVIF shares the
// container but not the codec, and the API does not take it.
func sniffHEIF(head []byte) (string, bool) {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return "", false
	}
	size := int(binary.BigEndian.Uint32(head[0:4]))
	if size < 16 || size > len(head) {
		return "", false
	}
	brands := []string{string(head[8:12])} // the major brand
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, string(head[i:i+4])) // compatible brands
	}
	switch {
	case slices.Contains(brands, "avif") || slices.Contains(brands, "avis"):
		return "", false
	case slices.ContainsFunc(brands, func(b string) bool { return slices.Contains(heicBrands, b) }):
		return "heic", true
	case slices.Contains(brands, "mif1") || slices.Contains(brands, "msf1") || slices.Contains(brands, "heif"):
		return "heif", true
	}
	return "", false
}

// heifSize returns the largest image spatial extent (ispe) box in head:
// a tiled image has one per tile and one for the whole, which is the
// largest. 0, 0 when there is none.
func heifSize(head []byte) (w, h int) {
	var best int64
	for i := 0; ; {
		j := bytes.Index(head[i:], []byte("ispe"))
		if j < 0 {
			return w, h
		}
		at := i + j + 4 + 4 // the box type, then version and flags
		i += j + 4
		if at+8 > len(head) {
			return w, h
		}
		bw, bh := binary.BigEndian.Uint32(head[at:]), binary.BigEndian.Uint32(head[at+4:])
		if a := int64(bw) * int64(bh); a > best && bw <= 1<<20 && bh <= 1<<20 {
			best, w, h = a, int(bw), int(bh)
		}
	}
}
