package provider

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/seedream"
)

// Placeholder renders real images offline: a card of the requested size
// whose colours and pattern come from the spec hash, with the prompt
// written across it and the asset address in a corner. Its output depends
// only on the spec hash, the image's index, the prompt, the address, the
// size and the format, so the same spec gives the same bytes on every run
// and machine (with the same Go release: the encoders are Go's own).
// It is safe for concurrent use.
type Placeholder struct{}

// NewPlaceholder returns the placeholder provider.
func NewPlaceholder() *Placeholder { return &Placeholder{} }

// Limits of one placeholder image. With no model any WxH is accepted, so a
// typo such as 20480x20480 must fail rather than exhaust memory.
const (
	maxPlaceholderSide   = 1 << 15
	maxPlaceholderPixels = 1 << 26
)

// defaultPlaceholderSize is the side drawn when neither a model nor a size
// says otherwise: Seedream 3.0's default, and the usual adaptive answer.
const defaultPlaceholderSize = 1024

// Generate writes the asset's image (or, for an image set, MaxImages
// distinct images) into req.StageDir.
func (p *Placeholder) Generate(ctx context.Context, req *Request) (*Result, error) {
	a := req.Asset
	if a == nil {
		return nil, errors.New("placeholder: the request has no asset")
	}
	w, h, err := placeholderSize(a, req.References)
	if err != nil {
		return nil, err
	}
	format := a.OutputFormat
	if format == "" {
		format = "jpeg" // what Seedream returns when not asked
	}
	if format != "png" && format != "jpeg" {
		return nil, fmt.Errorf("output format must be png or jpeg, got %q", format)
	}
	n := 1
	if a.Kind == schema.KindImageSet {
		n = a.MaxImages
		if n < 1 || n > seedream.MaxSequentialImages {
			return nil, fmt.Errorf("max_images must be in [1, %d], got %d", seedream.MaxSequentialImages, n)
		}
	}

	var images []Image
	fail := func(err error) (*Result, error) {
		for _, im := range images {
			os.Remove(im.TempPath)
		}
		return nil, err
	}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		label := fmt.Sprintf("%s %dx%d", a.Addr, w, h)
		if n > 1 {
			label += fmt.Sprintf(" %d/%d", i+1, n)
		}
		card := renderCard(w, h, cardSeed(req.SpecHash, i), a.Prompt, label)
		im, err := writeImage(ctx, req.StageDir, card, format)
		if err != nil {
			return fail(fmt.Errorf("image %d: %w", i+1, err))
		}
		im.Index = i
		images = append(images, im)
		if req.Events != nil {
			req.Events.ImageReady(i, w, h)
		}
	}
	return &Result{Images: images, GeneratedImages: n}, nil
}

// placeholderSize is the pixel size Seedream would be asked for: WxH as
// written when there is no model, the model's reading of its size (presets
// are square) otherwise, and for "adaptive" the first reference's size.
func placeholderSize(a *schema.Asset, refs []Ref) (w, h int, err error) {
	size, _ := a.Attrs.String("size")
	m, known := seedreamModelOf(a.Model, a.Attrs)
	if family, stated := a.Attrs.String("model_family"); stated && !known {
		return 0, 0, fmt.Errorf("unknown model family %q", family)
	}
	ok := true
	switch {
	case known:
		if m.AdaptiveOnly || size == "adaptive" {
			return adaptiveSize(refs)
		}
		w, h, ok = m.Dimensions(size)
	case size == "adaptive":
		return adaptiveSize(refs)
	case size == "":
		w, h = defaultPlaceholderSize, defaultPlaceholderSize
	default:
		w, h, ok = seedream.ParseSize(size)
	}
	if !ok {
		return 0, 0, fmt.Errorf("size %q is not WxH", size)
	}
	return w, h, checkPlaceholderSize(w, h)
}

// adaptiveSize is the size of the first reference when it is a local file;
// a URL is not fetched (the placeholder never touches the network).
func adaptiveSize(refs []Ref) (w, h int, err error) {
	if len(refs) == 0 || refs[0].File == "" {
		return defaultPlaceholderSize, defaultPlaceholderSize, nil
	}
	w, h, _, err = ProbeFile(refs[0].File)
	if err != nil {
		return 0, 0, fmt.Errorf("adaptive size: %w", err)
	}
	return w, h, checkPlaceholderSize(w, h)
}

func checkPlaceholderSize(w, h int) error {
	if w < 1 || h < 1 || w > maxPlaceholderSide || h > maxPlaceholderSide || w*h > maxPlaceholderPixels {
		return fmt.Errorf("size %dx%d is too large for the placeholder (at most %d pixels)", w, h, maxPlaceholderPixels)
	}
	return nil
}

// cardSeed gives each image of a request its own randomness.
func cardSeed(specHash string, index int) [32]byte {
	return sha256.Sum256(fmt.Appendf(nil, "seedform placeholder\x00%s\x00%d", specHash, index))
}

