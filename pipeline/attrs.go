package pipeline

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
)

// AttrChange is one attribute of a planned change: every attribute of a
// new asset (Before nil), or one that differs from what the lock records.
// Values are JSON. A sensitive attribute carries no value at all, so that
// neither a view nor a saved plan can show it.
type AttrChange struct {
	Name   string          `json:"name"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	// AfterUnknown is set when the value is known only after apply.
	AfterUnknown bool `json:"after_unknown,omitempty"`
	Sensitive    bool `json:"sensitive,omitempty"`
	// ForcesReplacement is set when the change makes a new image.
	ForcesReplacement bool `json:"forces_replacement,omitempty"`
}

// attr is one attribute of an asset in a provider-neutral form: an
// ordered list of these is what the plan compares and shows.
type attr struct {
	name string
	show any // the value shown
	// same is what equality is decided on when it differs from show (a
	// reference file by content); nil means show.
	same any
	// forces is set on attributes whose change makes a new image.
	forces bool
}

func (a attr) identity() any {
	if a.same != nil {
		return a.same
	}
	return a.show
}

// configAttrs lists an asset's attributes in the order a plan shows them:
// its provider, its request in the provider type's order (names), then
// its output location and meta.
func configAttrs(a *spec.Asset, names []string) []attr {
	req := a.Request()
	out := []attr{{name: "provider", show: a.Provider, same: a.ProviderType, forces: true}}
	for _, name := range names {
		raw, _ := req.Get(name)
		at := attr{name: name, show: raw, forces: true}
		if name == schema.AttrReferences {
			// Compared as the lock records them: sensitive URLs by hash.
			recorded, _ := a.Recorded().Get(name)
			at.show, at.same = refNames(a.References, nil), recorded
		}
		out = append(out, at)
	}
	if a.Kind == spec.KindImageSet {
		out = append(out, attr{name: "dir", show: a.Dir})
	} else {
		out = append(out, attr{name: "path", show: a.Path})
	}
	return append(out, attr{name: "meta", show: a.Meta})
}

// recordedAttrs lists what the lock records of an asset, in configAttrs'
// order; now are the configured references, whose file names stand for
// recorded files of the same position (the lock keeps only their content).
func recordedAttrs(e *lockfile.Entry, in schema.Values, names []string, now []spec.Reference, meta json.RawMessage) []attr {
	typ, _ := in.String(schema.AttrProviderType)
	out := []attr{{name: "provider", show: e.Provider, same: typ, forces: true}}
	for _, name := range names {
		raw, _ := in.Get(name)
		at := attr{name: name, show: raw, forces: true}
		if name == schema.AttrReferences {
			at.show, at.same = refNames(now, recordedRefs(in)), raw
		}
		out = append(out, at)
	}
	if e.Kind == string(spec.KindImageSet) {
		out = append(out, attr{name: "dir", show: e.Dir})
	} else {
		out = append(out, attr{name: "path", show: e.Path})
	}
	return append(out, attr{name: "meta", show: meta})
}

// requestNames are the attribute names a plan compares: the configured
// provider type's request order, then any other name either request
// holds (a lock written for another type).
func requestNames(typ string, reqs ...schema.Values) []string {
	var names []string
	if t, ok := schema.Lookup(typ); ok {
		names = slices.Clone(t.Schema().Request)
	}
	for _, req := range reqs {
		for _, n := range req.Names() {
			if n != schema.AttrProviderType && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// SpecDiff compares two recorded requests: the attributes that differ, as
// a plan shows them.
func SpecDiff(old, now schema.Values) []AttrChange {
	e := &lockfile.Entry{}
	typ, _ := now.String(schema.AttrProviderType)
	names := requestNames(typ, old, now)
	return diffAttrs(recordedAttrs(e, old, names, nil, nil), recordedAttrs(e, now, names, nil, nil), nil, nil)
}

// refNames names references as a reviewer knows them: a file by its path,
// a URL, an asset by its address. With recorded set, it names those
// instead, a file by the path of the configured reference at the same
// place when that is a file too.
func refNames(now []spec.Reference, recorded []spec.HashedRef) []string {
	var out []string
	if recorded == nil {
		for _, r := range now {
			switch {
			case r.Asset != "":
				out = append(out, r.Asset)
			case r.URL != "":
				out = append(out, r.URL)
			default:
				out = append(out, r.File)
			}
		}
		return out
	}
	for i, r := range recorded {
		switch {
		case r.Asset != "":
			out = append(out, r.Asset)
		case r.URL != "":
			out = append(out, r.URL)
		case i < len(now) && now[i].File != "":
			out = append(out, now[i].File)
		default:
			out = append(out, r.SHA256)
		}
	}
	return out
}

// newAttrs is every attribute of an asset to create, absent ones left out.
func newAttrs(attrs []attr, sensitive []string) []AttrChange {
	var out []AttrChange
	for _, a := range attrs {
		v := jsonOf(a.show)
		if isEmpty(v) {
			continue
		}
		c := AttrChange{Name: a.name, After: v}
		if slices.Contains(sensitive, a.name) {
			c.After, c.Sensitive = nil, true
		}
		out = append(out, c)
	}
	return out
}

// diffAttrs compares recorded and configured attributes, of the same
// names in the same order, leaving out ignored ones: ignore_changes = all
// leaves out every attribute whose change would make a new image.
func diffAttrs(old, now []attr, ignore, sensitive []string) []AttrChange {
	var out []AttrChange
	all := slices.Contains(ignore, "all")
	for i, a := range now {
		if i >= len(old) || old[i].name != a.name || slices.Contains(ignore, a.name) || all && a.forces {
			continue
		}
		was, is := old[i].identity(), a.identity()
		if w, ok := asString(was); ok && spec.IsRedacted(w) {
			if s, ok := asString(is); ok && !spec.IsRedacted(s) {
				was, is = w, spec.Redact(s) // recorded by hash only: compared by hash
			}
		}
		// Equal values encode equally: the cheap test first, so that an
		// up-to-date asset costs no JSON encoding.
		if reflect.DeepEqual(was, is) {
			continue
		}
		wasJ, isJ := jsonOf(was), jsonOf(is)
		if string(wasJ) == string(isJ) || isEmpty(wasJ) && isEmpty(isJ) {
			continue
		}
		c := AttrChange{Name: a.name, Before: jsonOf(old[i].show), After: jsonOf(a.show), ForcesReplacement: a.forces}
		if slices.Contains(sensitive, a.name) {
			c.Before, c.After, c.Sensitive = nil, nil, true
		}
		out = append(out, c)
	}
	return out
}

// asString reads a string, or a JSON string.
func asString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.RawMessage:
		var s string
		return s, json.Unmarshal(v, &s) == nil
	}
	return "", false
}

func jsonOf(v any) json.RawMessage {
	if m, ok := v.(json.RawMessage); ok {
		if len(m) == 0 {
			return json.RawMessage("null")
		}
		return m
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// isEmpty reports whether a JSON value says nothing: null, "", [] or {}.
func isEmpty(v json.RawMessage) bool {
	switch string(v) {
	case "", "null", `""`, "[]", "{}":
		return true
	}
	return false
}
