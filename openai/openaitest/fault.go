package openaitest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

const (
	// KindStatus answers with Fault.Status, Fault.Code and Retry-After.
	KindStatus FaultKind = iota
	// KindReset closes the connection without an answer.
	KindReset
	// KindHang never answers, until the client gives up or the server closes.
	KindHang
	// KindTruncate answers 200 with half the body, then closes the connection.
	KindTruncate
	// KindInvalidJSON answers 200 with a body that is not JSON.
	KindInvalidJSON
	// KindCorruptBase64 makes slot Fault.Index's b64_json not base64.
	KindCorruptBase64
	// KindNotAnImage makes every image valid base64 (or a downloadable
	// file) whose bytes are not an image.
	KindNotAnImage
	// KindWrongSize makes every image half the size asked for, as a
	// relay that ignores size does.
	KindWrongSize
	// KindDownloadStatus makes each URL of a url answer fail its first
	// Fault.Times downloads with Fault.Status (default 500).
	KindDownloadStatus
	// KindTruncatedImage makes slot Fault.Index's image (its b64_json, or
	// the file its url serves) the first half of the image's bytes: a
	// whole header and no end.
	KindTruncatedImage
)

var kindNames = []string{
	KindStatus: "status", KindReset: "reset", KindHang: "hang", KindTruncate: "truncate",
	KindInvalidJSON: "invalid_json", KindCorruptBase64: "corrupt_base64", KindNotAnImage: "not_an_image",
	KindWrongSize: "wrong_size", KindDownloadStatus: "download_status", KindTruncatedImage: "truncated_image",
}

func (k FaultKind) String() string { return kindNames[k] }

// Fault is one failure to play.
type Fault struct {
	Kind FaultKind
	// Status and Code are the HTTP status and API error code of KindStatus
	// (default 500 server_error) and KindDownloadStatus.
	Status int
	Code   string
	// RetryAfter, when not zero, is sent as Retry-After in seconds.
	RetryAfter time.Duration
	// Times is how many requests the fault hits (default 1); for
	// KindDownloadStatus, how many downloads of each URL fail.
	Times int
	// Index is the slot of KindCorruptBase64 and KindTruncatedImage.
	Index int
	// PromptContains, when set, limits the fault to requests whose prompt
	// contains it.
	PromptContains string
}

var directive = regexp.MustCompile(`\[\[fake:([^\]]*)\]\]`)

// parseDirectives reads the [[fake: ...]] blocks of a prompt.
func parseDirectives(prompt string) (*Fault, error) {
	var f *Fault
	seen := map[string]bool{}
	for _, m := range directive.FindAllStringSubmatch(prompt, -1) {
		for _, kv := range strings.Fields(m[1]) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || v == "" {
				return nil, fmt.Errorf("directive %q is not key=value", kv)
			}
			if seen[k] {
				return nil, fmt.Errorf("directive key %q is given twice", k)
			}
			seen[k] = true
			if f == nil {
				f = &Fault{Times: 1}
			}
			if err := f.set(k, v); err != nil {
				return nil, err
			}
		}
	}
	if f != nil && seen["status"] && seen["fault"] {
		return nil, fmt.Errorf("a prompt names one fault: status or fault")
	}
	if f != nil && !seen["status"] && !seen["fault"] {
		return nil, fmt.Errorf("a directive needs status=NNN or fault=KIND")
	}
	return f, nil
}

func (f *Fault) set(k, v string) error {
	num := func() (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s=%q is not a whole number", k, v)
		}
		return n, nil
	}
	var err error
	switch k {
	case "status":
		f.Kind = KindStatus
		f.Status, err = num()
	case "fault":
		found := false
		for i, name := range kindNames {
			if name == v {
				f.Kind, found = FaultKind(i), true
			}
		}
		if !found {
			err = fmt.Errorf("fault=%q is not one of %s", v, strings.Join(kindNames, ", "))
		}
	case "code":
		f.Code = v
	case "retry_after":
		var n int
		n, err = num()
		f.RetryAfter = time.Duration(n) * time.Second
	case "times":
		f.Times, err = num()
	case "index":
		f.Index, err = num()
	default:
		err = fmt.Errorf("unknown directive key %q", k)
	}
	return err
}

// takeFault picks the fault for a request: a queued one first, then the
// prompt's directive, which hits the first Times requests with its prompt.
func (s *Server) takeFault(req *genRequest) (*Fault, *apiError) {
	prompt := req.str("prompt")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.PromptContains != "" && !strings.Contains(prompt, f.PromptContains) {
			continue
		}
		if f.Times--; f.Times <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f, nil
	}
	f, err := parseDirectives(prompt)
	if err != nil {
		return nil, invalid("prompt", "%v", err)
	}
	if f == nil {
		return nil, nil
	}
	s.byPrompt[prompt]++
	if f.Kind != KindDownloadStatus && s.byPrompt[prompt] > f.Times {
		return nil, nil
	}
	if f.Kind == KindDownloadStatus && s.byPrompt[prompt] > 1 {
		return nil, nil
	}
	return f, nil
}

// playBefore plays a fault that replaces the answer; it reports whether
// it did.
func (f *Fault) playBefore(s *Server, w http.ResponseWriter, r *http.Request) bool {
	switch f.Kind {
	case KindStatus:
		status, code := f.Status, f.Code
		if status == 0 {
			status = http.StatusInternalServerError
		}
		typ := "server_error"
		if status == http.StatusTooManyRequests {
			typ = "rate_limit_error"
			if code == "" {
				code = "rate_limit_exceeded"
			}
		} else if status < 500 {
			typ = "invalid_request_error"
		}
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
		}
		writeError(w, status, apiError{Message: fmt.Sprintf("The fake answers %d.", status), Type: typ, Code: code})
		return true
	case KindReset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return true
	case KindHang:
		select {
		case <-r.Context().Done():
		case <-s.hang:
		}
		return true
	case KindInvalidJSON:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"created": 1, "data": [{"b64_json": `))
		return true
	}
	return false
}
