package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/seedform/seedform/schema"
)

// Asset kinds as the lock records them (spec.KindImage, spec.KindImageSet).
const (
	kindImage    = "image"
	kindImageSet = "image_set"
)

// Validate reports the first thing in l that the rest of seedform could
// not trust, in address order so that the report is stable.
func (l *Lock) Validate() error {
	if l.Version < 1 || l.Version > SchemaVersion {
		return fmt.Errorf("unknown schema version %d", l.Version)
	}
	// Recorded files are moved and deleted under it: it must stay inside
	// the config directory like every output path.
	if l.OutputDir != "" && l.OutputDir != "." {
		if err := checkPath("output_dir", l.OutputDir); err != nil {
			return err
		}
	}
	if err := firstInvalid(l.Assets); err != nil {
		return err
	}
	return validateSpend(l.Spend)
}

// firstInvalid validates every entry of assets and returns the error of
// the first invalid one in address order. Entries are checked in map
// order, and sorted only when one is invalid: sorting 10,000 addresses
// for a lock that is valid cost more than checking them.
func firstInvalid[E interface{ Validate(string) error }](assets map[string]E) error {
	for addr, e := range assets {
		if e.Validate(addr) != nil {
			for _, addr := range sortedKeys(assets) {
				if err := assets[addr].Validate(addr); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// validateSpend checks the bills of a lock or a shard's fragment.
func validateSpend(spend []*Spend) error {
	for i, sp := range spend {
		if sp == nil {
			return fmt.Errorf("spend[%d] is null", i)
		}
		for j, row := range sp.Billed {
			if err := row.Billed.validate(); err != nil {
				return fmt.Errorf("spend[%d].billed[%d] (%s): %w", i, j, row.Model, err)
			}
			if row.Answers < 1 || row.Lost < 0 || row.Lost > row.Answers {
				return fmt.Errorf("spend[%d].billed[%d] (%s): %d answers with %d lost: want at least one answer, and no more lost than answered",
					i, j, row.Model, row.Answers, row.Lost)
			}
		}
	}
	return nil
}

// validate checks that a bill says what it was billed in.
func (b *Billed) validate() error {
	switch {
	case b.Images < 0:
		return fmt.Errorf("billed images must not be negative, got %d", b.Images)
	case (b.Cost == nil) != (b.PricePerImage == nil):
		return errors.New("a cost needs its price_per_image, and a price its cost")
	case b.Cost != nil && !b.Cost.IsZero() && b.Currency == "":
		return errors.New("a cost needs its currency")
	}
	return nil
}

// Validate reports what is wrong with the entry recorded for addr.
func (e *Entry) Validate(addr string) error {
	kind, err := addressKind(addr)
	if err != nil {
		return err
	}
	if err := e.validate(addr, kind); err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	return nil
}

func (e *Entry) validate(addr, kind string) error {
	if e == nil {
		return errors.New("entry is null")
	}
	if e.Kind != kind {
		return fmt.Errorf("kind is %q but the address is an %s", e.Kind, kind)
	}
	if !validHash(e.SpecHash) {
		return fmt.Errorf("spec_hash must be \"sha256:\" and 64 lowercase hex digits, got %q", e.SpecHash)
	}
	if err := validateSpec(e.Spec, e.SpecVersion); err != nil {
		return err
	}
	if e.Billed != nil {
		if err := e.Billed.validate(); err != nil {
			return fmt.Errorf("billed: %w", err)
		}
	}
	for up, sum := range e.Upstream {
		if _, err := addressKind(up); err != nil {
			return fmt.Errorf("upstream: %w", err)
		}
		if sum == "" {
			return fmt.Errorf("upstream %s: the hash is empty", up)
		}
	}
	if e.Provider == "" {
		return errors.New("provider is missing")
	}
	if e.CreatedAt.IsZero() {
		return errors.New("created_at is missing")
	}
	switch kind {
	case kindImage:
		if err := checkPath("path", e.Path); err != nil {
			return err
		}
		if e.Dir != "" {
			return errors.New("an image has a path, not a dir")
		}
		if len(e.Outputs) != 1 || e.Outputs[0].Path != e.Path {
			return fmt.Errorf("an image has exactly one output, at its path %q", e.Path)
		}
	case kindImageSet:
		if e.Dir != "." {
			if err := checkPath("dir", e.Dir); err != nil {
				return err
			}
		}
		if e.Path != "" {
			return errors.New("an image set has a dir, not a path")
		}
	}
	if err := checkOutputs("outputs", e.Outputs); err != nil {
		return err
	}
	if kind == kindImageSet && e.Dir != "." {
		for i, o := range e.Outputs {
			if !strings.HasPrefix(o.Path, e.Dir+"/") {
				return fmt.Errorf("outputs[%d].path %q is not inside dir %q", i, o.Path, e.Dir)
			}
		}
	}
	for i, f := range e.Failed {
		if f.Index < 0 {
			return fmt.Errorf("failed[%d].index is negative", i)
		}
		if f.Code == "" {
			return fmt.Errorf("failed[%d].code is missing", i)
		}
	}
	if u := e.Usage; u != nil {
		if u.GeneratedImages < 0 || u.OutputTokens < 0 || u.TotalTokens < 0 || u.InputImages < 0 {
			return errors.New("usage is negative")
		}
		for _, tool := range sortedKeys(u.ToolUsage) {
			if u.ToolUsage[tool] < 0 {
				return fmt.Errorf("usage.tool_usage.%s is negative", tool)
			}
		}
	}
	return nil
}

// Validate reports the first thing in m that apps or seedform could not trust.
func (m *Manifest) Validate() error {
	if m.Version < 1 || m.Version > SchemaVersion {
		return fmt.Errorf("unknown schema version %d", m.Version)
	}
	return firstInvalid(m.Assets)
}

// Validate reports what is wrong with the manifest entry for addr.
func (e *ManifestEntry) Validate(addr string) error {
	if _, err := addressKind(addr); err != nil {
		return err
	}
	if e == nil {
		return fmt.Errorf("%s: entry is null", addr)
	}
	if err := checkOutputs("files", e.Files); err != nil {
		return fmt.Errorf("%s: %w", addr, err)
	}
	if len(e.Meta) > 0 && !json.Valid(e.Meta) {
		return fmt.Errorf("%s: meta is not valid JSON", addr)
	}
	return nil
}

func checkOutputs(field string, outs []Output) error {
	// A map finds a repeated path among many; a set of a few is
	// searched, and an image's one output needs neither.
	var seen map[string]bool
	if len(outs) > 8 {
		seen = make(map[string]bool, len(outs))
	}
	for i, o := range outs {
		if pathProblem(o.Path) {
			return checkPath(fmt.Sprintf("%s[%d].path", field, i), o.Path)
		}
		repeated := seen[o.Path]
		if seen == nil {
			repeated = slices.ContainsFunc(outs[:i], func(p Output) bool { return p.Path == o.Path })
		} else {
			seen[o.Path] = true
		}
		if repeated {
			return fmt.Errorf("%s[%d].path %q appears twice", field, i, o.Path)
		}
		if !validHex(o.SHA256) {
			return fmt.Errorf("%s[%d].sha256 must be 64 lowercase hex digits, got %q", field, i, o.SHA256)
		}
		if o.Bytes < 0 {
			return fmt.Errorf("%s[%d].bytes is negative", field, i)
		}
		if o.Width <= 0 || o.Height <= 0 {
			return fmt.Errorf("%s[%d] has no size (width %d, height %d)", field, i, o.Width, o.Height)
		}
		if o.Format != "png" && o.Format != "jpeg" && o.Format != "webp" {
			return fmt.Errorf("%s[%d].format must be \"png\", \"jpeg\" or \"webp\", got %q", field, i, o.Format)
		}
	}
	return nil
}

// checkPath accepts a clean slash path inside the output directory: no
// "..", no leading slash, no backslash (a Windows separator would name a
// different file on each system).
func checkPath(field, p string) error {
	if p == "" {
		return fmt.Errorf("%s is missing", field)
	}
	if pathProblem(p) {
		return fmt.Errorf("%s %q must be a clean relative slash path inside the output directory", field, p)
	}
	return nil
}

// pathProblem reports whether checkPath refuses p.
func pathProblem(p string) bool {
	return p == "" || !fs.ValidPath(p) || p == "." || strings.ContainsRune(p, '\\') || path.Clean(p) != p || hasControl(p)
}

// addressKind checks the shape of an asset address (`image.hero`,
// `image_set.board`, `image.season["spring"]`, `image.tile[3]`) and returns
// its kind.
func addressKind(addr string) (string, error) {
	kind, rest, ok := strings.Cut(addr, ".")
	if !ok || (kind != kindImage && kind != kindImageSet) {
		return "", fmt.Errorf("%q is not an asset address (image.NAME or image_set.NAME)", addr)
	}
	name, key, keyed := strings.Cut(rest, "[")
	validName := name != "" && strings.IndexFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-'
	}) < 0
	validKey := !keyed || (len(key) > 1 && strings.HasSuffix(key, "]"))
	if !validName || !validKey || hasControl(addr) {
		return "", fmt.Errorf("%q is not an asset address (image.NAME or image_set.NAME)", addr)
	}
	return kind, nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func validHash(s string) bool {
	hex, ok := strings.CutPrefix(s, "sha256:")
	return ok && validHex(hex)
}

// validHex accepts a sha256 in lowercase hex, the only form seedform writes,
// so that hashes compare as strings.
func validHex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// validateSpec checks what every request holds whatever its provider
// type: provider_type first, a known spec version, references by content.
func validateSpec(spec schema.Values, version int) error {
	raw, _ := spec.Get(schema.AttrProviderType)
	if spec.FirstName() != schema.AttrProviderType || len(raw) < 3 || raw[0] != '"' {
		return errors.New("spec.provider_type is missing: it must be the spec's first attribute, a provider type's name")
	}
	if version < 0 {
		return fmt.Errorf("spec_version must be positive, got %d", version)
	}
	// Only a version set (above the 1 that goes unwritten) can be newer
	// than a type reads; the type's name is read for it alone.
	if version > 0 {
		typ, _ := spec.String(schema.AttrProviderType)
		if t, known := schema.Lookup(typ); known && version > t.Schema().SpecVersion {
			return fmt.Errorf("spec_version %d of provider type %q is newer than this seedform reads (%d); use a newer seedform", version, typ, t.Schema().SpecVersion)
		}
	}
	if !spec.Has(schema.AttrReferences) {
		return nil
	}
	var refs []struct {
		SHA256 string `json:"sha256"`
		URL    string `json:"url"`
		Asset  string `json:"asset"`
	}
	if _, err := spec.Decode(schema.AttrReferences, &refs); err != nil {
		return fmt.Errorf("spec.references must be a list of references: %w", err)
	}
	for i, r := range refs {
		set := 0
		for _, s := range []string{r.SHA256, r.URL, r.Asset} {
			if s != "" {
				set++
			}
		}
		if set != 1 {
			return fmt.Errorf("spec.references[%d] must have exactly one of sha256, url or asset", i)
		}
		if r.SHA256 != "" && !validHex(r.SHA256) {
			return fmt.Errorf("spec.references[%d].sha256 must be 64 lowercase hex digits, got %q", i, r.SHA256)
		}
	}
	return nil
}
