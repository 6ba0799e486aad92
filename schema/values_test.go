package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func TestValuesKeepOrderAndCanonicalForm(t *testing.T) {
	t.Parallel()
	in := `{"provider_type": "x", "zeta": 1.50, "alpha": [ {"b": 1e2, "a": "<&>"} ], "seed": -0, "big": 9007199254740993}`
	var v Values
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	got, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"provider_type":"x","zeta":1.5,"alpha":[{"b":100,"a":"<&>"}],"seed":0,"big":9007199254740993}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if n := v.Int("big"); n == nil || *n != 9007199254740993 {
		t.Errorf("Int(big) = %v: a large whole number must not pass through float64", n)
	}
}

func TestValuesHashMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	type legacy struct {
		A string  `json:"a"`
		B float64 `json:"b"`
	}
	old := legacy{A: "Fish & chips <b> \u2028", B: 7.5}
	b, _ := json.Marshal(old)
	sum := sha256.Sum256(b)
	want := "sha256:" + hex.EncodeToString(sum[:])

	var v Values
	if err := v.Set("a", old.A); err != nil {
		t.Fatal(err)
	}
	if err := v.Set("b", old.B); err != nil {
		t.Fatal(err)
	}
	if got := v.Hash(); got != want {
		t.Errorf("Hash = %s, want %s (encoding/json's)", got, want)
	}
	text, _ := v.MarshalJSON()
	if strings.Contains(string(text), `\u0026`) {
		t.Errorf("MarshalJSON escapes HTML: %s; the lock stays readable", text)
	}
}

func TestValuesUnsetForms(t *testing.T) {
	t.Parallel()
	var v Values
	if err := json.Unmarshal([]byte(`{"a": null, "b": "", "c": [], "d": false, "e": 0}`), &v); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(v.Names(), ","); got != "d,e" {
		t.Errorf("names = %s, want d,e: null, \"\" and [] are not values", got)
	}
	v.SetRaw("d", json.RawMessage(`""`))
	if v.Has("d") {
		t.Error(`SetRaw("d", "") kept d`)
	}
	if err := v.Set("e", nil); err != nil || v.Has("e") {
		t.Errorf("Set(e, nil) = %v, has e = %v", err, v.Has("e"))
	}
}

func TestValuesRejectMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`[]`, `"x"`, `{"a": 1, "a": 2}`, `{"a": 1e400}`, `{"a": 1`} {
		var v Values
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

func TestValuesSetKeepsPlaceAndDoesNotAlias(t *testing.T) {
	t.Parallel()
	var a Values
	for _, kv := range [][2]any{{"x", 1}, {"y", 2}, {"z", 3}} {
		if err := a.Set(kv[0].(string), kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	b := a
	if err := b.Set("y", 20); err != nil {
		t.Fatal(err)
	}
	b.Delete("x")
	if got, _ := a.MarshalJSON(); string(got) != `{"x":1,"y":2,"z":3}` {
		t.Errorf("a copy's change reached the original: %s", got)
	}
	if got, _ := b.MarshalJSON(); string(got) != `{"y":20,"z":3}` {
		t.Errorf("b = %s", got)
	}
}

// A Builder makes what the same calls of Set and SetRaw on a Values make.
func TestBuilderMatchesValues(t *testing.T) {
	var v Values
	b := NewBuilder(1)
	for _, step := range []struct {
		name string
		x    any
	}{{"a", "x"}, {"b", 2}, {"a", "y"}, {"c", ""}, {"b", ""}, {"d", []string{"p"}}, {"e", true}} {
		if err := v.Set(step.name, step.x); err != nil {
			t.Fatal(err)
		}
		if err := b.Set(step.name, step.x); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.Values(); !got.Equal(v) {
		t.Errorf("Builder made %v, Values %v", got.Names(), v.Names())
	}
}
