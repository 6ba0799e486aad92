package spec

import (
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/seedform/seedform/schema"
)

// checkModel checks an instance against its model's rules, so that a spec
// the API would reject fails here instead of in a paid round trip.
func (s *loadState) checkModel(in *instance, byAddr map[string]*instance) {
	a := in.asset
	req := &schema.Check{Addr: a.Addr, Kind: a.Kind, Model: a.Model, MaxImages: a.MaxImages, Prompt: a.Prompt,
		OutputFormat: a.OutputFormat, ExplicitFormat: in.explicitFormat, Attrs: &a.Attrs,
		Files: s.referenceFiles(in)}
	for _, r := range a.References {
		// An upstream set contributes as many images as it may return.
		if up := byAddr[r.Asset]; up != nil && up.asset.Kind == KindImageSet {
			req.References += up.asset.MaxImages
		} else {
			req.References++
		}
		if r.URL != "" {
			req.URLs = append(req.URLs, r.URL)
		}
	}
	s.reportProblems(in, in.rules.Check(req))
	a.Common = in.blk.common(a.Model, a.OutputFormat, in.rules.PriceKey(req))
}

// checkOutputs checks that no two assets write the same file, that no
// image lands in a set's directory, that the manifest is nobody's output,
// and that no output passes through a symlink leading out of the output
// directory. Paths are compared case-insensitively: on macOS and Windows
// "Hero.png" and "hero.png" are one file.
func (s *loadState) checkOutputs(all []*instance) {
	tree := newTreeChecker(filepath.Join(s.absDir, filepath.FromSlash(s.outputDir)))
	taken := make(map[string]*instance, len(all)) // lower-cased path or dir -> owner
	for _, in := range all {
		if in.bad {
			continue
		}
		out := in.asset.Path
		if in.asset.Kind == KindImageSet {
			out = in.asset.Dir
		}
		key := strings.ToLower(out)
		if other := taken[key]; other != nil {
			s.errorf(in.pathRange, "Duplicate output path", "%s and %s both write %s.", other.asset.Addr, in.asset.Addr, describeOutput(other))
			continue
		}
		if other := ancestorIn(taken, key); other != nil {
			s.errorf(in.pathRange, "Output path inside another asset's output", "%s writes %s, which is inside %s of %s.", in.asset.Addr, describeOutput(in), describeOutput(other), other.asset.Addr)
			continue
		}
		taken[key] = in
	}
	// A second pass finds outputs that contain an output declared earlier.
	for _, in := range all {
		if in.bad {
			continue
		}
		out := in.asset.Path
		if in.asset.Kind == KindImageSet {
			out = in.asset.Dir
		}
		if other := ancestorIn(taken, strings.ToLower(out)); other != nil && taken[strings.ToLower(out)] == in {
			s.errorf(in.pathRange, "Output path inside another asset's output", "%s writes %s, which is inside %s of %s.", in.asset.Addr, describeOutput(in), describeOutput(other), other.asset.Addr)
		}
		if problem := s.checkTree(tree, in); problem != "" {
			s.errorf(in.pathRange, "Invalid output path", "The output %s %s.", describeOutput(in), problem)
		}
	}
	s.outputStats = tree.files
	if rel, ok := relativeTo(s.outputDir, s.manifest); ok {
		key := strings.ToLower(rel)
		owner := taken[key]
		if owner == nil {
			owner = ancestorIn(taken, key)
		}
		if owner != nil {
			s.errorf(owner.pathRange.Ptr(), "Output path collides with the manifest", "%s writes %s, where the manifest %s goes.", owner.asset.Addr, describeOutput(owner), s.manifest)
		}
	}
}

func (s *loadState) checkTree(tree *treeChecker, in *instance) string {
	a := in.asset
	if a.Kind == KindImage {
		return tree.check(a.Path)
	}
	if problem := tree.checkDir(a.Dir); problem != "" {
		return problem
	}
	// The pipeline names a set's files 1.<ext>, 2.<ext>, ...
	for i := 1; i <= a.MaxImages; i++ {
		if problem := tree.check(a.Dir + "/" + strconv.Itoa(i) + "." + a.OutputFormat); problem != "" {
			return problem
		}
	}
	return ""
}

// ancestorIn returns the owner of the nearest proper ancestor of p in taken.
func ancestorIn(taken map[string]*instance, p string) *instance {
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		if in := taken[d]; in != nil {
			return in
		}
	}
	return nil
}

func describeOutput(in *instance) string {
	if in.asset.Kind == KindImageSet {
		return "the directory " + strconv.Quote(in.asset.Dir)
	}
	return strconv.Quote(in.asset.Path)
}

// relativeTo returns p (relative to the config dir) relative to dir, when
// it is inside dir.
func relativeTo(dir, p string) (string, bool) {
	if dir == "." {
		return p, true
	}
	rest, ok := strings.CutPrefix(p, dir+"/")
	return rest, ok
}
