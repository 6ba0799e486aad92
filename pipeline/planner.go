package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/spec"
)

// MakePlan compares the config with the lock and the files on disk and
// decides an action for every address. It reads files but changes nothing.
func MakePlan(ws *Workspace, opts Options) (*Plan, hcl.Diagnostics) {
	p := &planner{ws: ws, opts: opts, regen: map[string]bool{}, claimed: map[string]bool{},
		assets: make(map[string]*spec.Asset, len(ws.Config.Assets))}
	for _, a := range ws.Config.Assets {
		p.assets[a.Addr] = a
	}
	return p.plan()
}

type planner struct {
	ws      *Workspace
	opts    Options
	assets  map[string]*spec.Asset
	diags   hcl.Diagnostics
	regen   map[string]bool   // addresses that will be (re)generated
	claimed map[string]bool   // lock addresses matched to a config asset
	prev    map[string]string // config address -> lock address it moves from
	renames map[string]string // the reverse of prev, made on first use
	files   map[string]fileState
}

func (p *planner) plan() (*Plan, hcl.Diagnostics) {
	cfg, lock := p.ws.Config, p.ws.Lock
	plan := &Plan{
		FormatVersion: PlanFormatVersion,
		ConfigDigest:  cfg.Digest,
		LockDigest:    p.ws.LockDigest,
		Options:       p.opts,
	}
	p.checkAddrs(p.opts.Targets, "-target", true)
	p.checkAddrs(p.opts.Replace, "-replace", false)
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	p.matchMoves()
	p.files = p.checkFiles()

	if p.opts.Destroy {
		for addr, e := range lock.Assets {
			plan.Changes = append(plan.Changes, p.deleteChange(addr, e))
		}
	} else {
		for _, a := range topoOrder(cfg.Assets) {
			plan.Changes = append(plan.Changes, p.assetChange(a))
		}
		for addr, e := range lock.Assets {
			if !p.claimed[addr] {
				plan.Changes = append(plan.Changes, p.deleteChange(addr, e))
			}
		}
	}
	sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Addr < plan.Changes[j].Addr })
	if len(p.opts.Targets) > 0 {
		plan.Changes = p.targeted(plan.Changes)
	}
	if p.opts.RefreshOnly {
		// As Terraform's: record the outputs as they are, change nothing.
		for _, c := range plan.Changes {
			if c.Action != Accept {
				c.Action, c.Reasons, c.Moves, c.ForcedBy, c.Diffs = NoOp, nil, nil, nil, nil
			}
		}
	}
	for _, c := range plan.Changes {
		p.checkPreventDestroy(c)
	}
	priceChanges(plan, p.ws.Config)
	plan.OrphanTemps = p.ws.Staging.Orphans()
	for _, c := range plan.Changes {
		// A staged answer for an asset that is not being generated is
		// left over (recorded already, or its spec changed since).
		if c.Action != Recover && p.ws.Staging.Answer(c.Addr) != nil {
			plan.OrphanTemps = append(plan.OrphanTemps, p.ws.Staging.Dir(c.Addr))
		}
	}
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	return plan, p.diags
}

// checkAddrs makes sure every -target/-replace address names something.
func (p *planner) checkAddrs(addrs []string, flag string, allowBlock bool) {
	for _, addr := range addrs {
		if p.assets[addr] != nil || p.ws.Lock.Assets[addr] != nil {
			continue
		}
		if allowBlock && p.matchesBlock(addr) {
			continue
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown address",
			Detail:   fmt.Sprintf("%s=%s names no asset in the configuration or the lock.", flag, addr),
		})
	}
}

func (p *planner) matchesBlock(block string) bool {
	for _, a := range p.ws.Config.Assets {
		if inBlock(a.Addr, block) {
			return true
		}
	}
	for addr := range p.ws.Lock.Assets {
		if inBlock(addr, block) {
			return true
		}
	}
	return false
}

// inBlock reports whether addr is block itself or one of its instances.
func inBlock(addr, block string) bool {
	return addr == block || (strings.HasPrefix(addr, block) && addr[len(block)] == '[')
}