// Palette indexes of a card. A paletted image keeps rendering and PNG
// encoding to one byte per pixel, which is what makes 4K cards cheap.
const (
	inkBackA = iota
	inkBackB
	inkPanel
	inkText
)

var face = basicfont.Face7x13

// textColumns is how many characters wide the prompt is drawn at most;
// the glyphs are scaled so that a line spans most of the card.
const textColumns = 28

// renderCard draws a w×h card: a mirrored grid of two hash-derived colours,
// the prompt on a light panel in the middle, the label bottom left.
func renderCard(w, h int, seed [32]byte, prompt, label string) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, w, h), cardPalette(seed))
	drawPattern(img, seed)

	margin := max(2, min(w, h)/16)
	availW := w - 2*margin
	textScale := max(1, availW/(face.Advance*textColumns))

	// The label: small, in a band of its own at the bottom.
	labelScale := max(1, textScale/3)
	labelPad := labelScale * 2
	labelH := face.Height*labelScale + 2*labelPad
	if cols := (w - 2*labelPad) / (face.Advance * labelScale); cols > 0 && labelH < h {
		text := truncateRunes(label, cols)
		lw := len([]rune(text))*face.Advance*labelScale + 2*labelPad
		fillRect(img, image.Rect(0, h-labelH, lw, h), inkPanel)
		drawText(img, labelPad, h-labelH+labelPad, text, labelScale, inkText)
	}

	// The prompt: as large as fits above the label band.
	availH := h - 2*margin - labelH
	lines, scale := fitText(prompt, availW, availH, textScale)
	if len(lines) == 0 {
		return img
	}
	longest := 0
	for _, l := range lines {
		longest = max(longest, len([]rune(l)))
	}
	pad := 2 * scale
	tw, th := longest*face.Advance*scale, len(lines)*face.Height*scale
	x0 := (w - tw) / 2
	y0 := margin + (availH-th)/2
	fillRect(img, image.Rect(x0-pad, y0-pad, x0+tw+pad, y0+th+pad), inkPanel)
	for i, l := range lines {
		drawText(img, x0, y0+i*face.Height*scale, l, scale, inkText)
	}
	return img
}

// cardPalette picks two related colours from the hash, light enough for
// dark text on a light panel to stand out.
func cardPalette(seed [32]byte) color.Palette {
	hue := float64(binary.BigEndian.Uint16(seed[0:2])) / 65536 * 360
	shift := 30 + float64(seed[2]%120)
	return color.Palette{
		inkBackA: hsl(hue, 0.55, 0.62),
		inkBackB: hsl(hue+shift, 0.50, 0.48),
		inkPanel: color.RGBA{250, 250, 246, 255},
		inkText:  color.RGBA{22, 22, 28, 255},
	}
}

// hsl converts hue (degrees), saturation and lightness (0..1) to RGB.
func hsl(h, s, l float64) color.RGBA {
	h = math.Mod(h, 360) / 60
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h, 2)-1))
	var r, g, b float64
	switch int(h) {
	case 0:
		r, g = c, x
	case 1:
		r, g = x, c
	case 2:
		g, b = c, x
	case 3:
		g, b = x, c
	case 4:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := l - c/2
	to8 := func(v float64) uint8 { return uint8(math.Round((v + m) * 255)) }
	return color.RGBA{to8(r), to8(g), to8(b), 255}
}

// drawPattern fills img with a left-right mirrored grid of flat cells, an
// identicon: recognisable at a glance, and flat areas compress fast.
func drawPattern(img *image.Paletted, seed [32]byte) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	rng := rand.New(rand.NewChaCha8(seed))
	cells := 6 + int(seed[3]%5) // across the short side
	cell := max(1, min(w, h)/cells)
	cols := (w + cell - 1) / cell
	row := make([]uint8, w)
	for y0 := 0; y0 < h; y0 += cell {
		half := make([]uint8, (cols+1)/2)
		for i := range half {
			half[i] = uint8(rng.IntN(2)) // inkBackA or inkBackB
		}
		for cx := range cols {
			ink := half[min(cx, cols-1-cx)]
			for x := cx * cell; x < min((cx+1)*cell, w); x++ {
				row[x] = ink
			}
		}
		for y := y0; y < min(y0+cell, h); y++ {
			copy(img.Pix[y*img.Stride:], row)
		}
	}
}

// fitText wraps text into the box at the largest scale up to maxScale at
// which it fits, shrinking down to scale 1 and cutting what still does not
// fit there.
func fitText(text string, boxW, boxH, maxScale int) (lines []string, scale int) {
	for scale = maxScale; scale >= 1; scale-- {
		cols := boxW / (face.Advance * scale)
		rows := boxH / (face.Height * scale)
		if cols < 1 || rows < 1 {
			continue
		}
		lines = wrap(text, cols)
		if len(lines) <= rows {
			return lines, scale
		}
		if scale == 1 {
			lines = lines[:rows]
			last := []rune(lines[rows-1])
			if len(last) >= cols {
				last = last[:cols-1]
			}
			lines[rows-1] = string(last) + "…"
			return lines, 1
		}
	}
	return nil, 1
}

