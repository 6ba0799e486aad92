package schema

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzValuesOps applies the same changes to a Values, to the members-based
// reference it replaced and to a Builder, and compares all that reads
// them after each: JSON, hash, names, members and each attribute. Names
// that are not valid UTF-8 are left out: a Values stands for them by the
// name that reads back (see appendName).
func FuzzValuesOps(f *testing.F) {
	f.Add([]byte{0, 4, 8, 1, 2, 3}, "prompt", "é \"q\" <b>", `line\n`)
	f.Add([]byte{0x10, 0x24, 0x38, 0x4e, 0x11, 0x02, 0x06, 0xff}, "a\tb", "\u2028", "🎨")
	f.Add([]byte{1, 5, 9, 13, 17, 21, 2, 6, 10}, "", "x,y}", "[1,{\"a\":\"}\"}]")
	f.Fuzz(func(t *testing.T, ops []byte, n, s1, s2 string) {
		if !utf8.ValidString(n) || len(ops) > 64 {
			t.Skip()
		}
		names := []string{"provider_type", "a", n, n + "\\", "\"" + n}
		raws := []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`true`), json.RawMessage(`""`),
			json.RawMessage(`null`), json.RawMessage(`[]`), json.RawMessage(`{"x":[1,"\"q,}"],"y":{}}`),
			json.RawMessage(`"<&>"`), json.RawMessage(`[{"a":"b,c}"},-1.5e+300]`)}
		strs := []any{s1, s2, "", []string{s1, s2}, 7, nil, map[string]any{s1: s2}, false}
		var v Values
		var ref refValues
		b := NewBuilder(2)
		for _, op := range ops {
			name := names[int(op>>2)%len(names)]
			before, snapshot := v, string(v.text())
			switch op & 3 {
			case 0:
				x := strs[int(op>>4)%len(strs)]
				if err := v.Set(name, x); err != nil {
					t.Fatal(err)
				}
				if err := b.Set(name, x); err != nil {
					t.Fatal(err)
				}
				if raw, _ := Canonical(x); x != nil {
					ref.setRaw(name, raw)
				} else {
					ref.delete(name)
				}
			case 1, 2:
				raw := raws[int(op>>4)%len(raws)]
				v.SetRaw(name, raw)
				b.SetRaw(name, raw)
				ref.setRaw(name, raw)
			case 3:
				v.Delete(name)
				b.SetRaw(name, json.RawMessage("null"))
				ref.delete(name)
			}
			if string(before.text()) != snapshot {
				t.Fatalf("a change reached a copy made before it: %s, was %s", before.text(), snapshot)
			}
			compareRef(t, v, ref, names)
		}
		if got := b.Values(); !got.Equal(v) {
			t.Errorf("Builder made %s, Values %s", got.text(), v.text())
		}
		var back Values
		text, _ := v.MarshalJSON()
		if err := back.UnmarshalJSON(text); err != nil || !back.Equal(v) {
			t.Errorf("%s read back as %s (%v)", text, back.text(), err)
		}
		if !FromCanonical(ref.members).Equal(v) || !FromCanonicalObject(text).Equal(v) {
			t.Errorf("FromCanonical or FromCanonicalObject differs from %s", text)
		}
	})
}