// matchMoves pairs config addresses with lock entries under other
// addresses: first from moved blocks, then by identical spec hash.
func (p *planner) matchMoves() {
	cfg, lock := p.ws.Config, p.ws.Lock
	p.prev = map[string]string{}
	inConfig := make(map[string]bool, len(cfg.Assets))
	for _, a := range cfg.Assets {
		inConfig[a.Addr] = true
		if lock.Assets[a.Addr] != nil {
			p.claimed[a.Addr] = true
		}
	}
	claim := func(to, from string) {
		p.prev[to] = from
		p.claimed[from] = true
	}
	for _, m := range cfg.Moved {
		for from := range lock.Assets {
			if !inBlock(from, m.From) || p.claimed[from] || inConfig[from] {
				continue
			}
			to := m.To + from[len(m.From):]
			if inConfig[to] && lock.Assets[to] == nil && p.prev[to] == "" {
				claim(to, from)
			}
		}
	}
	// A renamed block: an orphaned entry generated from the very same spec.
	orphans := map[string][]string{}
	for addr, e := range lock.Assets {
		if !inConfig[addr] && !p.claimed[addr] {
			h := e.Spec.Hash()
			orphans[h] = append(orphans[h], addr)
		}
	}
	for _, cands := range orphans {
		sort.Strings(cands)
	}
	for _, a := range cfg.Assets {
		if lock.Assets[a.Addr] != nil || p.prev[a.Addr] != "" {
			continue
		}
		cands := orphans[a.SpecHash]
		for i, from := range cands {
			if !p.claimed[from] && lock.Assets[from].Kind == string(a.Kind) {
				claim(a.Addr, from)
				orphans[a.SpecHash] = slices.Delete(cands, i, i+1)
				break
			}
		}
	}
}

// fileState is what the disk holds for one recorded output.
type fileState int

const (
	fileOK fileState = iota
	fileMissing
	fileEdited
)

// checkFiles compares every recorded output with the disk, hashing only
// files whose size and modification time the stat cache does not know.
func (p *planner) checkFiles() map[string]fileState {
	var outs []lockfile.Output
	for _, e := range p.ws.Lock.Assets {
		outs = append(outs, e.Outputs...)
	}
	states := make(map[string]fileState, len(outs))
	var mu sync.Mutex
	work := make(chan lockfile.Output)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range work {
				st := p.fileState(o)
				mu.Lock()
				states[o.Path] = st
				mu.Unlock()
			}
		}()
	}
	for _, o := range outs {
		work <- o
	}
	close(work)
	wg.Wait()
	return states
}

func (p *planner) fileState(o lockfile.Output) fileState {
	name := p.ws.RecordedPath(o.Path)
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() {
		return fileMissing
	}
	if fi.Size() != o.Bytes {
		return fileEdited
	}
	sum, err := p.ws.Stat.Sum(name, fi)
	if err != nil {
		return fileMissing
	}
	if sum != o.SHA256 {
		return fileEdited
	}
	return fileOK
}

// movedFile finds a recorded output that is not at its recorded place
// because an apply moving it was interrupted before recording the move:
// it is either where the config wants it (done is true) or parked out of
// the way of a cycle of moves (from is the parking place).
func (p *planner) movedFile(o lockfile.Output, want string) (from string, done, ok bool) {
	if name := p.ws.OutputPath(want); name != p.ws.RecordedPath(o.Path) && p.ws.hasHash(name, o.SHA256) {
		return "", true, true
	}
	if park := parkingPath(o.SHA256); p.ws.hasHash(p.ws.ConfigPath(park), o.SHA256) {
		return park, false, true
	}
	return "", false, false
}

// hasHash reports whether the file name holds the bytes whose sha256 is
// sha, asking the stat cache before hashing.
func (ws *Workspace) hasHash(name, sha string) bool {
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	sum, err := ws.Stat.Sum(name, fi)
	return err == nil && sum == sha
}

