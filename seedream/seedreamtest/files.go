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
}

// download serves GET /files/<name>, like the vendor's object store: an
// expired or unknown link is an XML error, not the API's JSON one.
func (s *Server) download(w http.ResponseWriter, r *http.Request, id string) {
	name := strings.TrimPrefix(r.URL.Path, filesPath)
	s.mu.Lock()
	s.downloads++
	f := s.files[name]
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

func writeStoreError(w http.ResponseWriter, id string, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>
`, code, message, id)
}