func compareRef(t *testing.T, v Values, ref refValues, names []string) {
	t.Helper()
	text, _ := v.MarshalJSON()
	if want := ref.marshalJSON(); !bytes.Equal(text, want) {
		t.Fatalf("JSON %s, reference %s", text, want)
	}
	if h, want := v.Hash(), ref.hash(); h != want {
		t.Fatalf("%s: hash %s, reference %s", text, h, want)
	}
	var refNames []string
	for _, m := range ref.members {
		refNames = append(refNames, m.Name)
	}
	if got := v.Names(); !slices.Equal(got, refNames) || v.Len() != len(refNames) {
		t.Fatalf("%s: names %q (len %d), reference %q", text, got, v.Len(), refNames)
	}
	if first := v.FirstName(); len(refNames) > 0 && first != refNames[0] || len(refNames) == 0 && first != "" {
		t.Fatalf("%s: first name %q", text, first)
	}
	if ms := v.Members(); !slices.EqualFunc(ms, ref.members, func(a, b Member) bool { return a.Name == b.Name && bytes.Equal(a.Value, b.Value) }) {
		t.Fatalf("%s: members %q", text, ms)
	}
	for _, name := range names {
		got, ok := v.Get(name)
		want, wok := ref.get(name)
		if ok != wok || !bytes.Equal(got, want) || v.Has(name) != wok {
			t.Fatalf("%s: Get(%q) = %s, %v; reference %s, %v", text, name, got, ok, want, wok)
		}
		s, sok := v.String(name)
		var ws string
		wsok := wok && json.Unmarshal(want, &ws) == nil
		if sok != wsok || s != ws {
			t.Fatalf("%s: String(%q) = %q, %v; reference %q, %v", text, name, s, sok, ws, wsok)
		}
	}
	if !v.Equal(FromCanonical(ref.members)) {
		t.Fatalf("%s: not Equal to the reference's members", text)
	}
}

// FuzzValuesUnmarshal reads any JSON object both ways UnmarshalJSON can,
// checks they agree, and that what was read encodes as encoding/json
// reads it and reads back the same.
func FuzzValuesUnmarshal(f *testing.F) {
	for _, g := range goldenValues {
		f.Add([]byte(g.in))
	}
	f.Add([]byte(`{"a":null,"a":1}`))
	f.Add([]byte(`{"a": {"b": [1, "x\"y", {"c": ""}]}, "d": "\u00e9\\"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast, general Values
		ferr := fast.UnmarshalJSON(data)
		gerr := general.unmarshalGeneral(data)
		if (ferr == nil) != (gerr == nil) {
			t.Fatalf("%s: error %v, general path %v", data, ferr, gerr)
		}
		if ferr != nil {
			return
		}
		if !fast.Equal(general) {
			t.Fatalf("%s: read %s, general path %s", data, fast.text(), general.text())
		}
		// What was written reads back the same, but for a number
		// canonical only once read again: -0.0 is written -0 (as float64
		// writes it), which reads as the integer 0.
		text, _ := fast.MarshalJSON()
		var back, again Values
		if err := back.UnmarshalJSON(text); err != nil || !back.Equal(fast) && !bytes.Contains(text, []byte("-0")) {
			t.Fatalf("%s read back as %s (%v)", text, back.text(), err)
		}
		if next, _ := back.MarshalJSON(); again.UnmarshalJSON(next) != nil || !again.Equal(back) {
			t.Fatalf("%s read back as %s, then %s", text, back.text(), again.text())
		}
		// Names and values as encoding/json's decoder reads the object.
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.Token()
		var names []string
		for dec.More() {
			tok, _ := dec.Token()
			var val json.RawMessage
			if err := dec.Decode(&val); err != nil {
				t.Fatal(err)
			}
			name := tok.(string)
			names = append(names, name)
			if got, ok := fast.Get(name); !ok || !bytes.Equal(got, val) {
				t.Fatalf("%s: Get(%q) = %s, %v; encoding/json reads %s", text, name, got, ok, val)
			}
		}
		if got := fast.Names(); !slices.Equal(got, names) {
			t.Fatalf("%s: names %q, encoding/json reads %q", text, got, names)
		}
		for _, name := range names {
			w := fast
			w.Delete(name)
			if w.Has(name) || w.Len() != len(names)-1 || !fast.Has(name) {
				t.Fatalf("%s: Delete(%q) made %s", text, name, w.text())
			}
			if json.Valid(w.text()) == false {
				t.Fatalf("%s: Delete(%q) made invalid JSON %s", text, name, w.text())
			}
		}
	})
}