// assetChange decides the action for one config asset. Assets come in
// dependency order, so p.regen already knows about every upstream asset.
func (p *planner) assetChange(a *spec.Asset) *Change {
	c := &Change{Addr: a.Addr, Kind: a.Kind, Provider: a.Provider, Images: imageCount(a), PrevAddr: p.prev[a.Addr]}
	c.Overwrite = slices.Contains(p.opts.Replace, a.Addr)
	lockAddr := a.Addr
	if c.PrevAddr != "" {
		lockAddr = c.PrevAddr
	}
	e := p.ws.Lock.Assets[lockAddr]

	upstream, known := p.upstream(a)
	if known {
		c.SpecHash = effectiveHash(a.SpecHash, upstream)
	} else {
		c.KnownAfterApply = true
	}
	generate := func(act Action, reason string) *Change {
		c.Action = act
		c.Reasons = append(c.Reasons, reason)
		p.regen[a.Addr] = true
		var staged *StagedAnswer
		if c.SpecHash != "" && p.ws.Staging.Has(a.Addr, c.SpecHash) {
			// Paid for by an interrupted apply: finish it, no request.
			c.Action = Recover
			c.Reasons = append(c.Reasons, "a paid answer from an interrupted apply is kept in staging")
			staged = p.ws.Staging.Answer(a.Addr)
		}
		if c.InTheWay = p.ws.filesInTheWay(a, e, staged); len(c.InTheWay) > 0 && !c.Overwrite {
			c.Reasons = append(c.Reasons, fmt.Sprintf("%s: not written by seedform, or edited by hand; apply will not overwrite it: move it away, or -replace=%s overwrites it",
				strings.Join(c.InTheWay, ", "), a.Addr))
		}
		return c
	}
	if e == nil {
		return generate(Create, "not yet generated")
	}
	if slices.Contains(p.opts.Replace, a.Addr) {
		return generate(Replace, "replacement requested with -replace")
	}
	// An upstream asset renamed in this plan is the same content under a
	// new address: compare what the lock recorded under the new names.
	recorded, recordedUp, renamed := renameRefs(e, p.renamed())
	c.RefsRenamed = renamed
	forced := changedAttrs(recorded, a.HashInput(), a.Lifecycle.IgnoreChanges)
	for _, dep := range a.DependsOn {
		if p.regen[dep] {
			c.ForcedBy = append(c.ForcedBy, "references")
			return generate(Replace, fmt.Sprintf("%s will be regenerated first (known after apply)", dep))
		}
	}
	if len(forced) > 0 {
		c.Diffs = forced
		for _, d := range forced {
			c.ForcedBy = append(c.ForcedBy, d.Name)
		}
		return generate(Replace, strings.Join(c.ForcedBy, ", ")+" changed")
	}
	if known && !sameUpstream(recordedUp, upstream) {
		c.ForcedBy = []string{"references"}
		return generate(Replace, "an upstream asset's output changed")
	}
	want := outputFiles(a, len(e.Outputs))
	oldDir, newDir := p.ws.recordedOutputDir(), p.ws.Config.OutputDir
	for i, o := range e.Outputs {
		mv := FileMove{From: path.Join(oldDir, o.Path), To: path.Join(newDir, want[i]), SHA256: o.SHA256}
		st := p.files[o.Path]
		if st != fileOK {
			// Moved by an interrupted apply: finish or record the move,
			// neither drift nor a reason to pay again.
			if from, done, ok := p.movedFile(o, want[i]); ok {
				mv.Done = done
				if !done {
					mv.From = from
				}
				c.Moves = append(c.Moves, mv)
				continue
			}
		}
		switch st {
		case fileMissing:
			return generate(Create, fmt.Sprintf("output %s is missing", o.Path))
		case fileEdited:
			c.Drift = append(c.Drift, o.Path)
			// The edit moves with the file, and stays drift at its new
			// place: the move checks the content it was planned with.
			if sum, _, err := lockfile.HashFile(p.ws.RecordedPath(o.Path)); err == nil {
				mv.SHA256 = sum
			}
		}
		if mv.From != mv.To {
			c.Moves = append(c.Moves, mv)
		}
	}
	// Nothing forces a request: the remaining changes are local.
	if c.SpecHash == "" || e.SpecHash != c.SpecHash {
		// Only ignored attributes differ: keep what the lock has.
		c.SpecHash = e.SpecHash
	}
	c.MetaChanged = !p.manifestCurrent(a, lockAddr, e, want)
	if c.PrevAddr != "" || len(c.Moves) > 0 {
		// A move rewrites the manifest entry anyway: say "meta" only when
		// the meta itself changed.
		c.MetaChanged = !p.metaCurrent(a, lockAddr)
	}
	lifecycleChanged := e.PreventDestroy != a.Lifecycle.PreventDestroy
	switch {
	case len(c.Drift) > 0 && p.opts.RefreshOnly:
		c.Action = Accept
		c.Reasons = append(c.Reasons, "outputs edited by hand are accepted as they are")
	case c.PrevAddr != "" || len(c.Moves) > 0:
		c.Action = Move
		if c.PrevAddr != "" {
			c.Reasons = append(c.Reasons, "moved from "+c.PrevAddr)
		}
		if len(c.Moves) > 0 {
			c.Reasons = append(c.Reasons, "output path changed")
		}
	case c.MetaChanged:
		c.Action = Update
		c.Reasons = append(c.Reasons, "manifest entry out of date (meta)")
	case c.RefsRenamed:
		c.Action = Update
		c.Reasons = append(c.Reasons, "references a renamed asset")
	case lifecycleChanged:
		// The lock keeps prevent_destroy so that removing the block is
		// still refused: it must follow the config.
		c.Action = Update
		c.Reasons = append(c.Reasons, fmt.Sprintf("lifecycle.prevent_destroy changes to %v", a.Lifecycle.PreventDestroy))
	default:
		c.Action = NoOp
	}
	if len(c.Drift) > 0 && c.Action != Accept {
		c.Reasons = append(c.Reasons, "outputs edited by hand are left alone: -replace="+a.Addr+" regenerates, -refresh-only accepts the edit")
	}
	return c
}

