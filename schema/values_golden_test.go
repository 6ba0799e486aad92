package schema

import (
	"encoding/json"
	"testing"
)

// What the members-based Values (before it held its JSON object) read,
// wrote and hashed from these maps: the spec hashes of existing locks
// depend on Hash staying the same.
var goldenValues = []struct{ in, out, hash string }{
	{"{}", "{}", "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
	{"{\"provider_type\":\"placeholder\",\"prompt\":\"Tile k000000 of the benchmark, flat pastel\",\"size\":\"512x512\",\"watermark\":true,\"output_format\":\"jpeg\"}", "{\"provider_type\":\"placeholder\",\"prompt\":\"Tile k000000 of the benchmark, flat pastel\",\"size\":\"512x512\",\"watermark\":true,\"output_format\":\"jpeg\"}", "sha256:d4af6984bba1b9badc0b024b2a6f9cf6e5a24b588274a9e61856198888ebaef2"},
	{"{\"provider_type\":\"seedream\",\"prompt\":\"Fish & chips <b> \\u2028 and \\u2029 é 🎨\",\"seed\":-42,\"guidance_scale\":7.5}", "{\"provider_type\":\"seedream\",\"prompt\":\"Fish & chips <b> \\u2028 and \\u2029 é 🎨\",\"seed\":-42,\"guidance_scale\":7.5}", "sha256:9b8a8015f27125d1fac6ff18db81d09c8c9c9135aa686aaa66e0d92befbb6818"},
	{"{\"a\\\"b\":\"c\\\\d\",\"tab\\there\":\"line\\nbreak\\u0001\",\"\\u00e9t\\u00e9\":\"caf\\u00e9\",\"<tag>\":\"a&b\"}", "{\"a\\\"b\":\"c\\\\d\",\"tab\\there\":\"line\\nbreak\\u0001\",\"été\":\"café\",\"<tag>\":\"a&b\"}", "sha256:11a9f5ddf84760575e574c3dcb1503550da4b503120abcd2a4bfeb9d3ffbf98a"},
	{"{\"n\":[1,-0,2.50,1e21,1e-7,123456789012345678901,9007199254740993],\"f\":0.1,\"e\":-1.5e300}", "{\"n\":[1,0,2.5,1e+21,1e-7,123456789012345680000,9007199254740993],\"f\":0.1,\"e\":-1.5e+300}", "sha256:178b50e8c31595cfe0edfa068d7d295b20f25b7acf3eaa53fc29f457710111b3"},
	{"{\"refs\":[{\"file\":\"refs/a.png\",\"sha256\":\"ab12\"},{\"asset\":\"image.x\",\"url\":\"https://x/?a=1&b=<2>\"}],\"nested\":{\"a\":{\"b\":[[],{},[{\"c\":null}]]}}}", "{\"refs\":[{\"file\":\"refs/a.png\",\"sha256\":\"ab12\"},{\"asset\":\"image.x\",\"url\":\"https://x/?a=1&b=<2>\"}],\"nested\":{\"a\":{\"b\":[[],{},[{\"c\":null}]]}}}", "sha256:0107a9698a33097fb2ea51e2b9cc58cf2c5805d034e82f2ec7ffeee541c20d96"},
	{"{\"u\":\"\\ud83c\\udfa8\\u2028\\u0000\",\"k\":false,\"z\":\"\",\"y\":null,\"x\":[]}", "{\"u\":\"🎨\\u2028\\u0000\",\"k\":false}", "sha256:2b64e73ca80174a9d84f98c87f30e50fc79a71af396755d41fd33879536c2eb2"},
	{"{\"sp ace\":\"  \",\"\\u007f\":\"\\u001f\",\"/\":\"\\/\"}", "{\"sp ace\":\"  \",\"\x7f\":\"\\u001f\",\"/\":\"/\"}", "sha256:61852f1af7a3c75101221b05f30c8f795875713876bd0a19d2112623cc714bf0"},
}

func TestValuesGolden(t *testing.T) {
	t.Parallel()
	for _, g := range goldenValues {
		var v Values
		if err := json.Unmarshal([]byte(g.in), &v); err != nil {
			t.Fatalf("%s: %v", g.in, err)
		}
		if out, _ := v.MarshalJSON(); string(out) != g.out {
			t.Errorf("%s:\nwrites %s\nwant   %s", g.in, out, g.out)
		}
		if h := v.Hash(); h != g.hash {
			t.Errorf("%s: hash %s, want %s", g.in, h, g.hash)
		}
		// Built member by member, it is the same object.
		var set Values
		for _, m := range v.Members() {
			set.SetRaw(m.Name, m.Value)
		}
		if !set.Equal(v) || set.Hash() != g.hash || !FromCanonical(v.Members()).Equal(v) {
			t.Errorf("%s: rebuilt from its members, it differs", g.in)
		}
	}
}
