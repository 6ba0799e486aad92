package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
)

// Action is what apply will do to one asset.
type Action string

const (
	NoOp    Action = "no-op"
	Create  Action = "create"  // generate: no usable output yet
	Replace Action = "replace" // regenerate: the spec changed, or -replace
	Update  Action = "update"  // rewrite the manifest entry only (meta)
	Move    Action = "move"    // rename files and/or the lock entry, no request
	Delete  Action = "delete"  // remove files and the lock entry
	Recover Action = "recover" // finish a paid answer kept in staging, no request
	Accept  Action = "accept"  // record hand-edited outputs as they are (-refresh-only)
)

// Generates reports whether the action sends a request to a provider.
func (a Action) Generates() bool { return a == Create || a == Replace }

// CallsProvider reports whether the action needs its provider: to
// generate, or to download what a recovered answer still lacks.
func (a Action) CallsProvider() bool { return a.Generates() || a == Recover }

// Change is the planned action for one asset address.
type Change struct {
	Addr   string    `json:"address"`
	Action Action    `json:"action"`
	Kind   spec.Kind `json:"kind"`
	// Images is how many images a generating action may produce.
	Images int `json:"images,omitempty"`
	// SpecHash is the effective hash, "" when it depends on an upstream
	// asset that is regenerated first (known after apply).
	SpecHash string `json:"spec_hash,omitempty"`
	Provider string `json:"provider,omitempty"`
	// Details are the rest; nil on a no-op with nothing more to say, which
	// is what most changes of a large config are: a change with all of
	// them took 288 bytes, a third of the live heap of planning 100,000
	// up-to-date assets. Read them with Info, which never returns nil;
	// embedded, so that a change encodes as it did.
	*Details
}

// Details are the parts of a Change that only a change that does
// something (or has drift to show) sets.
type Details struct {
	// PrevAddr is the lock address the entry moves from (moved block or rename).
	PrevAddr string `json:"previous_address,omitempty"`
	// Reasons say why, in words.
	Reasons []string `json:"reasons,omitempty"`
	// Cause is why a replace or a delete is planned, for readers that
	// know Terraform's reasons.
	Cause Cause `json:"cause,omitempty"`
	// Attrs are every attribute of a new asset, and the changed ones of
	// any other, in the order a plan shows them.
	Attrs []AttrChange `json:"attributes,omitempty"`
	// Files are the files the change writes or removes, and the outputs
	// edited by hand it leaves alone.
	Files []PlannedFile `json:"files,omitempty"`
	// Moves are the file renames a move (or a path change) makes.
	Moves []FileMove `json:"moves,omitempty"`
	// Drift lists outputs edited by hand; they are left alone unless
	// the asset is replaced (-replace) or accepted (-refresh-only).
	Drift []string `json:"drift,omitempty"`
	// Cost is what the change may cost; nil on a no-op.
	Cost            *cost.Cost `json:"cost,omitempty"`
	KnownAfterApply bool       `json:"known_after_apply,omitempty"`
	// RefsRenamed is set when an asset this one references is renamed in
	// the same plan: the lock records the reference under the new name.
	RefsRenamed bool `json:"references_renamed,omitempty"`
	// MetaChanged is set when the manifest entry must be rewritten.
	MetaChanged bool `json:"meta_changed,omitempty"`
	// Overwrite is set when the user asked for the asset to be replaced
	// (-replace): apply may then overwrite a file at its output paths
	// that seedform did not write.
	Overwrite bool `json:"overwrite,omitempty"`
	// InTheWay names the files (relative to the config directory) at the
	// output paths of a generating change that seedform did not write or
	// that were edited by hand: apply overwrites them only with -replace.
	InTheWay []string `json:"in_the_way,omitempty"`
}

// Info returns c's details, the zero Details when it has none. They are
// a copy: set them through c.Details.
func (c *Change) Info() Details {
	if c.Details == nil {
		return Details{}
	}
	return *c.Details
}

// Edit returns c's details to set, adding them if c has none.
func (c *Change) Edit() *Details {
	if c.Details == nil {
		c.Details = &Details{}
	}
	return c.Details
}