// upstream returns the output digest of each upstream asset from the
// lock, and false when one will be regenerated first.
func (p *planner) upstream(a *spec.Asset) (map[string]string, bool) {
	if len(a.DependsOn) == 0 {
		return nil, true
	}
	up := make(map[string]string, len(a.DependsOn))
	for _, dep := range a.DependsOn {
		lockAddr := dep
		if prev := p.prev[dep]; prev != "" {
			lockAddr = prev // renamed in this plan: recorded under its old address
		}
		e := p.ws.Lock.Assets[lockAddr]
		if p.regen[dep] || e == nil {
			return nil, false
		}
		up[dep] = outputsDigest(e.Outputs)
	}
	return up, true
}

// renamed maps each lock address that moves in this plan to its new one.
func (p *planner) renamed() map[string]string {
	if p.renames == nil {
		p.renames = make(map[string]string, len(p.prev))
		for to, from := range p.prev {
			p.renames[from] = to
		}
	}
	return p.renames
}

// renameRefs returns e's recorded spec and upstream digests with asset
// addresses renamed as in renames, and whether any was.
func renameRefs(e *lockfile.Entry, renames map[string]string) (spec.HashInput, map[string]string, bool) {
	in, up, changed := e.Spec, e.Upstream, false
	for i, r := range in.References {
		if to, ok := renames[r.Asset]; ok && r.Asset != "" {
			if !changed {
				in.References = slices.Clone(in.References)
				changed = true
			}
			in.References[i].Asset = to
		}
	}
	for from := range e.Upstream {
		if _, ok := renames[from]; ok {
			up = make(map[string]string, len(e.Upstream))
			for addr, digest := range e.Upstream {
				if to, ok := renames[addr]; ok {
					addr = to
				}
				up[addr] = digest
			}
			changed = true
			break
		}
	}
	return in, up, changed
}

func sameUpstream(recorded, now map[string]string) bool {
	if len(recorded) == 0 && len(now) == 0 {
		return true
	}
	return reflect.DeepEqual(recorded, now)
}

// manifestCurrent reports whether the manifest already lists a's files and meta.
func (p *planner) manifestCurrent(a *spec.Asset, lockAddr string, e *lockfile.Entry, want []string) bool {
	m := p.ws.Manifest.Assets[a.Addr]
	if m == nil || lockAddr != a.Addr || len(m.Files) != len(e.Outputs) {
		return false
	}
	for i, f := range m.Files {
		o := e.Outputs[i]
		o.Path = want[i]
		if f != o {
			return false
		}
	}
	return jsonEqual(m.Meta, a.Meta)
}

// metaCurrent reports whether the manifest has a's meta under lockAddr.
func (p *planner) metaCurrent(a *spec.Asset, lockAddr string) bool {
	m := p.ws.Manifest.Assets[lockAddr]
	return m != nil && jsonEqual(m.Meta, a.Meta)
}

