package seedreamtest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
)

// testModel is fast to draw at its smallest preset.
const testModel = "doubao-seedream-4-0-250828"

// newServer starts a server closed at the end of the test, with a client
// of its own so that one test's broken connections never reach another's.
func newServer(t *testing.T) (*Server, *http.Client) {
	t.Helper()
	s := New()
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		s.Close()
	})
	return s, &http.Client{Transport: tr}
}

// body returns a valid request body with over's fields added or replaced
// (a nil value deletes the field).
func body(over map[string]any) map[string]any {
	b := map[string]any{"model": testModel, "prompt": "a lighthouse at dawn", "size": "1K", "response_format": "b64_json"}
	for k, v := range over {
		if v == nil {
			delete(b, k)
			continue
		}
		b[k] = v
	}
	return b
}

// newRequest builds a generation POST with a key and a JSON body; body may
// be a string to send as is.
func newRequest(t testing.TB, url string, reqBody any) *http.Request {
	t.Helper()
	raw, ok := reqBody.(string)
	if !ok {
		b, err := json.Marshal(reqBody)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer test-key")
	req.Header.Set("Content-Type", "application/json")
	return req
}

// answer is a whole HTTP answer.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func do(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

// generate posts reqBody to the server's generation endpoint.
func generate(t *testing.T, s *Server, c *http.Client, reqBody any) answer {
	t.Helper()
	return do(t, c, newRequest(t, s.BaseURL()+"/images/generations", reqBody))
}

// apiErrorOf decodes an error answer and checks its request id.
func apiErrorOf(t *testing.T, a answer) errorObject {
	t.Helper()
	var b struct{ Error *errorObject }
	if err := json.Unmarshal(a.Body, &b); err != nil || b.Error == nil {
		t.Fatalf("not an error body (%v): %s", err, a.Body)
	}
	id := a.Header.Get("X-Request-Id")
	if id == "" || !strings.HasSuffix(b.Error.Message, " Request id: "+id) {
		t.Errorf("message %q does not end with the request id %q", b.Error.Message, id)
	}
	return *b.Error
}

// images is a decoded success answer.
type images struct {
	Model string
	Data  []struct {
		URL     string     `json:"url"`
		B64JSON string     `json:"b64_json"`
		Size    string     `json:"size"`
		Error   *itemError `json:"error"`
	}
	Usage usage
}

func imagesOf(t *testing.T, a answer) images {
	t.Helper()
	if a.Status != http.StatusOK {
		t.Fatalf("status %d: %s", a.Status, a.Body)
	}
	var im images
	if err := json.Unmarshal(a.Body, &im); err != nil {
		t.Fatalf("decoding %.200s: %v", a.Body, err)
	}
	return im
}

// picture describes a decoded image file.
type picture struct {
	Format string
	Size   string
}

// pictureOf reads an image's header only: a full decode of a 1024x1024
// picture costs a quarter second under the race detector, and the encoders'
// own test decodes them fully.
func pictureOf(t *testing.T, b []byte) picture {
	t.Helper()
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding %d bytes: %v", len(b), err)
	}
	return picture{format, fmt.Sprintf("%dx%d", cfg.Width, cfg.Height)}
}

func unbase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("b64_json: %v", err)
	}
	return b
}

// event is one server-sent event.
type event struct {
	Name string
	Data map[string]any
	Raw  string
}

// readEvents splits a stream into events; a data line that is not JSON is
// kept in Raw only.
func readEvents(t *testing.T, r io.Reader) []event {
	t.Helper()
	var evs []event
	var cur event
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.Name != "" || cur.Raw != "" {
				evs = append(evs, cur)
			}
			cur = event{}
		case strings.HasPrefix(line, "event: "):
			cur.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.Raw = strings.TrimPrefix(line, "data: ")
			var m map[string]any
			if json.Unmarshal([]byte(cur.Raw), &m) == nil {
				cur.Data = m
			}
		default:
			t.Errorf("unexpected stream line %.100q", line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	if cur.Name != "" || cur.Raw != "" {
		evs = append(evs, cur)
	}
	return evs
}

// eventNames summarises a stream as "name[image_index]" lines.
func eventNames(evs []event) []string {
	var out []string
	for _, e := range evs {
		name := e.Name
		if name == "" {
			name = e.Raw
			if len(name) > 40 {
				name = name[:40]
			}
		}
		if i, ok := e.Data["image_index"]; ok {
			name += fmt.Sprintf("[%v]", i)
		}
		out = append(out, name)
	}
	return out
}

func clone(m map[string]any) map[string]any { return maps.Clone(m) }

func imageDecodeConfig(b []byte) (image.Config, string, error) {
	return image.DecodeConfig(bytes.NewReader(b))
}
