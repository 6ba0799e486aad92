package pipeline

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/seedform/seedform/lockfile"
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

// configAttrs lists an asset's attributes in the order a plan shows them.
func configAttrs(a *spec.Asset) []attr {
	in := a.HashInput()
	out := []attr{
		{name: "provider", show: a.Provider, same: a.ProviderType, forces: true},
		{name: "model", show: a.Model, forces: true},
		{name: "prompt", show: a.Prompt, forces: true},
		{name: "size", show: a.Size, forces: true},
		{name: "seed", show: a.Seed, forces: true},
		{name: "guidance_scale", show: a.GuidanceScale, forces: true},
		{name: "watermark", show: a.Watermark, forces: true},
		{name: "output_format", show: a.OutputFormat, forces: true},
		{name: "max_images", show: zeroNil(a.MaxImages), forces: true},
		{name: "optimize_prompt", show: a.OptimizePrompt, forces: true},
		{name: "thinking", show: a.Thinking, forces: true},
		{name: "web_search", show: zeroFalse(a.WebSearch), forces: true},
		{name: "references", show: refNames(a.References, nil), same: in.References, forces: true},
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
func recordedAttrs(e *lockfile.Entry, in spec.HashInput, now []spec.Reference, meta json.RawMessage) []attr {
	out := []attr{
		{name: "provider", show: e.Provider, same: in.ProviderType, forces: true},
		{name: "model", show: in.Model, forces: true},
		{name: "prompt", show: in.Prompt, forces: true},
		{name: "size", show: in.Size, forces: true},
		{name: "seed", show: in.Seed, forces: true},
		{name: "guidance_scale", show: in.GuidanceScale, forces: true},
		{name: "watermark", show: in.Watermark, forces: true},
		{name: "output_format", show: in.OutputFormat, forces: true},
		{name: "max_images", show: zeroNil(in.MaxImages), forces: true},
		{name: "optimize_prompt", show: in.OptimizePrompt, forces: true},
		{name: "thinking", show: in.Thinking, forces: true},
		{name: "web_search", show: zeroFalse(in.WebSearch), forces: true},
		{name: "references", show: refNames(now, in.References), same: in.References, forces: true},
	}
	if e.Kind == string(spec.KindImageSet) {
		out = append(out, attr{name: "dir", show: e.Dir})
	} else {
		out = append(out, attr{name: "path", show: e.Path})
	}
	return append(out, attr{name: "meta", show: meta})
}

// SpecDiff compares two recorded specs: the attributes that differ, as a
// plan shows them.
func SpecDiff(old, now spec.HashInput) []AttrChange {
	e := &lockfile.Entry{}
	return diffAttrs(recordedAttrs(e, old, nil, nil), recordedAttrs(e, now, nil, nil), nil, nil)
}

// zeroFalse leaves false out, as an unset option.
func zeroFalse(b bool) any {
	if !b {
		return nil
	}
	return b
}

func zeroNil(n int) any {
	if n == 0 {
		return nil
	}
	return n
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
// names in the same order, leaving out ignored ones.
func diffAttrs(old, now []attr, ignore, sensitive []string) []AttrChange {
	var out []AttrChange
	for i, a := range now {
		if i >= len(old) || old[i].name != a.name || slices.Contains(ignore, a.name) {
			continue
		}
		was, is := old[i].identity(), a.identity()
		if w, ok := was.(string); ok && spec.IsRedacted(w) {
			if s, ok := is.(string); ok {
				is = spec.Redact(s) // recorded by hash only: compared by hash
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
