package seedream

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// decodeAny builds the generic value encoding/json would build (numbers as
// json.Number), so that the two readers can be compared.
func decodeAny(j *jsonReader) (any, error) {
	c, err := j.Peek()
	if err != nil {
		return nil, err
	}
	switch {
	case c == '{':
		m := map[string]any{}
		err := j.Object(func(key string) error {
			v, err := decodeAny(j)
			m[key] = v
			return err
		})
		return m, err
	case c == '[':
		a := []any{}
		err := j.Array(func(int) error {
			v, err := decodeAny(j)
			a = append(a, v)
			return err
		})
		return a, err
	case c == '"':
		return j.String()
	case c == '-' || ('0' <= c && c <= '9'):
		n, err := j.Number()
		return json.Number(n), err
	default:
		lit, err := j.Literal()
		switch lit {
		case "true":
			return true, err
		case "false":
			return false, err
		}
		return nil, err
	}
}

func decodeAll(r io.Reader) (any, error) {
	j := newJSONReader(r)
	v, err := decodeAny(j)
	if err != nil {
		return nil, err
	}
	return v, j.End()
}

func stdDecode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func TestJSONReaderValues(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`{}`, map[string]any{}},
		{` [ ] `, []any{}},
		{`{"a":[1,-0.5,2e10,1E-2,0],"b":{"c":null,"d":true,"e":false}}`, map[string]any{
			"a": []any{json.Number("1"), json.Number("-0.5"), json.Number("2e10"), json.Number("1E-2"), json.Number("0")},
			"b": map[string]any{"c": nil, "d": true, "e": false},
		}},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u00e9\u4e2d\ud83d\ude00"`, "é中😀"},
		{`"\ud83d"`, "\uFFFD"},
		{`"\ud83dx"`, "\uFFFDx"},
		{`"\ud83d\u0041"`, "\uFFFDA"},
		{`"\ude00\ud83d\ude00"`, "\uFFFD😀"},
		{"\"2048×2048\"", "2048×2048"},
	}
	for _, tt := range tests {
		// One byte at a time exercises every buffer boundary.
		got, err := decodeAll(iotest.OneByteReader(strings.NewReader(tt.in)))
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestJSONReaderErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{``, io.ErrUnexpectedEOF},
		{`{"data":[{"b64_json":"AAAA`, io.ErrUnexpectedEOF},
		{`{"a":1`, io.ErrUnexpectedEOF},
		{`{"a":tr`, io.ErrUnexpectedEOF},
		{`{"a":-`, io.ErrUnexpectedEOF},
		{`{"a":1.`, io.ErrUnexpectedEOF},
		{`"\u12`, io.ErrUnexpectedEOF},
		{`{"a" 1}`, errJSONSyntax},
		{`{"a":1,}`, errJSONSyntax},
		{`[1 2]`, errJSONSyntax},
		{`01`, errJSONSyntax},
		{`1.e5`, errJSONSyntax},
		{`-x`, errJSONSyntax},
		{`tru `, errJSONSyntax},
		{`nul1`, errJSONSyntax},
		{"\"a\tb\"", errJSONSyntax},
		{`"\x"`, errJSONSyntax},
		{`"\u12g4"`, errJSONSyntax},
		{`{} x`, errJSONSyntax},
		{`1 2`, errJSONSyntax},
		{`<html>`, errJSONSyntax},
		{strings.Repeat("[", maxJSONDepth+1), errJSONTooDeep},
		{`"` + strings.Repeat("a", maxJSONString+1) + `"`, errJSONTooLong},
	}
	for _, tt := range tests {
		_, err := decodeAll(strings.NewReader(tt.in))
		if !errors.Is(err, tt.want) {
			name := tt.in
			if len(name) > 40 {
				name = name[:40] + "..."
			}
			t.Errorf("%s: got %v, want %v", name, err, tt.want)
		}
	}
}

// TestJSONStringReaderStreams checks that a long string comes out intact
// through small reads, with escapes split across reads.
func TestJSONStringReaderStreams(t *testing.T) {
	want := strings.Repeat(`abc/+=`, 10000)
	in := `"` + strings.ReplaceAll(want, "/", `\/`) + `"`
	j := newJSONReader(iotest.HalfReader(strings.NewReader(in)))
	sr, err := j.StringReader()
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	buf := make([]byte, 7)
	for {
		n, err := sr.Read(buf)
		got.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if got.String() != want {
		t.Fatalf("string differs: got %d bytes, want %d", got.Len(), len(want))
	}
	if err := j.End(); err != nil {
		t.Fatal(err)
	}
}

// FuzzJSONReader checks the reader against encoding/json: both accept the
// same documents and build the same values.
func FuzzJSONReader(f *testing.F) {
	for _, s := range []string{
		`{"model":"m","created":1757469067,"data":[{"url":"https://x/y?a=1","size":"2048x2048"},{"b64_json":"AAAA","size":"64×64"},{"error":{"code":"OutputImageSensitiveContentDetected","message":"m"}}],"usage":{"generated_images":2,"output_tokens":32768,"total_tokens":32768}}`,
		`{"error":{"code":"InvalidParameter","message":"bad size Request ID: 2025","param":"size","type":"BadRequest"}}`,
		`{"type":"image_generation.partial_succeeded","image_index":0,"b64_json":"\/9j\/"}`,
		`[1,2.5e-3,-0,true,false,null,"\u00e9\ud83d\ude00"]`,
		`{"a":{"b":[{"c":[]}]}}`,
		"\"\\ud800\\udc00\\ud800\"",
		`-12.0E+5`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeAll(bytes.NewReader(data))
		if errors.Is(err, errJSONTooDeep) || errors.Is(err, errJSONTooLong) {
			return // limits encoding/json does not have
		}
		want, stdErr := stdDecode(data)
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("%q: ours %v, encoding/json %v", data, err, stdErr)
		}
		if err != nil {
			return
		}
		// encoding/json replaces invalid UTF-8; the reader passes bytes
		// through (they go to a base64 decoder or an error message).
		if !bytes.Equal(bytes.ToValidUTF8(data, nil), data) {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q (-encoding/json +ours):\n%s", data, diff)
		}
	})
}