// IsZero reports whether d says nothing: a change needs no Details then.
// A slice set empty still counts, as it did when it was the change's own.
func (d *Details) IsZero() bool {
	return d.PrevAddr == "" && d.Reasons == nil && d.Cause == "" && d.Attrs == nil && d.Files == nil &&
		d.Moves == nil && d.Drift == nil && d.Cost == nil && !d.KnownAfterApply && !d.RefsRenamed &&
		!d.MetaChanged && !d.Overwrite && d.InTheWay == nil
}

// Cause is why a replace or a delete is planned.
type Cause string

const (
	CauseRequested    Cause = "requested"     // -replace
	CauseCannotUpdate Cause = "cannot_update" // an attribute or an upstream output changed
	CauseNoConfig     Cause = "no_config"     // its block is gone
	CauseNoKey        Cause = "no_key"        // its block no longer has its for_each key
	CauseNoIndex      Cause = "no_index"      // its block's count no longer reaches its index
	CauseRepetition   Cause = "repetition"    // its block gained or lost count/for_each
)

// DropAttrs frees each change's attribute diffs, which only showing the
// plan reads: a command calls it once the plan is shown, before it
// applies. At 10,000 new assets they were a sixth of what the apply held.
func (p *Plan) DropAttrs() {
	for _, c := range p.Changes {
		if c.Details != nil {
			c.Details.Attrs = nil
		}
	}
}

// ForcedBy names the changed attributes that force a replacement.
func (c *Change) ForcedBy() []string { return forcedBy(c.Info().Attrs) }

func forcedBy(attrs []AttrChange) []string {
	var out []string
	for _, a := range attrs {
		if a.ForcesReplacement && a.Before != nil || a.ForcesReplacement && a.Sensitive {
			out = append(out, a.Name)
		}
	}
	return out
}

// FileAction is what a change does to one file.
type FileAction string

const (
	FileWrite  FileAction = "write"  // generated, or recovered from staging
	FileRemove FileAction = "remove" // deleted with its asset
	FileKeep   FileAction = "keep"   // edited by hand, left alone
)

// PlannedFile is one file a change touches, relative to the config
// directory. An image set's files are listed up to max_images: the model
// decides how many come back.
type PlannedFile struct {
	Action FileAction `json:"action"`
	Path   string     `json:"path"`
}

// FileMove is one output file renamed, paths relative to the output directory.
type FileMove struct {
	From string `json:"from"`
	To   string `json:"to"`
	// SHA256 is the file's recorded content: a move never takes or
	// leaves anything else.
	SHA256 string `json:"sha256"`
	// Done is set when an interrupted apply already moved the file and
	// only the lock is left to record it.
	Done bool `json:"done,omitempty"`
}

// Plan is the set of changes apply will make, and what it was made from.
type Plan struct {
	// ConfigDigest and LockDigest identify the config and lock the plan was
	// made from; a saved plan is refused when either changed.
	ConfigDigest string    `json:"config_digest"`
	LockDigest   string    `json:"lock_digest"`
	Changes      []*Change `json:"changes"`
	// Options are the plan's flags, kept so that a saved plan is re-made
	// exactly the same way at apply time.
	Options Options `json:"options"`
	// OrphanTemps are leftover temp files from an interrupted run; apply removes them.
	OrphanTemps []string `json:"orphan_temps,omitempty"`
	// Deferred are the addresses whose changes -refresh-only leaves out.
	Deferred []string `json:"deferred,omitempty"`
}

// Options are the flags that shape a plan.
type Options struct {
	Targets     []string `json:"targets,omitempty"`
	Replace     []string `json:"replace,omitempty"`
	RefreshOnly bool     `json:"refresh_only,omitempty"`
	Destroy     bool     `json:"destroy,omitempty"`
	Vars        []string `json:"vars,omitempty"`
	VarFiles    []string `json:"var_files,omitempty"`
	// VarArgs are Vars and VarFiles in command-line order, in which they
	// apply; a plan saved without them applies VarFiles, then Vars.
	VarArgs []spec.VarArg `json:"var_args,omitempty"`
}

