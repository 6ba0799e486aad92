package openaitest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seedform/seedform/openai"
)

// Server is the fake Images API.
type Server struct {
	hs *httptest.Server

	mu       sync.Mutex
	key      string
	recorded []Recorded
	faults   []*Fault
	byPrompt map[string]int // requests seen per prompt, for times=N
	files    map[string][]byte
	nextID   int
	// downloadFaults maps a file name to the downloads it still fails.
	downloadFaults map[string]*Fault
	hang           chan struct{}
	latency        time.Duration
}

// Recorded is one request the server received.
type Recorded struct {
	// Path is the request path, such as "/v1/images/edits".
	Path        string
	ContentType string
	// Body is the JSON body of a generation, or the text fields of an
	// edit, as decoded (numbers as float64).
	Body map[string]any
	// Parts are the multipart parts of an edit, in order.
	Parts []Part
	// Status is the HTTP status the server answered.
	Status int
	// Auth is how the key came: "bearer" (Authorization) or "api-key"
	// (Azure's header); "" when it did not match.
	Auth string
}

// Part is one part of a multipart edit.
type Part struct {
	Name, FileName, ContentType string
	// Value is a text field's value; SHA256 and Bytes describe a file.
	Value  string
	SHA256 string
	Bytes  int
}

// New starts a server whose API key is "test-key".
func New() *Server {
	s := &Server{key: "test-key", byPrompt: map[string]int{}, files: map[string][]byte{},
		downloadFaults: map[string]*Fault{}, hang: make(chan struct{})}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the server's root, without the API path.
func (s *Server) URL() string { return s.hs.URL }

// SetLatency makes each answer take d, as image generation does.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// BaseURL is the API root a client is configured with.
func (s *Server) BaseURL() string { return s.hs.URL + "/v1" }

// Close stops the server, ending hung requests.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.hang:
	default:
		close(s.hang)
	}
	s.mu.Unlock()
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// SetAPIKey sets the key requests must carry.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = key
}

// Inject queues a fault; it takes precedence over prompt directives.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Requests returns the generation and edit requests received, in order.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.recorded...)
}

// Count is how many generation and edit requests were received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recorded)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.nextID++
	id := fmt.Sprintf("req_fake%06d", s.nextID)
	s.mu.Unlock()
	w.Header().Set("x-request-id", id)
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/files/"):
		s.serveFile(w, r)
	case strings.HasSuffix(r.URL.Path, "/v1/images/generations"), strings.HasSuffix(r.URL.Path, "/v1/images/edits"):
		s.serveImages(w, r)
	default:
		writeError(w, http.StatusNotFound, apiError{Message: "Invalid URL (" + r.Method + " " + r.URL.Path + ")", Type: "invalid_request_error"})
	}
}

// apiError is the API's error object.
type apiError struct {
	Message, Type, Code string
	Param               string // "" is null
}

func writeError(w http.ResponseWriter, status int, e apiError) {
	obj := map[string]any{"message": e.Message, "type": e.Type, "param": nil, "code": nil}
	if e.Param != "" {
		obj["param"] = e.Param
	}
	if e.Code != "" {
		obj["code"] = e.Code
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": obj})
}

func invalid(param, format string, args ...any) *apiError {
	return &apiError{Message: fmt.Sprintf(format, args...), Type: "invalid_request_error", Param: param, Code: "invalid_value"}
}

func (s *Server) serveImages(w http.ResponseWriter, r *http.Request) {
	rec := Recorded{Path: r.URL.Path, ContentType: r.Header.Get("Content-Type")}
	status, e, req := s.admit(r, &rec)
	s.mu.Lock()
	idx := len(s.recorded)
	s.recorded = append(s.recorded, rec)
	s.mu.Unlock()
	setStatus := func(code int) {
		s.mu.Lock()
		s.recorded[idx].Status = code
		s.mu.Unlock()
	}
	if e != nil {
		setStatus(status)
		writeError(w, status, *e)
		return
	}
	f, ferr := s.takeFault(req)
	if ferr != nil {
		setStatus(http.StatusBadRequest)
		writeError(w, http.StatusBadRequest, *ferr)
		return
	}
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
		case <-s.hang:
		}
	}
	setStatus(http.StatusOK)
	if f != nil && f.playBefore(s, w, r) {
		if f.Kind == KindStatus {
			setStatus(f.Status)
		}
		return
	}
	s.answer(w, req, f)
}

