package seedreamtest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// payloadKind is what an image slot delivers in place of its picture.
type payloadKind int

const (
	payloadImage    payloadKind = iota
	payloadNotImage             // valid base64 or a download, but not an image
	payloadHuge                 // HugeBodySize bytes, written lazily
	payloadCorrupt              // a b64_json string that is not base64
	payloadHalf                 // the first half of the picture
)

// notAnImage is what a KindNotAnImage image holds: an error page, as a
// misbehaving CDN or relay serves.
var notAnImage = []byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n")

// slot is one image of an answer: a picture or an error.
type slot struct {
	index         int
	errCode       string // "" for a picture
	errMessage    string
	width, height int
	img           *encoded
	payload       payloadKind
	url           string
	padding       int64 // zero bytes after the picture (SetImagePadding)
}

// reply is one answer being written.
type reply struct {
	req     *genRequest
	id      string
	created int64
	slots   []slot
	// cut ends a stream after its first image event (KindStreamCut).
	cut bool
	// topError is a top-level error written beside the data
	// (KindDataWithError).
	topError *apiError
	// noCompleted ends a stream with [DONE] alone (OmitCompletedEvent).
	noCompleted bool
	// slow, when set, is called before each stream event is written
	// (KindSlowEvents); false means the client left or the server closes.
	slow func() bool
}

// answer writes the answer to a valid request, playing fault if not nil.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, rec int, id string, req *genRequest, fault *Fault) {
	arrived := time.Now()
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if req.directive.hasLatency {
		latency = req.directive.latency
	}
	rp := &reply{req: req, id: id, created: time.Now().Unix()}
	s.mu.Lock()
	rp.noCompleted = s.noCompleted && req.images == 1
	s.mu.Unlock()

	if fault != nil {
		switch fault.Kind {
		case KindStatus:
			status := fault.status()
			e := &apiError{status: status, code: fault.Code, message: fault.Message, retryAfter: fault.RetryAfter}
			if e.code == "" {
				e.code = codeFor(status)
			}
			if e.message == "" {
				e.message = fmt.Sprintf("%s (injected by seedreamtest).", http.StatusText(status))
			}
			s.setStatus(rec, status)
			writeError(w, id, e)
			return
		case KindReset:
			resetConn(w)
			return
		case KindHang:
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			panic(http.ErrAbortHandler) // nothing was written: close without an answer
		case KindInvalidJSON, KindTopLevelError:
			s.setStatus(rec, http.StatusOK)
			rp.writeBroken(w, fault)
			return
		case KindStringError:
			status := fault.status()
			message := fault.Message
			if message == "" {
				message = "upstream model service unavailable"
			}
			s.setStatus(rec, status)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, "{\"error\":%s}\n", jsonString(message))
			return
		case KindDataWithError:
			rp.topError = &apiError{status: http.StatusInternalServerError, code: fault.Code, message: fault.Message}
			if rp.topError.code == "" {
				rp.topError.code = "InternalServiceError"
			}
			if rp.topError.message == "" {
				rp.topError.message = "The service encountered an unexpected internal error."
			}
		}
	}
	rp.slots = s.makeSlots(req, id, fault)
	rp.cut = fault != nil && fault.Kind == KindStreamCut
	if fault != nil && fault.Kind == KindSlowEvents {
		delay := fault.eventDelay()
		rp.slow = func() bool { return s.sleep(r.Context(), delay) }
	}

	flusher := http.NewResponseController(w)
	flush := func() { flusher.Flush() } // an error means the client left; the next write fails too
	// The first image's latency counts from the request's arrival: drawing
	// the pictures is part of it, as generating is on the real server.
	// Added after, it made every request slower than configured.
	first := true
	wait := func() bool {
		d := latency
		if first {
			first = false
			d -= time.Since(arrived)
		}
		return s.sleep(r.Context(), max(d, 0))
	}
	if req.stream {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	s.setStatus(rec, http.StatusOK)

	if fault != nil && fault.Kind == KindTruncate {
		// Measure the whole body without sleeping, announce its length,
		// then write half of it and drop the connection.
		var full countWriter
		rp.render(&full, func() {}, func() bool { return true })
		w.Header().Set("Content-Length", strconv.FormatInt(full.n, 10))
		rp.render(&cutWriter{w: w, left: full.n / 2}, flush, wait)
		flush()
		panic(http.ErrAbortHandler)
	}
	if err := rp.render(w, flush, wait); errors.Is(err, errGaveUp) {
		panic(http.ErrAbortHandler)
	}
}

