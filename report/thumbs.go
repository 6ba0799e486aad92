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
	"path"
	"path/filepath"
	"regexp"
	"runtime"

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
	thumbs := filepath.Join(dir, ThumbDir)
	if fi, err := os.Lstat(thumbs); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link: thumbnails are written only into the report directory itself", thumbs)
	}
	if err := os.MkdirAll(thumbs, 0o755); err != nil {
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
	keep := map[string]bool{}
	for i, name := range names {
		keep[path.Base(name)] = !failed[i]
		for _, img := range byName[name] {
			if failed[i] {
				img.Missing = true
			} else {
				img.Thumb = name
			}
		}
	}
	return pruneThumbs(filepath.Join(dir, ThumbDir), keep)
}

// thumbFile matches the names WriteThumbs gives.
var thumbFile = regexp.MustCompile(`^(?:[0-9a-f]{32}|f[0-9a-f]+)\.jpeg$`)

// pruneThumbs removes the thumbnails of an earlier report written into
// the same directory that this one does not show, and nothing else.
func pruneThumbs(dir string, keep map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && thumbFile.MatchString(e.Name()) && !keep[e.Name()] {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
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
// by content, it cannot be stale; an empty one left by a crash is made
// again).
func writeThumb(ctx context.Context, img *Image, dst string) error {
	if fi, err := os.Stat(dst); err == nil && fi.Size() > 0 {
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
	return writeRenamed(dst, buf.Bytes())
}

// writeRenamed writes data to a temp file beside path and renames it into
// place, so that a thumbnail is whole or absent. Unlike the lock's writes
// it does not sync: a thumbnail is made again from its image at will.
func writeRenamed(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".thumb-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
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
	if w == b.Dx() && h == b.Dy() {
		stddraw.Draw(dst, dst.Bounds(), src, b.Min, stddraw.Over) // small enough already
		return dst
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}