// admit checks authentication and the request; it returns the status
// and error to answer with, or the parsed request.
func (s *Server) admit(r *http.Request, rec *Recorded) (int, *apiError, *genRequest) {
	if r.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, &apiError{Message: "Only POST is supported here.", Type: "invalid_request_error"}, nil
	}
	s.mu.Lock()
	key := s.key
	s.mu.Unlock()
	switch {
	case r.Header.Get("Authorization") == "Bearer "+key:
		rec.Auth = "bearer"
	case r.Header.Get("api-key") == key:
		rec.Auth = "api-key"
	}
	if rec.Auth == "" {
		return http.StatusUnauthorized, &apiError{Message: "Incorrect API key provided.", Type: "invalid_request_error", Code: "invalid_api_key"}, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 200<<20))
	if err != nil {
		return http.StatusBadRequest, invalid("", "could not read the body: %v", err), nil
	}
	var req *genRequest
	var e *apiError
	if strings.HasSuffix(r.URL.Path, "/edits") {
		req, e = parseEdit(r.Header.Get("Content-Type"), body, rec)
	} else {
		req, e = parseGeneration(r.Header.Get("Content-Type"), body, rec)
	}
	if e != nil {
		return http.StatusBadRequest, e, nil
	}
	if e := req.check(); e != nil {
		if e.Code == "model_not_found" {
			return http.StatusNotFound, e, nil
		}
		return http.StatusBadRequest, e, nil
	}
	return 0, nil, req
}

// genRequest is a request as the server understood it.
type genRequest struct {
	fields map[string]any // as sent: strings and whole numbers (int)
	images []Part
	mask   *Part
	edit   bool
	model  openai.Model
	digest string
}

func (g *genRequest) str(name string) string {
	v, _ := g.fields[name].(string)
	return v
}

func (g *genRequest) num(name string) (int, bool) {
	v, ok := g.fields[name].(int)
	return v, ok
}

var stringFields = []string{"model", "prompt", "size", "quality", "background", "output_format", "moderation", "style", "response_format", "user", "input_fidelity"}
var intFields = []string{"n", "output_compression"}

func known(name string) bool {
	for _, f := range append(append([]string(nil), stringFields...), intFields...) {
		if f == name {
			return true
		}
	}
	return false
}

func parseGeneration(ctype string, body []byte, rec *Recorded) (*genRequest, *apiError) {
	if mt, _, _ := mime.ParseMediaType(ctype); mt != "application/json" {
		return nil, invalid("", "Content-Type must be application/json, got %q", ctype)
	}
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, &apiError{Message: "We could not parse the JSON body of your request.", Type: "invalid_request_error"}
	}
	rec.Body = map[string]any{}
	g := &genRequest{fields: map[string]any{}}
	for k, v := range raw {
		switch t := v.(type) {
		case json.Number:
			f, _ := t.Float64()
			rec.Body[k] = f
		default:
			rec.Body[k] = v
		}
	}
	for k, v := range raw {
		if !known(k) {
			return nil, invalid(k, "Unknown parameter: '%s'.", k)
		}
		if isInt(k) {
			n, ok := v.(json.Number)
			i, err := strconv.Atoi(string(n))
			if !ok || err != nil {
				return nil, invalid(k, "Invalid type for '%s': expected an integer, but got %s instead.", k, typeName(v))
			}
			g.fields[k] = i
			continue
		}
		sv, ok := v.(string)
		if !ok {
			return nil, invalid(k, "Invalid type for '%s': expected a string, but got %s instead.", k, typeName(v))
		}
		g.fields[k] = sv
	}
	sum := sha256.Sum256(body)
	g.digest = hex.EncodeToString(sum[:])
	return g, nil
}

func isInt(name string) bool { return name == "n" || name == "output_compression" }

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "an object"
}