func jsonEqual(a, b json.RawMessage) bool {
	isNull := func(m json.RawMessage) bool { return len(m) == 0 || string(m) == "null" }
	if isNull(a) || isNull(b) {
		return isNull(a) == isNull(b)
	}
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func (p *planner) deleteChange(addr string, e *lockfile.Entry) *Change {
	c := &Change{Addr: addr, Action: Delete, Kind: spec.Kind(e.Kind), Provider: e.Provider}
	if p.opts.Destroy {
		c.Reasons = []string{"destroy"}
	} else {
		c.Reasons = []string{"no longer in the configuration"}
	}
	return c
}

// targeted keeps the changes of the -target addresses and of everything
// they depend on; other addresses are left as they are.
func (p *planner) targeted(changes []*Change) []*Change {
	want := map[string]bool{}
	var visit func(addr string)
	visit = func(addr string) {
		if want[addr] {
			return
		}
		want[addr] = true
		if a := p.assets[addr]; a != nil {
			for _, d := range a.DependsOn {
				visit(d)
			}
		}
	}
	for _, c := range changes {
		for _, t := range p.opts.Targets {
			if inBlock(c.Addr, t) {
				visit(c.Addr)
			}
		}
	}
	var out []*Change
	for _, c := range changes {
		if want[c.Addr] {
			out = append(out, c)
		}
	}
	return out
}

// checkPreventDestroy refuses to delete or regenerate a protected asset.
func (p *planner) checkPreventDestroy(c *Change) {
	if c.Action != Delete && c.Action != Replace {
		return
	}
	var protected bool
	var rng *hcl.Range
	if a := p.assets[c.Addr]; a != nil && !p.opts.Destroy && c.Action == Replace {
		protected = a.Lifecycle.PreventDestroy
		rng = a.DeclRange.Ptr()
	} else if e := p.ws.Lock.Assets[c.Addr]; e != nil {
		protected = e.PreventDestroy
		if a := p.assets[c.Addr]; a != nil {
			protected = a.Lifecycle.PreventDestroy
			rng = a.DeclRange.Ptr()
		}
	}
	if !protected {
		return
	}
	verb := "delete"
	if c.Action == Replace {
		verb = "regenerate"
	}
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Asset cannot be " + map[string]string{"delete": "deleted", "regenerate": "regenerated"}[verb],
		Detail: fmt.Sprintf("%s has lifecycle.prevent_destroy set, and this plan would %s it (%s). "+
			"Remove prevent_destroy first if this is what you want.", c.Addr, verb, strings.Join(c.Reasons, "; ")),
		Subject: rng,
	})
}

func imageCount(a *spec.Asset) int {
	if a.Kind == spec.KindImageSet {
		return a.MaxImages
	}
	return 1
}

// SpecDiff names the attributes that differ between two recorded specs,
// with their values, as a plan shows them.
func SpecDiff(old, now spec.HashInput) []AttrDiff { return changedAttrs(old, now, nil) }

// changedAttrs compares the spec recorded in the lock with the one
// configured, less the ignored attributes.
func changedAttrs(old, now spec.HashInput, ignore []string) []AttrDiff {
	var out []AttrDiff
	add := func(name string, was, is any) {
		// Equal values encode equally: the cheap test first, so that an
		// up-to-date asset costs no JSON encoding (10,000 assets x 11
		// attributes were a quarter of a no-op plan).
		if reflect.DeepEqual(was, is) || slices.Contains(ignore, name) {
			return
		}
		a, b := jsonValue(was), jsonValue(is)
		if a != b {
			out = append(out, AttrDiff{Name: name, Old: a, New: b})
		}
	}
	add("provider", old.ProviderType, now.ProviderType)
	add("model", old.Model, now.Model)
	add("prompt", old.Prompt, now.Prompt)
	add("size", old.Size, now.Size)
	add("seed", old.Seed, now.Seed)
	add("guidance_scale", old.GuidanceScale, now.GuidanceScale)
	add("watermark", old.Watermark, now.Watermark)
	add("output_format", old.OutputFormat, now.OutputFormat)
	add("max_images", old.MaxImages, now.MaxImages)
	add("optimize_prompt", old.OptimizePrompt, now.OptimizePrompt)
	add("thinking", old.Thinking, now.Thinking)
	add("web_search", old.WebSearch, now.WebSearch)
	add("references", old.References, now.References)
	return out
}

// jsonValue renders a value as HCL-ish text for the plan: strings quoted,
// absent values as null.
func jsonValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// topoOrder returns assets with every dependency before its dependents,
// keeping address order among independent ones. The spec package has
// already refused cycles.
func topoOrder(assets []*spec.Asset) []*spec.Asset {
	byAddr := make(map[string]*spec.Asset, len(assets))
	for _, a := range assets {
		byAddr[a.Addr] = a
	}
	done := make(map[string]bool, len(assets))
	out := make([]*spec.Asset, 0, len(assets))
	var visit func(a *spec.Asset)
	visit = func(a *spec.Asset) {
		if done[a.Addr] {
			return
		}
		done[a.Addr] = true
		for _, d := range a.DependsOn {
			if da := byAddr[d]; da != nil {
				visit(da)
			}
		}
		out = append(out, a)
	}
	for _, a := range assets {
		visit(a)
	}
	return out
}
