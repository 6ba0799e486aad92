package pipeline

import (
	"testing"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
)

// recordsRequest compares a hash where it can rather than building the
// request: it must answer as comparing the lock's map with a.Recorded()
// does, whatever the lock's spec_hash, upstream or spec_version say.
func TestRecordsRequestMatchesComparingMaps(t *testing.T) {
	sensitive := func(a *spec.Asset) *spec.Asset { a.Sensitive = []string{schema.AttrPrompt}; return a }
	withRef := func(a *spec.Asset, ref spec.Reference) *spec.Asset {
		a.References = append(a.References, ref)
		a.SpecHash = a.Request().Hash()
		return a
	}
	set := func(v schema.Values, name string, x any) schema.Values {
		if err := v.Set(name, x); err != nil {
			t.Fatal(err)
		}
		return v
	}
	entry := func(a *spec.Asset) *lockfile.Entry {
		return &lockfile.Entry{Kind: string(a.Kind), SpecHash: a.SpecHash, Spec: a.Recorded(), Provider: a.Provider, Path: a.Path}
	}
	plain := image("a", "a fox")
	html := image("h", `a <fox> & "hound" \u003c`+"\u2028")
	renames := map[string]string{"image.old": "image.base"}
	cases := []struct {
		name   string
		e      *lockfile.Entry
		a      *spec.Asset
		rename map[string]string
		want   bool
	}{
		{name: "same", e: entry(plain), a: plain, want: true},
		{name: "HTML characters", e: entry(html), a: html, want: true},
		{name: "prompt changed", e: entry(plain), a: image("a", "a hound")},
		{name: "attribute added", e: &lockfile.Entry{Spec: set(plain.Recorded(), "seed", 7)}, a: plain},
		{name: "attribute removed", e: func() *lockfile.Entry {
			e := entry(plain)
			e.Spec.Delete("size")
			return e
		}(), a: plain},
		{name: "attributes in another order", e: func() *lockfile.Entry {
			e := entry(plain)
			var v schema.Values
			for _, m := range e.Spec.Members() {
				if m.Name != "size" {
					v.SetRaw(m.Name, m.Value)
				}
			}
			raw, _ := e.Spec.Get("size")
			v.SetRaw("size", raw)
			e.Spec = v
			return e
		}(), a: plain},
		{name: "sensitive, same", e: entry(sensitive(image("s", "secret"))), a: sensitive(image("s", "secret")), want: true},
		{name: "sensitive, changed", e: entry(sensitive(image("s", "secret"))), a: sensitive(image("s", "other"))},
		// The lock's spec_hash is the request's; its map is redacted.
		{name: "no longer sensitive", e: entry(sensitive(image("s", "secret"))), a: image("s", "secret")},
		{name: "now sensitive", e: entry(image("s", "secret")), a: sensitive(image("s", "secret"))},
		// The lock's spec_hash has upstream content folded in: not compared.
		{name: "upstream", e: func() *lockfile.Entry {
			a := image("d", "a fox", "image.base")
			e := entry(a)
			e.Upstream = map[string]string{"image.base": "abc"}
			e.SpecHash = effectiveHash(a.SpecHash, e.Upstream)
			return e
		}(), a: image("d", "a fox", "image.base"), want: true},
		{name: "stale spec_hash", e: func() *lockfile.Entry { e := entry(plain); e.SpecHash = "sha256:0"; return e }(), a: plain, want: true},
		{name: "spec_version", e: func() *lockfile.Entry { e := entry(plain); e.SpecVersion = 2; return e }(), a: plain, want: true},
		{name: "reference renamed", e: entry(withRef(image("r", "a fox"), spec.Reference{Asset: "image.old"})),
			a: withRef(image("r", "a fox"), spec.Reference{Asset: "image.base"}), rename: renames, want: true},
		{name: "reference renamed, not in this plan", e: entry(withRef(image("r", "a fox"), spec.Reference{Asset: "image.old"})),
			a: withRef(image("r", "a fox"), spec.Reference{Asset: "image.base"})},
		{name: "reference file changed", e: entry(withRef(image("f", "a fox"), spec.Reference{File: "ref.png", SHA256: "1"})),
			a: withRef(image("f", "a fox"), spec.Reference{File: "ref.png", SHA256: "2"})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recorded, _, _ := renameRefs(tc.e, tc.rename)
			if want := recorded.Equal(tc.a.Recorded()); want != tc.want {
				t.Fatalf("the case is wrong: comparing the maps says %v", want)
			}
			if got := recordsRequest(recorded, tc.a); got != tc.want {
				t.Errorf("recordsRequest = %v, want %v", got, tc.want)
			}
		})
	}
}
