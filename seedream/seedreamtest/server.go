package seedreamtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seedform/seedform/seedream"
)

// Server is a fake Seedream API listening on a loopback port. Its methods
// are safe for concurrent use.
type Server struct {
	hs        *httptest.Server
	closing   chan struct{} // closed by Close: hung and sleeping handlers give up
	closeOnce sync.Once
	images    imageCache
	nextID    atomic.Uint64

	mu      sync.Mutex
	apiKey  string
	latency time.Duration
	// noCompleted ends single-image streams with [DONE] alone.
	noCompleted bool
	padding     int64
	maxInFlight int
	// overloadRetryAfter is the Retry-After of a 429 over maxInFlight.
	overloadRetryAfter string
	inFlight           int
	maxObserved        int
	faults             []*queuedFault
	// firedByPrompt counts the requests each prompt's directive fault hit.
	firedByPrompt map[string]int
	endpoints     map[string]seedream.Family
	requests      []Recorded
	downloads     int
	files         map[string]*file
}

// Recorded is one generation request as the server received it.
type Recorded struct {
	Time time.Time
	// Path is the request path, such as "/api/v3/images/generations".
	Path string
	// Body is the decoded JSON body, nil when it was not a JSON object.
	// Callers must not modify it.
	Body map[string]any
	// Status is the HTTP status answered, 0 when none was (reset, hang).
	Status int
	// Stream is true when the body asked for a stream.
	Stream bool
	// ClientRequestID is the X-Client-Request-Id header the client sent,
	// "" when none; RequestID is the id the server answered with.
	ClientRequestID, RequestID string
}

type queuedFault struct {
	Fault
	left int
}

// maxBodyBytes caps a request body; the server holds it in memory.
const maxBodyBytes = 128 << 20

// New starts a server on 127.0.0.1 at a free port. Close it when done.
func New() *Server {
	s := &Server{
		closing:       make(chan struct{}),
		firedByPrompt: make(map[string]int),
		endpoints:     make(map[string]seedream.Family),
		files:         make(map[string]*file),
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the server's root, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.hs.URL }

// BaseURL is the API root a client is configured with: URL()+"/api/v3".
// A POST to any path ending in "/images/generations" is served, so a
// relay-style base URL (URL()+"/v1") works too.
func (s *Server) BaseURL() string { return s.hs.URL + "/api/v3" }

// Close ends hung and sleeping requests, closes every connection and
// stops the server. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		// Close waits for handlers; one blocked writing a huge body to a
		// client that stopped reading only returns when its conn closes.
		s.hs.CloseClientConnections()
		s.hs.Close()
	})
}

// SetAPIKey makes the server require "Authorization: Bearer <key>". By
// default any non-empty key is accepted.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// SetLatency sets how long each image takes to generate before it is
// delivered. A [[fake: latency=D]] directive overrides it per request.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// OmitCompletedEvent makes a stream of a single image end with
// "data: [DONE]" and no image_generation.completed event (so no usage), as
// the vendor's CLI docs warn the server may. Sets still end with completed.
func (s *Server) OmitCompletedEvent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noCompleted = on
}

// SetImagePadding makes every image n bytes longer: zero bytes after the
// end of the picture, which decoders ignore. A flat 4096x4096 JPEG is a few
// hundred kilobytes; padded by 11 MB its b64_json answer is the 15 MB of a
// real 4K image, for measuring a client's memory. The padding is written as
// it is sent, never held. 0, the default, adds nothing.
func (s *Server) SetImagePadding(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.padding = max(n, 0)
}

// SetMaxInFlight makes generation requests beyond n in flight fail with
// 429 ServerOverloaded (with the Retry-After SetOverloadRetryAfter sets). 0
// means unlimited.
func (s *Server) SetMaxInFlight(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxInFlight = n
}

// SetOverloadRetryAfter sets the Retry-After header (seconds or an HTTP
// date) of the 429 ServerOverloaded that SetMaxInFlight answers; ""
// (the default) sends none.
func (s *Server) SetOverloadRetryAfter(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overloadRetryAfter = v
}

// RegisterEndpoint makes the endpoint id (such as "ep-2025...") serve
// model family f, as a vendor endpoint does. Unregistered ids get 404.
func (s *Server) RegisterEndpoint(id string, f seedream.Family) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpoints[id] = f
}

// Inject queues a fault. Each valid generation request takes the first
// queued fault that applies to it; a fault leaves the queue once it has
// applied Times times.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &queuedFault{Fault: f, left: f.requests()})
}

// Requests returns every generation request so far, in arrival order,
// rejected ones included.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// FirstRound is how many of reqs (in arrival order, as Requests returns
// them) arrived before any of them could have been answered: within half
// of latency, the server's time to answer, of the first. It is the
// concurrency a client started with.
func FirstRound(reqs []Recorded, latency time.Duration) int {
	n := 0
	for _, r := range reqs {
		if r.Time.Sub(reqs[0].Time) < latency/2 {
			n++
		}
	}
	return n
}

// Count is the number of generation requests received, rejected ones included.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Downloads is the number of image download requests served.
func (s *Server) Downloads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads
}

// MaxObservedInFlight is the largest number of generation requests that
// were being answered at once.
func (s *Server) MaxObservedInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxObserved
}

