package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/jpeg"
	_ "image/png" // outputs and references are PNG or JPEG
	"os"
	"path/filepath"
	"runtime"

	"github.com/seedform/seedform/lockfile"
	"golang.org/x/image/draw"
	"golang.org/x/sync/errgroup"
)

// ThumbDir is the thumbnails' directory inside a report directory.
const ThumbDir = "thumbs"

// ThumbSize bounds a thumbnail's longer side, in pixels: enough for a
// side-by-side pair on a laptop screen.
const ThumbSize = 480

// maxPixels refuses to decode an image larger than the largest output a
// model makes (4096x4096) by a margin: a hostile file at a base revision
// must not exhaust memory.
const maxPixels = 64 << 20

// WriteThumbs writes a thumbnail of every image of r that can be read
// into dir/thumbs, named by content so that each is made once, and sets
// the images' Thumb. An image that cannot be read or decoded keeps no
// thumbnail and is marked Missing; that is not an error.
func WriteThumbs(ctx context.Context, r *Report, dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, ThumbDir), 0o755); err != nil {
		return err
	}
	byName := map[string][]*Image{}
	var names []string
	for _, img := range r.images() {
		if img.read == nil {
			continue
		}
		name := ThumbDir + "/" + thumbName(img)
		if byName[name] == nil {
			names = append(names, name)
		}
		byName[name] = append(byName[name], img)
	}
	failed := make([]bool, len(names))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		img := byName[name][0]
		g.Go(func() error {
			err := writeThumb(ctx, img, filepath.Join(dir, filepath.FromSlash(name)))
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failed[i] = err != nil
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, name := range names {
		for _, img := range byName[name] {
			if failed[i] {
				img.Missing = true
			} else {
				img.Thumb = name
			}
		}
	}
	return nil
}

// thumbName names a thumbnail by its image's content (or, for a file not
// recorded with a sha256, its path).
func thumbName(img *Image) string {
	if img.SHA256 != "" {
		return img.SHA256[:32] + ".jpeg"
	}
	return fmt.Sprintf("f%x.jpeg", []byte(img.Path))
}

// images are pointers to every image of the report, in order.
func (r *Report) images() []*Image {
	var out []*Image
	for _, it := range r.Items {
		lists := [][]Image{it.Before, it.After}
		if it.Spec != nil {
			lists = append(lists, it.Spec.References)
		}
		for _, l := range lists {
			for i := range l {
				out = append(out, &l[i])
			}
		}
	}
	return out
}

// writeThumb reads img, scales it to fit ThumbSize with a Catmull-Rom
// resampler, and writes it as JPEG at dst (kept when already there: named
// by content, it cannot be stale).
func writeThumb(ctx context.Context, img *Image, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	data, err := img.read(ctx)
	if err != nil {
		return err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return fmt.Errorf("%s: %dx%d is not an image size seedform makes", img.Path, cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if img.Width == 0 {
		img.Width, img.Height = cfg.Width, cfg.Height
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Thumbnail(src, ThumbSize), &jpeg.Options{Quality: 82}); err != nil {
		return err
	}
	return lockfile.WriteFile(dst, buf.Bytes())
}

// Thumbnail scales src to fit a square of the given side, keeping its
// aspect ratio (never enlarging), over white so that transparency reads
// as the page does.
func Thumbnail(src image.Image, side int) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > side || h > side {
		if w >= h {
			w, h = side, max(1, h*side/w)
		} else {
			w, h = max(1, w*side/h), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	stddraw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, stddraw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}