// errGaveUp stops an answer whose client left or whose server is closing.
var errGaveUp = errors.New("client gone or server closing")

// sleep waits d, and reports false if the client left or the server closed first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// resetConn closes the connection with a TCP reset and no answer.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack: abort closes the connection anyway
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close sends RST instead of FIN
	}
	conn.Close()
}

// makeSlots draws the pictures of a request and applies a per-item fault.
func (s *Server) makeSlots(req *genRequest, id string, fault *Fault) []slot {
	payload := payloadImage
	expired := false
	format := req.format
	var fails *downloadFailure
	if fault != nil {
		switch fault.Kind {
		case KindNotAnImage:
			payload = payloadNotImage
		case KindHugeBody:
			payload = payloadHuge
		case KindCorruptBase64:
			payload = payloadCorrupt
		case KindTruncatedB64:
			payload = payloadHalf
		case KindExpiredURL:
			expired = true
		case KindWrongFormat:
			format = "png"
			if req.format == "png" {
				format = "jpeg"
			}
		case KindDownloadStatus, KindDownloadReset, KindDownloadTruncate, KindDownloadCutNoLength:
			fails = &downloadFailure{kind: fault.Kind, status: fault.status(), code: fault.Code,
				message: fault.Message, retryAfter: fault.RetryAfter, left: max(fault.Times, 1)}
		}
	}
	var slots []slot
	n := req.images
	if fault != nil && fault.Kind == KindExtraImages {
		n += ExtraImages
	}
	for i := range n {
		sl := slot{index: i, width: req.width, height: req.height, payload: payload}
		if fault != nil && (fault.Kind == KindItemError || fault.Kind == KindPartialFailed) && fault.Index == i {
			sl.errCode, sl.errMessage = fault.Code, fault.Message
			if sl.errCode == "" {
				sl.errCode = contentFilterCode
			}
			if sl.errMessage == "" {
				sl.errMessage = "The output image may contain sensitive information."
			}
			slots = append(slots, sl)
			if stopsSet(sl.errCode) {
				break
			}
			continue
		}
		sum := sha256.Sum256(append(req.digest[:], byte(i)))
		sl.img = s.images.get(imageKey{w: req.width, h: req.height, format: format, colour: [3]byte(sum[:3])})
		s.mu.Lock()
		sl.padding = s.padding
		s.mu.Unlock()
		if !req.b64 {
			name := fmt.Sprintf("%s_%d.%s", id, i, format)
			f := &file{img: sl.img, format: format, payload: payload, expired: expired, padding: sl.padding}
			if fails != nil {
				copied := *fails // each URL fails its own first downloads
				f.fails = &copied
			}
			s.mu.Lock()
			s.files[name] = f
			s.mu.Unlock()
			// The vendor's links are signed object-store URLs with a query.
			sl.url = s.URL() + filesPath + name + "?X-Tos-Expires=86400"
		}
		slots = append(slots, sl)
		if fault != nil && fault.Kind == KindDuplicateImages {
			slots = append(slots, sl)
		}
	}
	return slots
}