// wrap breaks text into lines of at most cols runes at spaces, cutting
// words longer than a line.
func wrap(text string, cols int) []string {
	var lines []string
	var line []rune
	for _, word := range strings.Fields(text) {
		wr := []rune(word)
		for len(wr) > cols {
			if len(line) > 0 {
				lines = append(lines, string(line))
				line = nil
			}
			lines = append(lines, string(wr[:cols]))
			wr = wr[cols:]
		}
		if len(wr) == 0 {
			continue
		}
		switch {
		case len(line) == 0:
			line = wr
		case len(line)+1+len(wr) <= cols:
			line = append(append(line, ' '), wr...)
		default:
			lines = append(lines, string(line))
			line = wr
		}
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

// drawText draws s with its top-left corner at (x, y), each font pixel a
// scale×scale square. Runes the font lacks are drawn as its replacement
// glyph.
func drawText(img *image.Paletted, x, y int, s string, scale int, ink uint8) {
	for _, r := range s {
		if r == '…' {
			// basicfont has no ellipsis: draw three dots in one cell.
			for _, dx := range []int{0, 2, 4} {
				fillRect(img, image.Rect(x+dx*scale, y+10*scale, x+(dx+1)*scale, y+11*scale), ink)
			}
			x += face.Advance * scale
			continue
		}
		dr, mask, mp, _, _ := face.Glyph(fixed.P(0, face.Ascent), r)
		for my := range dr.Dy() {
			for mx := range dr.Dx() {
				if _, _, _, a := mask.At(mp.X+mx, mp.Y+my).RGBA(); a < 0x8000 {
					continue
				}
				px, py := x+(dr.Min.X+mx)*scale, y+(dr.Min.Y+my)*scale
				fillRect(img, image.Rect(px, py, px+scale, py+scale), ink)
			}
		}
		x += face.Advance * scale
	}
}

// fillRect paints r, clipped to the image, with one palette index.
func fillRect(img *image.Paletted, r image.Rectangle, ink uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
		for i := range row {
			row[i] = ink
		}
	}
}

// writeImage encodes img into a new temp file in dir, hashing and counting
// the bytes on the way, and syncs it. On error the file is removed.
func writeImage(ctx context.Context, dir string, img *image.Paletted, format string) (im Image, err error) {
	f, err := os.CreateTemp(dir, "placeholder-*."+format)
	if err != nil {
		return Image{}, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	sum := sha256.New()
	out := &ctxWriter{ctx: ctx, w: io.MultiWriter(f, sum)}
	buf := bufio.NewWriterSize(out, 1<<16)
	switch format {
	case "png":
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(buf, img)
	default:
		err = jpeg.Encode(buf, toYCbCr(img), &jpeg.Options{Quality: 90})
	}
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		// CreateTemp makes the file 0600, and the caller only renames it:
		// the image lands in a design repository, where it is an
		// ordinary file that others read.
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return Image{}, err
	}
	b := img.Bounds()
	return Image{
		TempPath: f.Name(), Width: b.Dx(), Height: b.Dy(), Format: format,
		SHA256: hex.EncodeToString(sum.Sum(nil)), Bytes: out.n,
	}, nil
}

// ctxWriter stops an encoder, between two buffered writes, once ctx is
// done: a 4K image takes long enough that cancellation should not wait.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
	n   int64
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// toYCbCr converts a card for the JPEG encoder, which takes *image.YCbCr
// directly but reads any other image one pixel at a time through At.
func toYCbCr(p *image.Paletted) *image.YCbCr {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	out := image.NewYCbCr(p.Rect, image.YCbCrSubsampleRatio420)
	lut := make([][3]uint8, len(p.Palette))
	for i, c := range p.Palette {
		r, g, b, _ := c.RGBA()
		y, cb, cr := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(b>>8))
		lut[i] = [3]uint8{y, cb, cr}
	}
	for y := range h {
		src := p.Pix[y*p.Stride : y*p.Stride+w]
		dst := out.Y[y*out.YStride : y*out.YStride+w]
		for x, ink := range src {
			dst[x] = lut[ink][0]
		}
	}
	// Chroma is sampled at the top-left pixel of each 2×2 block: the card
	// is flat colour, so averaging would change nothing visible.
	for cy := range (h + 1) / 2 {
		for cx := range (w + 1) / 2 {
			ink := p.Pix[2*cy*p.Stride+2*cx]
			out.Cb[cy*out.CStride+cx] = lut[ink][1]
			out.Cr[cy*out.CStride+cx] = lut[ink][2]
		}
	}
	return out
}
