package seedream

import (
	"fmt"
	"io"
	"strings"

	"github.com/seedform/seedform/imagefile"
)

// Image is one generated image, complete and synced on disk (Options.Dir),
// or held in memory (Held) when the disk refused an inline one.
type Image = imagefile.Image

// ErrCutShort marks an image file that stops before its format's end.
var ErrCutShort = imagefile.ErrCutShort

// spool writes one image of an answer (imagefile.Spool).
func spool(dir string, index int, r io.Reader, maxBytes int64) (Image, error) {
	return imagefile.Spool(dir, "seedream", index, r, maxBytes)
}

// spoolInline writes one b64_json image of an answer, holding it in
// memory if the disk fails (imagefile.SpoolInline): it is paid for and
// cannot be fetched again.
func spoolInline(dir string, index int, r io.Reader, maxBytes int64) (Image, error) {
	return imagefile.SpoolInline(dir, "seedream", index, r, maxBytes)
}

// check compares an image with the size its answer stated and the format
// its request asked for ("" when unknown).
func checkImage(img Image, size, format string) error {
	// A relay that drops output_format sends jpeg bytes for a .png file:
	// the file would lie about its content.
	if format != "" && !strings.EqualFold(img.Format, format) {
		return fmt.Errorf("image %d is %s, the request asked for %s", img.Index+1, img.Format, format)
	}
	return checkImageSize(img, size)
}

// checkSize compares an image with the size its answer stated ("" when
// the answer stated none, as some relays do).
func checkImageSize(img Image, stated string) error {
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

func removeImages(imgs []Image) { imagefile.Remove(imgs) }
