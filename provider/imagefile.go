package provider

import (
	"fmt"
	"image"
	"os"

	"github.com/seedform/seedform/imagefile" // also registers the formats
)

// ProbeFile reads the header of the image at path and returns its size and
// format ("jpeg", "png", "gif", "webp", "bmp" or "tiff": the formats the
// API takes as references) without decoding the pixels. A file cut short
// (imagefile.CheckWhole) is no readable image.
func ProbeFile(path string) (width, height int, format string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", err
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, "", fmt.Errorf("%s: not a readable image: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, "", err
	}
	if err := imagefile.CheckWhole(f, fi.Size(), format); err != nil {
		return 0, 0, "", fmt.Errorf("%s: not a readable image: %w", path, err)
	}
	return cfg.Width, cfg.Height, format, nil
}
