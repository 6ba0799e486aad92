package seedreamtest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFlatImagesDecode(t *testing.T) {
	colours := [][3]byte{{0, 0, 0}, {255, 255, 255}, {128, 128, 128}, {200, 30, 90}, {1, 254, 127}, {129, 0, 255}}
	sizes := [][2]int{{1, 1}, {15, 9}, {64, 64}, {333, 17}, {1345, 7}}
	for _, c := range colours {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			j, err := jpeg.Decode(bytes.NewReader(flatJPEG(w, h, c)))
			if err != nil {
				t.Fatalf("jpeg %dx%d %v: %v", w, h, c, err)
			}
			p, err := png.Decode(bytes.NewReader(flatPNG(w, h, c, pngPixelData(w, h))))
			if err != nil {
				t.Fatalf("png %dx%d %v: %v", w, h, c, err)
			}
			type got struct {
				JPEGSize, PNGSize image.Point
				JPEGColour        color.YCbCr
				PNGColour         color.RGBA
			}
			want := got{image.Pt(w, h), image.Pt(w, h), color.YCbCr{c[0], c[1], c[2]}, color.RGBA{c[0], c[1], c[2], 255}}
			g := got{
				JPEGSize: j.Bounds().Size(), PNGSize: p.Bounds().Size(),
				JPEGColour: j.(*image.YCbCr).YCbCrAt(w-1, h-1),
				PNGColour:  color.RGBAModel.Convert(p.At(w/2, h/2)).(color.RGBA),
			}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("%dx%d %v (-want +got):\n%s", w, h, c, diff)
			}
		}
	}
}

func TestImageCacheReuses(t *testing.T) {
	var c imageCache
	k := imageKey{w: 4096, h: 4096, format: "jpeg", colour: [3]byte{1, 2, 3}}
	start := time.Now()
	a := c.get(k)
	t.Logf("4096x4096 jpeg: %d bytes in %v", len(a.raw), time.Since(start))
	if b := c.get(k); a != b {
		t.Error("second get encoded again")
	}
	p1 := c.get(imageKey{w: 64, h: 32, format: "png", colour: [3]byte{1, 2, 3}})
	p2 := c.get(imageKey{w: 64, h: 32, format: "png", colour: [3]byte{3, 2, 1}})
	if bytes.Equal(p1.raw, p2.raw) {
		t.Error("two colours gave the same png")
	}
}

func BenchmarkFlatJPEG4K(b *testing.B) {
	for i := range b.N {
		flatJPEG(4096, 4096, [3]byte{byte(i), 2, 3})
	}
}

func BenchmarkFlatPNG4K(b *testing.B) {
	data := pngPixelData(4096, 4096)
	for i := range b.N {
		flatPNG(4096, 4096, [3]byte{byte(i), 2, 3}, data)
	}
}
