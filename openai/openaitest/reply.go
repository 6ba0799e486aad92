package openaitest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strconv"

	"github.com/seedform/seedform/openai"
)

// answer writes the success answer, with the faults that corrupt it.
func (s *Server) answer(w http.ResponseWriter, req *genRequest, f *Fault) {
	n := req.imageCount()
	width, height := resolveSize(req.str("size"))
	if f != nil && f.Kind == KindWrongSize {
		width, height = width/2, height/2
	}
	format := req.str("output_format")
	if format == "" {
		format = "png"
	}
	urls := req.str("response_format") == "url" || !req.model.GPTImage && req.str("response_format") == ""
	var data []map[string]any
	for i := range n {
		img := renderImage(req.digest, i, width, height, format)
		if f != nil && f.Kind == KindNotAnImage {
			img = []byte("this is not an image")
		}
		if f != nil && f.Kind == KindTruncatedImage && f.Index == i {
			img = img[:len(img)/2]
		}
		item := map[string]any{}
		if urls {
			name := fmt.Sprintf("%s-%d.%s", req.digest[:16], i, format)
			s.mu.Lock()
			s.files[name] = img
			if f != nil && f.Kind == KindDownloadStatus {
				times := f.Times
				s.downloadFaults[name] = &Fault{Kind: KindDownloadStatus, Status: f.Status, Times: times}
			}
			s.mu.Unlock()
			item["url"] = s.hs.URL + "/files/" + name
		} else {
			b64 := base64.StdEncoding.EncodeToString(img)
			if f != nil && f.Kind == KindCorruptBase64 && f.Index == i {
				b64 = "!!not base64!!" + b64
			}
			item["b64_json"] = b64
		}
		if !req.model.GPTImage {
			item["revised_prompt"] = "A revised " + req.str("prompt")
		}
		data = append(data, item)
	}
	doc := map[string]any{"created": answerCreated, "data": data}
	if req.model.GPTImage {
		quality := req.str("quality")
		if quality == "" || quality == "auto" {
			quality = "medium"
		}
		background := req.str("background")
		if background == "" || background == "auto" {
			background = "opaque"
		}
		textTokens := len(req.str("prompt"))/4 + 1
		imageTokens := 0
		for _, p := range req.images {
			imageTokens += 65 + p.Bytes%129
		}
		out := n * (272 + width*height/4096)
		doc["background"], doc["output_format"], doc["quality"] = background, format, quality
		doc["size"] = strconv.Itoa(width) + "x" + strconv.Itoa(height)
		doc["usage"] = map[string]any{
			"input_tokens":         textTokens + imageTokens,
			"input_tokens_details": map[string]any{"image_tokens": imageTokens, "text_tokens": textTokens},
			"output_tokens":        out,
			"total_tokens":         textTokens + imageTokens + out,
		}
	}
	body, _ := json.Marshal(doc)
	w.Header().Set("Content-Type", "application/json")
	if f != nil && f.Kind == KindTruncate {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		w.Write(body[:len(body)/2])
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	}
	w.Write(body)
}

// resolveSize is the pixel size an answer has: "auto" and no size are
// square 1024.
func resolveSize(size string) (int, int) {
	if w, h, ok := openai.ParseSize(size); ok {
		return w, h
	}
	return 1024, 1024
}

// renderImage is a flat-colour image whose colour comes from the request
// digest and the slot, with a few pixels from the digest set apart so
// that two images of one colour differ. It is built in the encoders' own
// layouts (paletted for PNG, YCbCr for JPEG), which they write without
// converting a pixel at a time: a 1024x1024 answer costs milliseconds,
// also under the race detector.
func renderImage(digest string, index, w, h int, format string) []byte {
	sum := sha256.Sum256([]byte(digest + "/" + strconv.Itoa(index)))
	c := color.RGBA{sum[0], sum[1], sum[2], 255}
	marks := make([]int, 8)
	for i := range marks {
		marks[i] = int(binary.BigEndian.Uint32(sum[i*4:i*4+4]) % uint32(w*h))
	}
	var b bytes.Buffer
	switch format {
	case "webp":
		return flatWebP(w, h, c)
	case "jpeg":
		img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
		y, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
		fill(img.Y, y)
		fill(img.Cb, cb)
		fill(img.Cr, cr)
		for _, m := range marks {
			img.Y[m] ^= 0x40
		}
		jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	default:
		img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{c, color.RGBA{c.R ^ 0x40, c.G, c.B, 255}})
		for _, m := range marks {
			img.Pix[m] = 1
		}
		(&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img)
	}
	return b.Bytes()
}

func fill(p []byte, v byte) {
	for i := range p {
		p[i] = v
	}
}

// flatWebP is a lossless WebP of one colour: a VP8L stream whose five
// prefix codes each hold a single symbol, so that every pixel takes no
// bits at all. Go has no WebP encoder; this is the smallest valid one.
func flatWebP(w, h int, c color.RGBA) []byte {
	var bw bitWriter
	bw.put(0x2f, 8) // VP8L signature
	bw.put(uint64(w-1), 14)
	bw.put(uint64(h-1), 14)
	bw.put(0, 1)                                         // alpha hint
	bw.put(0, 3)                                         // version
	bw.put(0, 1)                                         // no transform
	bw.put(0, 1)                                         // no colour cache
	bw.put(0, 1)                                         // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} { // green, red, blue, alpha, distance
		bw.put(1, 1) // a simple code
		bw.put(0, 1) // of one symbol
		bw.put(1, 1) // written in 8 bits
		bw.put(uint64(sym), 8)
	}
	data := bw.bytes()
	pad := len(data) % 2
	var out bytes.Buffer
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(4+8+len(data)+pad))
	out.WriteString("WEBPVP8L")
	binary.Write(&out, binary.LittleEndian, uint32(len(data)))
	out.Write(data)
	if pad == 1 {
		out.WriteByte(0)
	}
	return out.Bytes()
}

// bitWriter writes a VP8L bit stream: least significant bit first.
type bitWriter struct {
	buf  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) put(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

func (w *bitWriter) bytes() []byte {
	if w.nacc > 0 {
		return append(w.buf, byte(w.acc))
	}
	return w.buf
}