// render writes the answer body: JSON, or events when streaming. wait is
// called before each image is delivered; flush after each event.
func (rp *reply) render(w io.Writer, flush func(), wait func() bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if rp.req.stream {
		return rp.renderStream(bw, flush, wait)
	}
	for range rp.slots {
		if !wait() {
			return errGaveUp
		}
	}
	fmt.Fprintf(bw, `{"model":%s,"created":%d,"data":[`, jsonString(rp.req.modelID), rp.created)
	for i, sl := range rp.slots {
		if i > 0 {
			bw.WriteByte(',')
		}
		if sl.errCode != "" {
			writeJSON(bw, map[string]any{"error": itemError{sl.errCode, sl.errMessage}})
			continue
		}
		rp.writeImage(bw, struct {
			Size string `json:"size"`
		}{sizeOf(sl)}, sl)
	}
	bw.WriteString(`],"usage":`)
	writeJSON(bw, rp.usage())
	if rp.topError != nil {
		bw.WriteString(`,"error":`)
		writeJSON(bw, errorBody(rp.id, rp.topError)["error"])
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func (rp *reply) renderStream(bw *bufio.Writer, flush func(), wait func() bool) error {
	event := func(name string, write func()) error {
		if rp.slow != nil && !rp.slow() {
			return errGaveUp
		}
		fmt.Fprintf(bw, "event: %s\ndata: ", name)
		write()
		bw.WriteString("\n\n")
		if err := bw.Flush(); err != nil {
			return err
		}
		flush()
		return nil
	}
	for _, sl := range rp.slots {
		if !wait() {
			return errGaveUp
		}
		var err error
		if sl.errCode != "" {
			const name = "image_generation.partial_failed"
			err = event(name, func() {
				writeJSON(bw, struct {
					Type       string    `json:"type"`
					Model      string    `json:"model"`
					Created    int64     `json:"created"`
					ImageIndex int       `json:"image_index"`
					Error      itemError `json:"error"`
				}{name, rp.req.modelID, rp.created, sl.index, itemError{sl.errCode, sl.errMessage}})
			})
		} else {
			const name = "image_generation.partial_succeeded"
			err = event(name, func() {
				rp.writeImage(bw, struct {
					Type       string `json:"type"`
					Model      string `json:"model"`
					Created    int64  `json:"created"`
					ImageIndex int    `json:"image_index"`
					Size       string `json:"size"`
				}{name, rp.req.modelID, rp.created, sl.index, sizeOf(sl)}, sl)
			})
		}
		if err != nil {
			return err
		}
		if rp.cut {
			return nil
		}
	}
	if !rp.noCompleted {
		const name = "image_generation.completed"
		if err := event(name, func() {
			writeJSON(bw, struct {
				Type    string `json:"type"`
				Model   string `json:"model"`
				Created int64  `json:"created"`
				Usage   usage  `json:"usage"`
			}{name, rp.req.modelID, rp.created, rp.usage()})
		}); err != nil {
			return err
		}
	}
	if rp.slow != nil && !rp.slow() {
		return errGaveUp
	}
	bw.WriteString("data: [DONE]\n\n")
	err := bw.Flush()
	flush()
	return err
}

// writeImage writes head (a JSON object) with the image added: a url, or
// a b64_json written piecewise so that a big image is never one string.
func (rp *reply) writeImage(bw *bufio.Writer, head any, sl slot) {
	b, err := json.Marshal(head)
	if err != nil {
		panic(err) // head is a struct of strings and numbers
	}
	bw.Write(b[:len(b)-1])
	if !rp.req.b64 {
		fmt.Fprintf(bw, `,"url":%s}`, jsonString(sl.url))
		return
	}
	bw.WriteString(`,"b64_json":"`)
	switch sl.payload {
	case payloadImage:
		if sl.padding == 0 {
			bw.Write(sl.img.base64())
			break
		}
		enc := base64.NewEncoder(base64.StdEncoding, bw)
		enc.Write(sl.img.raw)
		writeRepeated(enc, 0, sl.padding) // errors surface at the next flush
		enc.Close()
	case payloadNotImage:
		bw.WriteString(base64.StdEncoding.EncodeToString(notAnImage))
	case payloadCorrupt:
		bw.WriteString("%%% this is not base64 %%%")
	case payloadHalf:
		bw.WriteString(base64.StdEncoding.EncodeToString(sl.img.raw[:len(sl.img.raw)/2]))
	case payloadHuge:
		// "A" is base64 for zero bits: a valid, endless run of zero bytes.
		writeRepeated(bw, 'A', HugeBodySize)
	}
	bw.WriteString(`"}`)
}

// writeBroken answers 200 with a body a client must refuse: not JSON
// (KindInvalidJSON) or a top-level error (KindTopLevelError).
func (rp *reply) writeBroken(w http.ResponseWriter, fault *Fault) {
	var body string
	if fault.Kind == KindInvalidJSON {
		body = fmt.Sprintf(`{"model":%s,"created":%d,"data":[<html>upstream error</html>`, jsonString(rp.req.modelID), rp.created)
	} else {
		e := &apiError{status: http.StatusInternalServerError, code: fault.Code, message: fault.Message}
		if e.code == "" {
			e.code = "InternalServiceError"
		}
		if e.message == "" {
			e.message = "The service encountered an unexpected internal error."
		}
		b, err := json.Marshal(errorBody(rp.id, e))
		if err != nil {
			panic(err) // a map of strings
		}
		body = string(b)
	}
	if rp.req.stream {
		w.Header().Set("Content-Type", "text/event-stream")
		if fault.Kind == KindInvalidJSON {
			body = "event: image_generation.partial_succeeded\ndata: " + body + "\n\n"
		} else {
			body = "data: " + body + "\n\n"
		}
	} else {
		w.Header().Set("Content-Type", "application/json")
		body += "\n"
	}
	io.WriteString(w, body)
}

type itemError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type usage struct {
	GeneratedImages int            `json:"generated_images"`
	OutputTokens    int            `json:"output_tokens"`
	TotalTokens     int            `json:"total_tokens"`
	InputImages     int            `json:"input_images,omitempty"`
	ToolUsage       map[string]int `json:"tool_usage,omitempty"`
}

// usage bills the pictures delivered: output_tokens = sum(w*h)/256.
func (rp *reply) usage() usage {
	var u usage
	pixels := 0
	for _, sl := range rp.slots {
		if sl.errCode == "" {
			u.GeneratedImages++
			pixels += sl.width * sl.height
		}
	}
	u.OutputTokens = pixels / 256
	u.TotalTokens = u.OutputTokens
	if rp.req.directive.billed > 0 {
		u.GeneratedImages = rp.req.directive.billed
	}
	u.InputImages = rp.req.inputImages
	if rp.req.webSearch {
		// The fake's model always finds searching worth it, once.
		u.ToolUsage = map[string]int{"web_search": 1}
	}
	return u
}

func sizeOf(sl slot) string { return fmt.Sprintf("%dx%d", sl.width, sl.height) }

func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // strings always marshal
	}
	return string(b)
}

// writeJSON writes v without the newline json.Encoder adds.
func writeJSON(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // callers pass plain structs and maps
	}
	w.Write(b)
}

// writeRepeated writes n copies of c, 64 KiB at a time.
func writeRepeated(w io.Writer, c byte, n int64) error {
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = c
	}
	for n > 0 {
		k, err := w.Write(chunk[:min(n, int64(len(chunk)))])
		if err != nil {
			return err
		}
		n -= int64(k)
	}
	return nil
}

// countWriter counts what is written and keeps none of it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// cutWriter passes on the first left bytes, then fails.
type cutWriter struct {
	w    io.Writer
	left int64
}

var errCut = errors.New("body cut")

func (c *cutWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		n, _ := c.w.Write(p[:c.left])
		c.left = 0
		return n, errCut
	}
	n, err := c.w.Write(p)
	c.left -= int64(n)
	return n, err
}
