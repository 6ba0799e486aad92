package schema

import (
	"encoding/json"
	"testing"
)

// benchRequest is a lock entry's request as the plan benchmarks hold it.
const benchRequest = `{"provider_type":"placeholder","prompt":"Tile k000000 of the benchmark, flat pastel","size":"512x512","watermark":true,"output_format":"jpeg"}`

func benchValues(b *testing.B) Values {
	var v Values
	if err := json.Unmarshal([]byte(benchRequest), &v); err != nil {
		b.Fatal(err)
	}
	return v
}

// Get of the last attribute, the longest walk.
func BenchmarkValuesGet(b *testing.B) {
	v := benchValues(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := v.Get("output_format"); !ok {
			b.Fatal("output_format is missing")
		}
	}
}

func BenchmarkValuesHash(b *testing.B) {
	v := benchValues(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = v.Hash()
	}
}

func BenchmarkValuesEqual(b *testing.B) {
	v, w := benchValues(b), benchValues(b)
	b.ReportAllocs()
	for b.Loop() {
		if !v.Equal(w) {
			b.Fatal("not equal")
		}
	}
}

// A request built as spec.Asset.Request builds one.
func BenchmarkBuilder(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		req := NewBuilder(5)
		for _, kv := range [][2]string{{"provider_type", "placeholder"}, {"prompt", "Tile k000000 of the benchmark, flat pastel"},
			{"size", "512x512"}, {"output_format", "jpeg"}} {
			if err := req.Set(kv[0], kv[1]); err != nil {
				b.Fatal(err)
			}
		}
		req.SetRaw("watermark", json.RawMessage("true"))
		_ = req.Values()
	}
}

// Attributes set one by one, as the loader sets an asset's.
func BenchmarkValuesSetRaw(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var v Values
		v.SetRaw("size", json.RawMessage(`"512x512"`))
		v.SetRaw("watermark", json.RawMessage("true"))
		v.SetRaw("seed", json.RawMessage("42"))
	}
}

func BenchmarkValuesUnmarshal(b *testing.B) {
	data := []byte(benchRequest)
	b.ReportAllocs()
	for b.Loop() {
		var v Values
		if err := v.UnmarshalJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
