package schema

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The fast paths of Canonical write what the general path writes.
func TestCanonicalFastPaths(t *testing.T) {
	slow := func(x any) json.RawMessage {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			t.Fatal(err)
		}
		raw, err := canonicalRaw(bytes.TrimRight(b.Bytes(), "\n"))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	for _, x := range []any{"", "plain", "a <b> & \"c\" \\ \n\t\u2028 é 🎨 \x01", "\xff bad utf-8", true, false,
		0, -7, 1 << 40, int64(-1 << 62), []string{}, []string{"x", "<y>", ""}, []string(nil),
		// The general path, as it stands or read again.
		[]struct {
			A string `json:"a,omitempty"`
			N any    `json:"n,omitempty"`
		}{{A: "x <&>"}, {N: 3}, {A: "é\n\"q\"", N: 2.5}, {N: uint64(1 << 63)}, {N: 1e21}, {A: "\xff"}, {N: float32(0.1)}},
		map[string]any{"b": []any{1, "2", nil, true, map[string]any{}}, "a": -0.0}} {
		got, err := Canonical(x)
		if err != nil {
			t.Fatal(err)
		}
		if want := slow(x); !bytes.Equal(got, want) {
			t.Errorf("Canonical(%#v) = %s, the general path writes %s", x, got, want)
		}
	}
}

// UnmarshalJSON's fast path reads exactly what the general one does, or
// leaves the object to it.
func TestUnmarshalFastPath(t *testing.T) {
	for _, in := range []string{
		`{}`, `{"a":"x"}`, "{\n  \"model\": \"m\",\n  \"size\": \"2K\",\n  \"seed\": 42,\n  \"n\": -3\n}",
		`{"refs":[{"file":"a.png","sha256":"ab"},{"asset":"image.x","sha256":"cd"}],"w":false}`,
		`{"a":"","b":[],"c":null,"d":"kept"}`, `{"f":1.5}`, `{"f":1.0}`, `{"f":1e3}`, `{"f":-0}`, `{"f":007}`,
		`{"big":123456789012345678901}`, `{"s":"<b> & é"}`, `{"s":"\u003cb\u003e"}`, `{"s":"a\"b"}`,
		"{\"s\":\"line\u2028sep\"}", `{"a":1,"a":2}`, `{"a":{"x":[1,[2,{"y":"z"}]]},"b":"c"}`, `{"k":true,"l":null}`,
		`{"e\u0301":"x"}`, `{"a":[1, 2 ,3]}`, `{"a":null,"a":1}`, `{"a":1,"b":"","a":2}`, `{"a":"","b":null}`,
	} {
		var fast, general Values
		ferr := fast.UnmarshalJSON([]byte(in))
		gerr := general.unmarshalGeneral([]byte(in))
		if (ferr == nil) != (gerr == nil) {
			t.Errorf("%s: fast error %v, general error %v", in, ferr, gerr)
			continue
		}
		if ferr == nil && !bytes.Equal(fast.obj, general.obj) {
			t.Errorf("%s: fast %s, general %s", in, fast.obj, general.obj)
		}
	}
}

// What seedform writes takes the fast path.
func TestUnmarshalFastPathTaken(t *testing.T) {
	in := `{"model":"doubao-seedream-4-5-251128","prompt":"A lighthouse, é","size":"2K","seed":42,"watermark":false,"references":[{"file":"refs/a.png","sha256":"ab12"}]}`
	if _, ok := canonicalObject([]byte(in)); !ok {
		t.Error("a canonical attribute map did not take the fast path")
	}
}

// writeString writes every string as encoding/json does without HTML
// escaping: the spec hashes of existing locks depend on it.
func FuzzWriteString(f *testing.F) {
	for _, s := range []string{"", "plain", "\b\f\n\r\t\x00\x1f\x7f", "\"\\", "<>&", "\u2028\u2029", "\xff\xfe", "é🎨", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeString(&got, s); err != nil {
			t.Fatal(err)
		}
		if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got.Bytes(), w) {
			t.Errorf("writeString(%q) = %s, encoding/json writes %s", s, got.Bytes(), w)
		}
	})
}