func parseEdit(ctype string, body []byte, rec *Recorded) (*genRequest, *apiError) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, invalid("", "Content-Type must be multipart/form-data with a boundary, got %q", ctype)
	}
	g := &genRequest{fields: map[string]any{}, edit: true}
	rec.Body = map[string]any{}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	imageNames := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid("", "malformed multipart body: %v", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, invalid("", "malformed multipart body: %v", err)
		}
		part := Part{Name: p.FormName(), FileName: p.FileName(), ContentType: p.Header.Get("Content-Type")}
		switch part.Name {
		case "image", "image[]", "mask":
			sum := sha256.Sum256(data)
			part.SHA256, part.Bytes = hex.EncodeToString(sum[:]), len(data)
			if e := checkUpload(part, data); e != nil {
				return nil, e
			}
			if part.Name == "mask" {
				if g.mask != nil {
					return nil, invalid("mask", "only one mask is taken")
				}
				g.mask = &part
			} else {
				imageNames[part.Name] = true
				g.images = append(g.images, part)
			}
		default:
			if part.FileName != "" {
				return nil, invalid(part.Name, "'%s' is not a file field", part.Name)
			}
			part.Value = string(data)
			if !known(part.Name) {
				return nil, invalid(part.Name, "Unknown parameter: '%s'.", part.Name)
			}
			if _, dup := g.fields[part.Name]; dup {
				return nil, invalid(part.Name, "'%s' is given twice", part.Name)
			}
			rec.Body[part.Name] = part.Value
			if isInt(part.Name) {
				n, err := strconv.Atoi(part.Value)
				if err != nil {
					return nil, invalid(part.Name, "Invalid type for '%s': expected an integer, but got a string instead.", part.Name)
				}
				g.fields[part.Name] = n
			} else {
				g.fields[part.Name] = part.Value
			}
		}
		rec.Parts = append(rec.Parts, part)
	}
	if len(g.images) == 0 {
		return nil, invalid("image", "An image to edit is required: send it as 'image' (or several as 'image[]').")
	}
	if len(imageNames) > 1 {
		return nil, invalid("image", "Send the images as 'image' or as 'image[]', not both.")
	}
	sum := sha256.Sum256(body)
	g.digest = hex.EncodeToString(sum[:])
	return g, nil
}

// checkUpload refuses a file whose content type is not an image type the
// API takes, or does not match its bytes.
func checkUpload(p Part, data []byte) *apiError {
	actual, err := openai.ImageContentType(data)
	if err != nil {
		return &apiError{Message: fmt.Sprintf("Invalid file '%s': unsupported file format. Supported formats are png, jpeg and webp.", p.Name), Type: "invalid_request_error", Param: p.Name, Code: "invalid_image_format"}
	}
	if p.ContentType != actual {
		return &apiError{Message: fmt.Sprintf("Invalid file '%s': the file has mimetype %s but its content is %s.", p.Name, p.ContentType, actual), Type: "invalid_request_error", Param: p.Name, Code: "invalid_image_file"}
	}
	if p.Name == "mask" && actual != "image/png" {
		return &apiError{Message: "The mask must be a PNG with an alpha channel.", Type: "invalid_request_error", Param: "mask", Code: "invalid_image_file"}
	}
	return nil
}

// check applies the model's rules, as the API does.
func (g *genRequest) check() *apiError {
	if strings.TrimSpace(g.str("prompt")) == "" {
		return invalid("prompt", "'prompt' is a required property and must not be empty.")
	}
	id := g.str("model")
	if id == "" {
		return invalid("model", "'model' is required by this server (dall-e-2 is not served).")
	}
	m, ok := openai.LookupModel(id)
	if !ok {
		return &apiError{Message: fmt.Sprintf("The model '%s' does not exist or you do not have access to it.", id), Type: "invalid_request_error", Param: "model", Code: "model_not_found"}
	}
	g.model = m
	p := openai.Params{Size: g.str("size"), Quality: g.str("quality"), Background: g.str("background"),
		OutputFormat: g.str("output_format"), Moderation: g.str("moderation"), Style: g.str("style"),
		ResponseFormat: g.str("response_format"), References: len(g.images), Mask: g.mask != nil}
	if n, ok := g.num("n"); ok {
		p.N = n
		if n == 0 {
			p.N = -1 // n = 0 is sent and refused, unlike an absent n
		}
	}
	if c, ok := g.num("output_compression"); ok {
		p.OutputCompression = &c
	}
	if !m.GPTImage && g.edit {
		return invalid("model", "%s does not edit images.", m.ID)
	}
	if errs := m.Check(p); len(errs) > 0 {
		return invalid(errs[0].Param, "%s", errs[0].Message)
	}
	return nil
}

// imageCount is how many images the request asks for.
func (g *genRequest) imageCount() int {
	if n, ok := g.num("n"); ok {
		return n
	}
	return 1
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/files/")
	s.mu.Lock()
	data, ok := s.files[name]
	f := s.downloadFaults[name]
	if f != nil {
		if f.Times--; f.Times <= 0 {
			delete(s.downloadFaults, name)
		}
	}
	s.mu.Unlock()
	if f != nil {
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		w.WriteHeader(status)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(data))
	w.Write(data)
}

// answerCreated is the "created" time the fake reports.
var answerCreated = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Unix()
