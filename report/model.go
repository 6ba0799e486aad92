package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/review"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
)

// FormatVersion is the version of report.json. Readers must ignore
// fields they do not know, so fields can be added.
const FormatVersion = 1

// Report is what a review shows: the assets whose pictures change, each
// with its images before and after.
type Report struct {
	FormatVersion int `json:"format_version"`
	// Source is "plan" (what a plan will change) or "base" (what changed
	// since a git revision).
	Source string   `json:"source"`
	Base   *BaseRev `json:"base,omitempty"`
	Items  []*Item  `json:"items"`
	// Cost is what the plan's changes may cost together, when priced.
	Cost *cost.Cost `json:"cost,omitempty"`
}

// BaseRev is the revision a "base" report compares with.
type BaseRev struct {
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
}

// Status groups items for the report's filters.
type Status string

const (
	StatusNew     Status = "new"
	StatusChanged Status = "changed"
	StatusMoved   Status = "moved"
	StatusDeleted Status = "deleted"
)

// Item is one asset in the report.
type Item struct {
	Address     string `json:"address"`
	PrevAddress string `json:"previous_address,omitempty"`
	// Action is the plan's action ("create", "replace", ...), or in a
	// base report the status.
	Action string `json:"action"`
	Status Status `json:"status"`
	Kind   string `json:"kind,omitempty"`
	// Reasons say why, in the plan's words.
	Reasons []string `json:"reasons,omitempty"`
	// Diffs are the spec's changed attributes (values as JSON).
	Diffs []AttrDiff `json:"diffs,omitempty"`
	Spec  *Spec      `json:"spec,omitempty"`
	// Images is how many images a generating change may produce.
	Images int     `json:"images,omitempty"`
	Before []Image `json:"before,omitempty"`
	After  []Image `json:"after,omitempty"`
	// Pending is set when the after images are made by the apply.
	Pending bool `json:"pending,omitempty"`
	// Cost is what a planned change may cost, when the plan prices it.
	Cost *cost.Cost `json:"cost,omitempty"`
	// NeedsReview is set when the asset's current content is new since
	// the base: what plan -require-approval asks an approval for.
	NeedsReview bool `json:"needs_review,omitempty"`
}

// Spec is the asset's spec as the review shows it.
type Spec struct {
	Provider   string  `json:"provider,omitempty"`
	Model      string  `json:"model,omitempty"`
	Prompt     string  `json:"prompt"`
	Size       string  `json:"size,omitempty"`
	References []Image `json:"references,omitempty"`
	// URLs are references by URL, shown as links, never fetched.
	URLs []string `json:"reference_urls,omitempty"`
}

