package seedreamtest

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// The fake's pictures are one flat colour. Encoding a 4096x4096 picture with
// image/jpeg takes a second under the race detector, so the encoders below
// write flat pictures directly: the JPEG scan after the first block is all
// zero bits, and the PNG's pixel data depends only on the size. The files
// are ordinary baseline JPEG and 1-bit paletted PNG that any decoder reads.

// imageKey identifies one encoded picture.
type imageKey struct {
	w, h   int
	format string  // "jpeg" or "png"
	colour [3]byte // Y, Cb, Cr for jpeg; R, G, B for png
}

// encoded is one picture's file bytes, and their base64 made on first use.
type encoded struct {
	raw     []byte
	b64Once sync.Once
	b64     []byte
}

func (e *encoded) base64() []byte {
	e.b64Once.Do(func() {
		e.b64 = make([]byte, base64.StdEncoding.EncodedLen(len(e.raw)))
		base64.StdEncoding.Encode(e.b64, e.raw)
	})
	return e.b64
}

// imageCache keeps every picture a server made, so that a repeated request
// (a retry, a second apply) costs nothing.
type imageCache struct {
	mu      sync.Mutex
	images  map[imageKey]*encoded
	pngData map[[2]int][]byte // zlib pixel data by size, shared by all colours
}

func (c *imageCache) get(k imageKey) *encoded {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.images[k]; ok {
		return e
	}
	var raw []byte
	if k.format == "png" {
		data, ok := c.pngData[[2]int{k.w, k.h}]
		if !ok {
			data = pngPixelData(k.w, k.h)
			if c.pngData == nil {
				c.pngData = make(map[[2]int][]byte)
			}
			c.pngData[[2]int{k.w, k.h}] = data
		}
		raw = flatPNG(k.w, k.h, k.colour, data)
	} else {
		raw = flatJPEG(k.w, k.h, k.colour)
	}
	e := &encoded{raw: raw}
	if c.images == nil {
		c.images = make(map[imageKey]*encoded)
	}
	c.images[k] = e
	return e
}

// The DC Huffman table is the standard luminance table (ITU T.81 K.3);
// the AC table holds only end-of-block, coded as a single 0 bit.
var (
	dcCounts  = [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1}
	dcSymbols = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	acCounts  = [16]byte{1}
	acSymbols = []byte{0x00}
)

// dcCodes are the canonical codes of dcSymbols, indexed by category.
var dcCodes = func() (codes [12]struct {
	bits uint32
	n    uint
}) {
	code, k := uint32(0), 0
	for length := 1; length <= 16; length++ {
		for range dcCounts[length-1] {
			codes[dcSymbols[k]].bits, codes[dcSymbols[k]].n = code, uint(length)
			code++
			k++
		}
		code <<= 1
	}
	return codes
}()

// flatJPEG returns a baseline 4:4:4 JPEG of w x h pixels of one YCbCr colour.
// The DC quantiser is 8, so a block's DC coefficient is its level-shifted
// sample and every byte value is exact.
func flatJPEG(w, h int, ycc [3]byte) []byte {
	b := []byte{0xFF, 0xD8}
	b = append(b, 0xFF, 0xDB, 0, 67, 0, 8)
	b = append(b, bytes.Repeat([]byte{1}, 63)...)
	b = append(b, 0xFF, 0xC0, 0, 17, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 3,
		1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0)
	b = append(b, 0xFF, 0xC4, 0, byte(2+17+len(dcSymbols)+17+len(acSymbols)), 0x00)
	b = append(b, dcCounts[:]...)
	b = append(b, dcSymbols...)
	b = append(b, 0x10)
	b = append(b, acCounts[:]...)
	b = append(b, acSymbols...)
	b = append(b, 0xFF, 0xDA, 0, 12, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0)

	bw := bitWriter{buf: b}
	for _, v := range ycc {
		// The first block of each component carries the colour as a DC
		// difference from zero; every later block repeats it (difference 0).
		diff := int(v) - 128
		mag, s := diff, uint(0)
		if mag < 0 {
			mag = -mag
		}
		for ; mag > 0; mag >>= 1 {
			s++
		}
		bw.write(dcCodes[s].bits, dcCodes[s].n)
		if diff < 0 {
			diff += 1<<s - 1
		}
		bw.write(uint32(diff), s)
		bw.write(0, 1) // end of block
	}
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	// Each later block is DC category 0 ("00") and end of block ("0").
	bw.zeros((blocks - 1) * 3 * 3)
	b = bw.finish()
	return append(b, 0xFF, 0xD9)
}

// bitWriter writes a JPEG entropy-coded segment, most significant bit first,
// stuffing a zero byte after every 0xFF.
type bitWriter struct {
	buf  []byte
	acc  uint32
	nacc uint
}

func (w *bitWriter) write(bits uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | (bits>>uint(i))&1
		w.nacc++
		if w.nacc == 8 {
			w.buf = append(w.buf, byte(w.acc))
			if byte(w.acc) == 0xFF {
				w.buf = append(w.buf, 0)
			}
			w.acc, w.nacc = 0, 0
		}
	}
}

// zeros writes n zero bits, whole bytes at once.
func (w *bitWriter) zeros(n int) {
	for n > 0 && w.nacc != 0 {
		w.write(0, 1)
		n--
	}
	w.buf = append(w.buf, make([]byte, n/8)...)
	w.write(0, uint(n%8))
}

// finish pads the last byte with one bits, as T.81 asks.
func (w *bitWriter) finish() []byte {
	if w.nacc > 0 {
		pad := 8 - w.nacc
		w.write(1<<pad-1, pad)
	}
	return w.buf
}

// pngPixelData is the zlib stream of a w x h 1-bit image whose every pixel
// is palette entry 0: rows of a filter byte and zero bits.
func pngPixelData(w, h int) []byte {
	var out bytes.Buffer
	zw, err := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	if err != nil {
		panic(err) // BestSpeed is a valid level
	}
	row := make([]byte, 1+(w+7)/8)
	for range h {
		zw.Write(row) // writes to a bytes.Buffer do not fail
	}
	zw.Close()
	return out.Bytes()
}

// flatPNG returns a 1-bit paletted PNG of w x h pixels of colour rgb.
func flatPNG(w, h int, rgb [3]byte, pixelData []byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 1, 3, 0, 0, 0) // bit depth 1, palette, deflate, no filter, no interlace
	b = pngChunk(b, "IHDR", ihdr)
	b = pngChunk(b, "PLTE", rgb[:])
	b = pngChunk(b, "IDAT", pixelData)
	return pngChunk(b, "IEND", nil)
}

func pngChunk(b []byte, kind string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, kind...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}