// newRequestID returns an id shaped like the vendor's ("0217574690542070fa...").
func (s *Server) newRequestID() string {
	return fmt.Sprintf("02%013d%016x", time.Now().UnixMilli(), s.nextID.Add(1))
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	id := s.newRequestID()
	w.Header().Set("X-Request-Id", id)
	switch {
	case strings.HasSuffix(r.URL.Path, "/images/generations"):
		s.generate(w, r, id)
	case strings.HasPrefix(r.URL.Path, filesPath):
		s.download(w, r, id)
	default:
		writeError(w, id, &apiError{status: http.StatusNotFound, code: "NotFound",
			message: fmt.Sprintf("No route for %s %s.", r.Method, r.URL.Path)})
	}
}

// generate serves one generation request from admission to answer.
func (s *Server) generate(w http.ResponseWriter, r *http.Request, id string) {
	rec := s.record(r, id)
	req, apiErr := s.admit(r, rec)
	if apiErr != nil {
		s.setStatus(rec, apiErr.status)
		writeError(w, id, apiErr)
		return
	}
	defer s.leave()
	s.answer(w, r, rec, id, req, s.takeFault(req))
}

// record appends a request to the log and returns its index.
func (s *Server) record(r *http.Request, id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Recorded{Time: time.Now(), Path: r.URL.Path,
		ClientRequestID: r.Header.Get("X-Client-Request-Id"), RequestID: id})
	return len(s.requests) - 1
}

func (s *Server) setStatus(rec, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[rec].Status = status
}

// admit checks a request in the order the API does (method, key, body,
// fields) and takes an in-flight slot for it. The body is recorded even
// when the request is refused, to show a test what was sent.
func (s *Server) admit(r *http.Request, rec int) (*genRequest, *apiError) {
	if r.Method != http.MethodPost {
		return nil, &apiError{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed",
			message: fmt.Sprintf("The method %s is not allowed; use POST.", r.Method)}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, &apiError{status: http.StatusBadRequest, code: "InvalidParameter",
			message: fmt.Sprintf("Reading the request body failed: %v.", err)}
	}
	var fields map[string]json.RawMessage
	if len(body) <= maxBodyBytes && json.Unmarshal(body, &fields) == nil && fields != nil {
		var decoded map[string]any
		if err := json.Unmarshal(body, &decoded); err != nil {
			panic(err) // the body just decoded as an object
		}
		s.mu.Lock()
		s.requests[rec].Body = decoded
		s.requests[rec].Stream = decoded["stream"] == true
		s.mu.Unlock()
	}

	s.mu.Lock()
	key := s.apiKey
	s.mu.Unlock()
	got, isBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !isBearer || strings.TrimSpace(got) == "" || (key != "" && got != key) {
		return nil, &apiError{status: http.StatusUnauthorized, code: "AuthenticationError",
			message: "The API key in the request is missing or invalid."}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, &apiError{status: http.StatusBadRequest, code: "InvalidParameter",
			message: fmt.Sprintf("The request Content-Type must be application/json, got %q.", r.Header.Get("Content-Type"))}
	}
	if len(body) > maxBodyBytes {
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: "InvalidParameter",
			message: fmt.Sprintf("The request body is larger than %d MiB.", maxBodyBytes>>20)}
	}
	if fields == nil {
		return nil, &apiError{status: http.StatusBadRequest, code: "InvalidParameter",
			message: "The request body is not a JSON object."}
	}

	req, apiErr := s.parseRequest(fields)
	if apiErr != nil {
		return nil, apiErr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxInFlight > 0 && s.inFlight >= s.maxInFlight {
		return nil, &apiError{status: http.StatusTooManyRequests, code: "ServerOverloaded", retryAfter: s.overloadRetryAfter,
			message: "The service is currently unable to handle additional requests due to server overload. Please try again later."}
	}
	s.inFlight++
	s.maxObserved = max(s.maxObserved, s.inFlight)
	return req, nil
}

func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// takeFault returns the fault req gets: the first queued one that applies,
// else its prompt's directive fault while that has hits left, else nil.
func (s *Server) takeFault(req *genRequest) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if !q.appliesTo(req) {
			continue
		}
		q.left--
		if q.left == 0 {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		f := q.Fault
		return &f
	}
	if f := req.directive.fault; f != nil && f.appliesTo(req) && s.firedByPrompt[req.prompt] < f.requests() {
		s.firedByPrompt[req.prompt]++
		return f
	}
	return nil
}

// writeError writes the API's error body; the message ends with
// "Request id: <id>" as the vendor's do.
func writeError(w http.ResponseWriter, id string, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	if e.retryAfter != "" {
		w.Header().Set("Retry-After", e.retryAfter)
	}
	if e.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.WriteHeader(e.status)
	json.NewEncoder(w).Encode(errorBody(id, e))
}

type errorObject struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param"`
	Type    string `json:"type"`
}

func errorBody(id string, e *apiError) map[string]errorObject {
	return map[string]errorObject{"error": {
		Code: e.code, Message: e.message + " Request id: " + id, Param: e.param,
		Type: strings.ReplaceAll(http.StatusText(e.status), " ", ""),
	}}
}