// Image is one picture: an output, or a reference file.
type Image struct {
	// Path is a slash path relative to the configuration directory (in a
	// base report's before images, as it was at the base revision).
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Format string `json:"format,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	// Thumb is the thumbnail's path relative to the report directory,
	// set when thumbnails are written.
	Thumb string `json:"thumbnail,omitempty"`
	// Missing is set when the file could not be read (deleted by hand).
	Missing bool `json:"missing,omitempty"`
	// Verdict is the review file's verdict on this content, if any.
	Verdict review.Verdict `json:"verdict,omitempty"`
	// Note is the reviewer's note with the verdict.
	Note string `json:"note,omitempty"`

	// read returns the image's bytes; nil when there is nothing to read.
	read func(context.Context) ([]byte, error)
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// Current are the images a reviewer approves: what the asset's outputs
// are now, or will be after an apply that only moves or updates it.
func (it *Item) Current() []Image {
	if it.Pending || it.Status == StatusDeleted {
		return nil
	}
	return it.After
}

// Side is one state of a configuration's outputs: a lock and the output
// directory its paths are relative to, and how to read its files.
type Side struct {
	Lock *lockfile.Lock
	// OutputDir is a slash path relative to the configuration directory.
	OutputDir string
	// Read returns a file's bytes; rel is relative to the configuration directory.
	Read func(ctx context.Context, rel string) ([]byte, error)
}

// outputImages are an entry's outputs as images readable from s.
func (s Side) outputImages(e *lockfile.Entry) []Image {
	out := make([]Image, len(e.Outputs))
	for i, o := range e.Outputs {
		rel := path.Join(s.OutputDir, o.Path)
		out[i] = Image{Path: rel, SHA256: o.SHA256, Width: o.Width, Height: o.Height, Format: o.Format, Bytes: o.Bytes,
			read: func(ctx context.Context) ([]byte, error) { return s.Read(ctx, rel) }}
	}
	return out
}

// DiskReader reads files of the configuration directory dir.
func DiskReader(dir string) func(context.Context, string) ([]byte, error) {
	return func(_ context.Context, rel string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	}
}

// WorkspaceSide is the state of ws's outputs on disk.
func WorkspaceSide(ws *pipeline.Workspace) Side {
	dir := ws.Config.OutputDir
	if ws.Lock.OutputDir != "" {
		dir = ws.Lock.OutputDir
	}
	return Side{Lock: ws.Lock, OutputDir: dir, Read: DiskReader(ws.Dir)}
}

// RevSide is the state of the outputs at a git revision; outputDir is the
// one to assume when the lock there does not record it.
func RevSide(ctx context.Context, rev *Rev, outputDir string) (Side, error) {
	lock := lockfile.NewLock()
	b, err := rev.ReadFile(ctx, lockfile.FileName)
	switch {
	case err == nil:
		if lock, err = lockfile.ParseLock(lockfile.FileName+" at "+rev.Ref, b); err != nil {
			return Side{}, err
		}
	case !isNotExist(err):
		return Side{}, err
	}
	if lock.OutputDir != "" {
		outputDir = lock.OutputDir
	}
	return Side{Lock: lock, OutputDir: outputDir, Read: rev.ReadFile}, nil
}

// AttrDiff is one changed attribute: its old and new values, as JSON.
type AttrDiff struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// sensitiveJSON stands for a sensitive value: the report never holds one.
const sensitiveJSON = `"(sensitive value)"`

// attrDiffs keeps the attributes that changed (a new asset's have no old
// value and force nothing), a sensitive one without its values.
func attrDiffs(attrs []pipeline.AttrChange) []AttrDiff {
	var out []AttrDiff
	for _, a := range attrs {
		switch {
		case a.Sensitive && a.ForcesReplacement:
			out = append(out, AttrDiff{Name: a.Name, Old: sensitiveJSON, New: sensitiveJSON})
		case a.Before != nil:
			out = append(out, AttrDiff{Name: a.Name, Old: string(a.Before), New: string(a.After)})
		}
	}
	return out
}

// FromPlan is the report of what p will change in ws.
func FromPlan(ws *pipeline.Workspace, p *pipeline.Plan) *Report {
	r := &Report{FormatVersion: FormatVersion, Source: "plan", Items: []*Item{}}
	for _, c := range p.Changes {
		if c.Action == pipeline.NoOp {
			continue
		}
		d := c.Info()
		it := &Item{Address: c.Addr, PrevAddress: d.PrevAddr, Action: string(c.Action), Kind: string(c.Kind),
			Reasons: d.Reasons, Diffs: attrDiffs(d.Attrs), Images: c.Images}
		it.Cost = d.Cost
		it.Before = CurrentFiles(ws, c)
		markMissing(ws.Dir, it.Before)
		switch c.Action {
		case pipeline.Create, pipeline.Replace, pipeline.Recover, pipeline.Accept:
			it.Pending = true
		case pipeline.Move:
			it.After = movedImages(it.Before, d.Moves, ws.Config.OutputDir)
		case pipeline.Update:
			it.After = it.Before
		}
		it.Status = planStatus(c, it)
		if a := ws.Config.Asset(c.Addr); a != nil && c.Action != pipeline.Delete {
			it.Spec = assetSpec(ws, a)
		}
		r.Items = append(r.Items, it)
	}
	if total := p.Summary().Cost; total.ImagesMax > 0 || total.MoneyText() != "" {
		r.Cost = &total
	}
	return r
}

// CurrentFiles are the files an asset has now, before the change c: its
// recorded outputs under the address it moves from, if it moves.
func CurrentFiles(ws *pipeline.Workspace, c *pipeline.Change) []Image {
	addr := c.Addr
	if prev := c.Info().PrevAddr; prev != "" {
		addr = prev
	}
	e := ws.Lock.Assets[addr]
	if e == nil {
		return nil
	}
	return WorkspaceSide(ws).outputImages(e)
}

func planStatus(c *pipeline.Change, it *Item) Status {
	switch c.Action {
	case pipeline.Delete:
		return StatusDeleted
	case pipeline.Move:
		return StatusMoved
	case pipeline.Create:
		if len(it.Before) == 0 {
			return StatusNew
		}
	}
	return StatusChanged
}

// movedImages are the images of a move at their new paths.
func movedImages(before []Image, moves []pipeline.FileMove, outputDir string) []Image {
	after := slices.Clone(before)
	for i := range after {
		for _, mv := range moves {
			if mv.SHA256 == after[i].SHA256 {
				after[i].Path = path.Join(outputDir, mv.To)
			}
		}
	}
	return after
}

// markMissing flags the images whose files are not on disk.
func markMissing(dir string, imgs []Image) {
	for i := range imgs {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(imgs[i].Path))); err != nil {
			imgs[i].Missing = true
			imgs[i].read = nil
		}
	}
}

// assetSpec is the configured spec of a, reference files as images.
func assetSpec(ws *pipeline.Workspace, a *spec.Asset) *Spec {
	hide := func(name, v string) string {
		if slices.Contains(a.Sensitive, name) {
			return sensitiveText
		}
		return v
	}
	size, _ := a.Attrs.String("size")
	s := &Spec{Provider: a.Provider, Model: hide("model", a.Model), Prompt: hide("prompt", a.Prompt), Size: hide("size", size)}
	now := WorkspaceSide(ws)
	for _, ref := range a.References {
		switch {
		case ref.URL != "":
			s.URLs = append(s.URLs, hide("references", ref.URL))
		case ref.Asset != "":
			if e := ws.Lock.Assets[ref.Asset]; e != nil {
				s.References = append(s.References, now.outputImages(e)...)
			}
		case ref.File != "":
			file := ref.File
			read := func(ctx context.Context) ([]byte, error) { return now.Read(ctx, file) }
			if path.IsAbs(file) { // a reference outside the configuration directory
				read = func(context.Context) ([]byte, error) { return os.ReadFile(filepath.FromSlash(file)) }
			}
			s.References = append(s.References, Image{Path: file, SHA256: ref.SHA256, read: read})
		}
	}
	return s
}

// FromBase is the report of what changed between the outputs at base and
// those now: every asset whose outputs differ, moved, appeared or went.
// An asset that went from one address while one with the same outputs
// appeared at another has moved.
func FromBase(base, now Side, rev *BaseRev) *Report {
	r := &Report{FormatVersion: FormatVersion, Source: "base", Base: rev, Items: []*Item{}}
	gone := map[string]string{} // outputs digest -> base address, for those not in now
	for addr, e := range base.Lock.Assets {
		if now.Lock.Assets[addr] == nil {
			gone[contentKey(e)] = addr
		}
	}
	movedFrom := map[string]bool{}
	had := baseContent(base)
	addrs := make([]string, 0, len(now.Lock.Assets))
	for addr := range now.Lock.Assets {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		e := now.Lock.Assets[addr]
		it := &Item{Address: addr, Kind: e.Kind, After: now.outputImages(e), Spec: entrySpec(e)}
		old := base.Lock.Assets[addr]
		if old == nil {
			if from, ok := gone[contentKey(e)]; ok && !movedFrom[from] {
				movedFrom[from] = true
				it.PrevAddress, old = from, base.Lock.Assets[from]
			}
		}
		switch {
		case old == nil:
			it.Status = StatusNew
		case contentKey(old) != contentKey(e):
			it.Status = StatusChanged
		case !samePaths(base, old, now, e) || it.PrevAddress != "":
			it.Status = StatusMoved
		default:
			continue
		}
		if old != nil {
			it.Before = base.outputImages(old)
			it.Diffs = attrDiffs(pipeline.SpecDiff(old.Spec, e.Spec))
		}
		it.Action = string(it.Status)
		for _, img := range it.After {
			it.NeedsReview = it.NeedsReview || !had[img.SHA256]
		}
		r.Items = append(r.Items, it)
	}
	for addr, e := range base.Lock.Assets {
		if now.Lock.Assets[addr] == nil && !movedFrom[addr] {
			r.Items = append(r.Items, &Item{Address: addr, Kind: e.Kind, Action: string(StatusDeleted), Status: StatusDeleted,
				Before: base.outputImages(e), Spec: entrySpec(e)})
		}
	}
	sort.Slice(r.Items, func(i, j int) bool { return r.Items[i].Address < r.Items[j].Address })
	return r
}

// contentKey identifies an entry's outputs by content, in order.
func contentKey(e *lockfile.Entry) string {
	k := fmt.Sprint(len(e.Outputs))
	for _, o := range e.Outputs {
		k += ":" + o.SHA256
	}
	return k
}

func samePaths(a Side, ea *lockfile.Entry, b Side, eb *lockfile.Entry) bool {
	for i := range ea.Outputs {
		if path.Join(a.OutputDir, ea.Outputs[i].Path) != path.Join(b.OutputDir, eb.Outputs[i].Path) {
			return false
		}
	}
	return true
}

func entrySpec(e *lockfile.Entry) *Spec {
	s := &Spec{Provider: e.Provider}
	s.Model, _ = e.Spec.String(schema.AttrModel)
	s.Prompt, _ = e.Spec.String(schema.AttrPrompt)
	s.Size, _ = e.Spec.String("size")
	s.Model, s.Prompt, s.Size = recorded(s.Model), recorded(s.Prompt), recorded(s.Size)
	var refs []spec.HashedRef
	// A malformed list was refused when the lock was read.
	_, _ = e.Spec.Decode(schema.AttrReferences, &refs)
	for _, r := range refs {
		if r.URL != "" {
			s.URLs = append(s.URLs, recorded(r.URL))
		}
	}
	return s
}

// sensitiveText stands for a sensitive value on the page.
const sensitiveText = "(sensitive value)"

// recorded is a value as the lock records it, a sensitive one (kept as
// its hash) shown as such.
func recorded(v string) string {
	if spec.IsRedacted(v) {
		return sensitiveText
	}
	return v
}

// ApplyVerdicts sets each image's verdict from the review file.
func (r *Report) ApplyVerdicts(f *review.File) {
	for _, it := range r.Items {
		for _, imgs := range [][]Image{it.Before, it.After} {
			for i := range imgs {
				if a, ok := f.Approvals[imgs[i].SHA256]; ok {
					imgs[i].Verdict, imgs[i].Note = a.Verdict, a.Note
				}
			}
		}
	}
}
