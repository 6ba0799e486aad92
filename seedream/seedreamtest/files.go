package seedreamtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// filesPath is where the server serves the images its url answers name.
const filesPath = "/files/"

// file is one downloadable image.
type file struct {
	img     *encoded
	format  string
	payload payloadKind
	expired bool
	padding int64
	// fails, when not nil, is a download fault still to play.
	fails *downloadFailure
}

// downloadFailure is a download fault of one file: its next left
// downloads fail as kind says, then the file is served.
type downloadFailure struct {
	kind                      FaultKind
	status                    int
	code, message, retryAfter string
	left                      int
}

// storeCodes are an object store's error codes by status.
var storeCodes = map[int]string{
	http.StatusForbidden: "AccessDenied", http.StatusNotFound: "NoSuchKey",
	http.StatusTooManyRequests: "SlowDown", http.StatusServiceUnavailable: "ServiceUnavailable",
}

// download serves GET /files/<name>, like the vendor's object store: an
// expired or unknown link is an XML error, not the API's JSON one.
func (s *Server) download(w http.ResponseWriter, r *http.Request, id string) {
	name := strings.TrimPrefix(r.URL.Path, filesPath)
	s.mu.Lock()
	s.downloads++
	f := s.files[name]
	var fail *downloadFailure
	if f != nil && f.fails != nil && f.fails.left > 0 && r.Method == http.MethodGet {
		f.fails.left--
		copied := *f.fails
		fail = &copied
	}
	s.mu.Unlock()

	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		writeStoreError(w, id, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		return
	case f == nil:
		writeStoreError(w, id, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	case f.expired:
		writeStoreError(w, id, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	if fail != nil {
		s.failDownload(w, id, f, fail)
		return
	}
	w.Header().Set("Content-Type", "image/"+f.format)
	switch f.payload {
	case payloadHuge:
		// No Content-Length: the client learns the size only by reading.
		writeRepeated(w, 0, HugeBodySize) // an error means the client stopped reading
	case payloadNotImage:
		w.Header().Set("Content-Length", strconv.Itoa(len(notAnImage)))
		w.Write(notAnImage)
	default:
		w.Header().Set("Content-Length", strconv.FormatInt(int64(len(f.img.raw))+f.padding, 10))
		if _, err := w.Write(f.img.raw); err == nil {
			writeRepeated(w, 0, f.padding) // an error means the client stopped reading
		}
	}
}

// failDownload plays a download fault on one download of f.
func (s *Server) failDownload(w http.ResponseWriter, id string, f *file, fail *downloadFailure) {
	switch fail.kind {
	case KindDownloadReset:
		resetConn(w)
	case KindDownloadTruncate:
		body := f.img.raw
		w.Header().Set("Content-Type", "image/"+f.format)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		http.NewResponseController(w).Flush() // an error means the client left
		panic(http.ErrAbortHandler)           // close before the announced end
	case KindDownloadCutNoLength:
		// Written by hand: net/http would frame the body in chunks, and
		// the cut must look like the end of an unframed body.
		conn, bw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		defer conn.Close()
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: image/%s\r\nConnection: close\r\n\r\n", f.format)
		bw.Write(f.img.raw[:len(f.img.raw)/2])
		bw.Flush()
	default:
		code, message := fail.code, fail.message
		if code == "" {
			code = storeCodes[fail.status]
		}
		if code == "" {
			code = "InternalError"
		}
		if message == "" {
			message = fmt.Sprintf("%s (injected by seedreamtest).", http.StatusText(fail.status))
		}
		if fail.retryAfter != "" {
			w.Header().Set("Retry-After", fail.retryAfter)
		}
		writeStoreError(w, id, fail.status, code, message)
	}
}

func writeStoreError(w http.ResponseWriter, id string, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>
`, code, message, id)
}
