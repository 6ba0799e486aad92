package spec

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/gitlfs"
	"github.com/seedform/seedform/schema"
	"github.com/zclconf/go-cty/cty"
)

// refItem is one flattened element of a references list.
type refItem struct {
	value  string
	assets []string // addresses of the asset marks it carries
}

// evalReferences evaluates references into Reference values: an element
// carrying an asset mark is that asset's output, an http(s) URL is a URL,
// anything else a local file relative to the config dir.
func (s *loadState) evalReferences(in *instance, at *hcl.Attribute) []Reference {
	v, diags := s.attrValue(at, in.ctx)
	s.add(diags)
	if diags.HasErrors() {
		return nil
	}
	if !v.IsWhollyKnown() {
		s.reportUnknown(at)
		return nil
	}
	rng := at.Expr.Range().Ptr()
	var items []refItem
	if problem := flattenRefs(v, nil, &items); problem != "" {
		s.errorf(rng, "Invalid references", "references must be a list of strings: file paths, URLs or other assets' outputs; %s.", problem)
		return nil
	}
	// Files sent to an API are read as images by the provider type, when
	// it says how (a type that reads none only hashes them).
	prober, _ := in.blk.provider.typ.(schema.ReferenceProber)
	refs := make([]Reference, 0, len(items))
	for _, it := range items {
		if ref, ok := s.resolveRef(it, rng, prober, in.blk.provider.Type); ok {
			refs = append(refs, ref)
		}
	}
	return refs
}

// flattenRefs appends the strings of v, at any list depth, with the asset
// marks they carry; marks on a collection apply to its elements, because
// cty moves the marks of set elements to the set.
func flattenRefs(v cty.Value, inherited []string, out *[]refItem) string {
	v, marks := v.Unmark()
	addrs := inherited
	for m := range marks {
		if am, ok := m.(assetMark); ok {
			addrs = append(slices.Clip(addrs), am.addr)
		}
	}
	ty := v.Type()
	switch {
	case v.IsNull():
		return "it holds a null value"
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if problem := flattenRefs(e, addrs, out); problem != "" {
				return problem
			}
		}
	case ty == cty.String:
		*out = append(*out, refItem{value: v.AsString(), assets: addrs})
	default:
		return "it holds " + friendly(v)
	}
	return ""
}

func (s *loadState) resolveRef(it refItem, rng *hcl.Range, prober schema.ReferenceProber, typ string) (Reference, bool) {
	if len(it.assets) > 0 {
		sort.Strings(it.assets)
		for _, addr := range it.assets {
			if s.outputOwner[addr] == it.value {
				return Reference{Asset: addr}, true
			}
		}
		s.errorf(rng, "Invalid asset reference", "The value %q is derived from the output of %s but is not an output path; use image.NAME.file or image_set.NAME.files as they are.", it.value, strings.Join(it.assets, ", "))
		return Reference{}, false
	}
	lower := strings.ToLower(it.value)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return Reference{URL: it.value}, true
	}
	p := it.value
	rel, sum, ok := s.localFile(p, "reference image", rng)
	if !ok {
		return Reference{}, false
	}
	if prober != nil && !s.probeReference(prober, typ, p, rel, rng) {
		return Reference{}, false
	}
	return Reference{File: rel, SHA256: sum}, true
}

// localFile resolves p, a file the request sends (what names it), to its
// slash path relative to the config dir and its content's sha256.
func (s *loadState) localFile(p, what string, rng *hcl.Range) (rel, sum string, ok bool) {
	if strings.ContainsRune(p, '\\') {
		s.errorf(rng, "Invalid reference file", "The path %q contains a backslash; use forward slashes.", p)
		return "", "", false
	}
	rel = path.Clean(p)
	if filepath.IsAbs(p) {
		if r, err := filepath.Rel(s.absDir, p); err == nil {
			rel = filepath.ToSlash(r)
		}
	}
	if owner := s.outputAt(rel); owner != "" {
		s.errorf(rng, "Reference to an output by path", "%q is the output of %s; refer to it as an asset (image.NAME.file or image_set.NAME.files) so that it is generated first and tracked.", p, owner)
		return "", "", false
	}
	if ptr, ok, _ := gitlfs.ReadFile(s.configPath(p)); ok {
		s.errorf(rng, "File not fetched from Git LFS",
			"The %s %q is a %s, not the file itself: the checkout was made without Git LFS. Fetch it with %s (in GitHub Actions, actions/checkout with lfs: true) and run again.",
			what, p, ptr, lfsPullCommand(s.configPath(p)))
		return "", "", false
	}
	sum, err := s.hashFile(s.configPath(p))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.errorf(rng, "Reference file not found", "The %s %q does not exist (paths are relative to the configuration directory).", what, p)
		return "", "", false
	case err != nil:
		s.errorf(rng, "Invalid reference file", "The %s %q cannot be read: %s.", what, p, err)
		return "", "", false
	}
	return rel, sum, true
}

// lfsPullCommand is the command that fetches the file abs: git lfs pull
// with --include relative to the repository's top folder, where the
// command is run from.
func lfsPullCommand(abs string) string {
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			rel, err := filepath.Rel(dir, abs)
			if err != nil {
				break
			}
			return "git lfs pull --include=" + shellQuoted(filepath.ToSlash(rel)) + " in " + dir
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "git lfs pull"
}

// shellQuoted quotes a path for a shell line when it needs it.
func shellQuoted(p string) string {
	if strings.ContainsAny(p, " '\"$`\\*?[]{}()<>|&;#~!") {
		return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
	}
	return p
}

// refImageKey names a reference file as one provider type read it.
type refImageKey struct{ typ, rel string }

// refImage is a probed reference file: what it is, or why it was refused.
type refImage struct {
	file schema.ReferenceFile
	err  error
}

// probeReference has the provider type read the file p (rel from the
// config dir) once, and keeps what it is for the model's own checks.
func (s *loadState) probeReference(prober schema.ReferenceProber, typ, p, rel string, rng *hcl.Range) bool {
	key := refImageKey{typ, rel}
	img, ok := s.refImages[key]
	if !ok {
		img.file, img.err = prober.ProbeReference(s.configPath(p))
		img.file.Path = rel
		s.refImages[key] = img
	}
	if img.err != nil {
		s.errorf(rng, "Invalid reference image", "The reference image %q cannot be sent to the %s API: %s.", p, typ, img.err)
		return false
	}
	return true
}

// referenceFiles are the probed local reference files of an instance.
func (s *loadState) referenceFiles(in *instance) []schema.ReferenceFile {
	var out []schema.ReferenceFile
	for _, r := range in.asset.References {
		if img, ok := s.refImages[refImageKey{in.blk.provider.Type, r.File}]; ok && r.File != "" && img.err == nil {
			out = append(out, img.file)
		}
	}
	return out
}

// outputAt returns the asset whose output is rel (a slash path relative to
// the config dir) or contains it, or "".
func (s *loadState) outputAt(rel string) string {
	for p := rel; p != "." && p != "/" && p != ".."; p = path.Dir(p) {
		if owner := s.outputPaths[p]; owner != "" {
			return owner
		}
	}
	return ""
}