// Summary counts a plan's changes.
type Summary struct {
	Generate, GenerateImages int
	Regenerate, RegenImages  int
	Update, Move, Delete     int
	Recover, Accept, Drift   int
	// GenerateCost and RegenCost are what the generations and the
	// regenerations may cost; Cost is the whole plan's.
	GenerateCost, RegenCost, Cost cost.Cost
}

// Summary counts the changes of p.
func (p *Plan) Summary() Summary {
	var s Summary
	var gen, regen, all []cost.Cost
	for _, c := range p.Changes {
		d := c.Info()
		if d.Cost != nil {
			all = append(all, *d.Cost)
		}
		switch c.Action {
		case Create:
			s.Generate++
			s.GenerateImages += c.Images
			if d.Cost != nil {
				gen = append(gen, *d.Cost)
			}
		case Replace:
			s.Regenerate++
			s.RegenImages += c.Images
			if d.Cost != nil {
				regen = append(regen, *d.Cost)
			}
		case Update:
			s.Update++
		case Move:
			s.Move++
		case Delete:
			s.Delete++
		case Recover:
			s.Recover++
		case Accept:
			s.Accept++
		}
		if len(d.Drift) > 0 && c.Action == NoOp {
			s.Drift++
		}
	}
	s.GenerateCost, s.RegenCost, s.Cost = cost.Total(gen), cost.Total(regen), cost.Total(all)
	return s
}

// HasChanges reports whether applying p would change anything.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp {
			return true
		}
	}
	return len(p.OrphanTemps) > 0
}

// Drifted reports whether an output was edited by hand. Drift changes
// nothing on its own, but the outputs no longer match the lock: the CI
// check (plan -detailed-exitcode) must not pass over it.
func (p *Plan) Drifted() bool {
	for _, c := range p.Changes {
		if len(c.Info().Drift) > 0 {
			return true
		}
	}
	return false
}

// Change returns the change for addr, or nil.
func (p *Plan) Change(addr string) *Change {
	i := sort.Search(len(p.Changes), func(i int) bool { return p.Changes[i].Addr >= addr })
	if i < len(p.Changes) && p.Changes[i].Addr == addr {
		return p.Changes[i]
	}
	return nil
}

// outputsDigest identifies an asset's output content: what a dependent's
// hash folds in.
func outputsDigest(outs []lockfile.Output) string {
	if len(outs) == 1 {
		return outs[0].SHA256
	}
	h := sha256.New()
	for _, o := range outs {
		h.Write([]byte(o.SHA256))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// effectiveHash folds the content of upstream assets into a spec hash, so
// that a regenerated dependency makes its dependents' hashes change.
func effectiveHash(specHash string, upstream map[string]string) string {
	if len(upstream) == 0 {
		return specHash
	}
	keys := make([]string, 0, len(upstream))
	for k := range upstream {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(specHash)
	for _, k := range keys {
		b.WriteString("\n" + k + "=" + upstream[k])
	}
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ErrStalePlan is returned when a saved plan no longer matches the config,
// the lock or the outputs it was made from.
var ErrStalePlan = errors.New("saved plan is stale")

// CheckSaved compares a saved plan with one made now from the same
// options: the config, the lock and the outputs must be as they were.
func CheckSaved(saved, now *Plan) error {
	if err := CheckSavedInputs(saved, now); err != nil {
		return err
	}
	a, _ := json.Marshal(saved.Changes)
	b, _ := json.Marshal(now.Changes)
	if !bytes.Equal(a, b) {
		return fmt.Errorf("%w: the outputs on disk changed since the plan was made; make a new plan", ErrStalePlan)
	}
	return nil
}

// CheckSavedInputs is CheckSaved of the config and the lock alone: what a
// shard checks, whose outputs an earlier run of the same shard may have
// changed (a sharded apply never writes the lock).
func CheckSavedInputs(saved, now *Plan) error {
	switch {
	case saved.ConfigDigest != now.ConfigDigest:
		return fmt.Errorf("%w: the configuration (or a variable, or a reference file) changed since the plan was made; make a new plan", ErrStalePlan)
	case saved.LockDigest != now.LockDigest:
		return fmt.Errorf("%w: %s changed since the plan was made (another apply ran?); make a new plan", ErrStalePlan, lockfile.FileName)
	}
	return nil
}
