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
	"github.com/seedform/seedform/gitlfs"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
)

// MakePlan compares the config with the lock and the files on disk and
// decides an action for every address. It reads files but changes nothing.
func MakePlan(ws *Workspace, opts Options) (*Plan, hcl.Diagnostics) {
	p := &planner{ws: ws, opts: opts, regen: map[string]bool{}, movedFrom: map[string]bool{},
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
	prev    map[string]string // config address -> lock address it moves from
	renames map[string]string // the reverse of prev, made on first use
	// movedFrom are the lock addresses not in the config that a config
	// asset moves from: with the config's own, the entries that are kept
	// (claimed). Only these are listed: a map of every address of an
	// up-to-date plan was a tenth of what planning allocated.
	movedFrom map[string]bool
	// files are the recorded outputs that are not as recorded, by path:
	// an output not listed is fileOK.
	files map[string]fileState
}

// claimed reports whether the lock entry at addr is matched to a config
// asset: its own, or one that moves from it.
func (p *planner) claimed(addr string) bool { return p.assets[addr] != nil || p.movedFrom[addr] }

func (p *planner) plan() (*Plan, hcl.Diagnostics) {
	cfg, lock := p.ws.Config, p.ws.Lock
	plan := &Plan{
		ConfigDigest: cfg.Digest,
		LockDigest:   p.ws.LockDigest,
		Options:      p.opts,
	}
	p.checkAddrs(p.opts.Targets, "-target", true)
	p.checkAddrs(p.opts.Replace, "-replace", false)
	if p.diags.HasErrors() {
		return nil, p.diags
	}
	p.matchMoves()
	p.files = p.checkFiles()
	p.ws.Config.DropOutputLstats()

	if p.opts.Destroy {
		for addr, e := range lock.Assets {
			plan.Changes = append(plan.Changes, p.deleteChange(addr, e))
		}
	} else {
		plan.Changes = make([]*Change, 0, len(cfg.Assets))
		for _, a := range topoOrder(cfg.Assets, p.assets) {
			plan.Changes = append(plan.Changes, p.assetChange(a))
		}
		for addr, e := range lock.Assets {
			if !p.claimed(addr) {
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
			if c.Action != Accept && c.Action != NoOp {
				plan.Deferred = append(plan.Deferred, c.Addr)
			}
			if c.Action != Accept {
				c.Action = NoOp
				if d := c.Details; d != nil {
					d.Reasons, d.Moves, d.Attrs, d.Cause = nil, nil, nil, ""
				}
			}
		}
	}
	for _, c := range plan.Changes {
		p.checkPreventDestroy(c)
		if files := p.plannedFiles(c); files != nil {
			c.Edit().Files = files
		}
		if c.Details != nil && c.Details.IsZero() {
			c.Details = nil // left with nothing to say (-refresh-only)
		}
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

// plannedFiles lists the files c writes or removes, and those edited by
// hand that it leaves alone.
func (p *planner) plannedFiles(c *Change) []PlannedFile {
	var out []PlannedFile
	switch {
	case c.Action.Generates() || c.Action == Recover:
		a := p.assets[c.Addr]
		for _, f := range outputFiles(a, a.MaxImages) {
			out = append(out, PlannedFile{Action: FileWrite, Path: path.Join(p.ws.Config.OutputDir, f)})
		}
	case c.Action == Delete:
		for _, o := range p.ws.Lock.Assets[c.Addr].Outputs {
			out = append(out, PlannedFile{Action: FileRemove, Path: path.Join(p.ws.recordedOutputDir(), o.Path)})
		}
	}
	if !c.Action.Generates() && c.Action != Accept {
		for _, d := range c.Info().Drift {
			out = append(out, PlannedFile{Action: FileKeep, Path: path.Join(p.ws.recordedOutputDir(), d)})
		}
	}
	return out
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
		detail := fmt.Sprintf("%s=%s names no asset in the configuration or the lock.", flag, addr)
		if near := NearestAddr(addr, p.knownAddrs(allowBlock)); near != "" {
			detail += fmt.Sprintf(" Did you mean %s? On a shell line, quote it: %s='%s'", near, flag, strings.ReplaceAll(near, "'", `'\''`))
		}
		p.diags = append(p.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown address", Detail: detail})
	}
}

// knownAddrs lists every address in the configuration or the lock and,
// with blocks set, the blocks that have instances (image.season).
func (p *planner) knownAddrs(blocks bool) []string {
	seen := map[string]bool{}
	add := func(addr string) {
		seen[addr] = true
		if i := strings.IndexByte(addr, '['); blocks && i > 0 {
			seen[addr[:i]] = true
		}
	}
	for addr := range p.assets {
		add(addr)
	}
	for addr := range p.ws.Lock.Assets {
		add(addr)
	}
	out := make([]string, 0, len(seen))
	for addr := range seen {
		out = append(out, addr)
	}
	return out
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
	inConfig := func(addr string) bool { return p.assets[addr] != nil }
	claim := func(to, from string) {
		p.prev[to] = from
		p.movedFrom[from] = true
	}
	for _, m := range cfg.Moved {
		for from := range lock.Assets {
			if !inBlock(from, m.From) || p.claimed(from) {
				continue
			}
			to := m.To + from[len(m.From):]
			if inConfig(to) && lock.Assets[to] == nil && p.prev[to] == "" {
				claim(to, from)
			}
		}
	}
	// A renamed block: an orphaned entry generated from the very same spec.
	orphans := map[string][]string{}
	for addr, e := range lock.Assets {
		if !p.claimed(addr) {
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
		h := a.SpecHash
		if len(a.Sensitive) > 0 {
			h = a.Recorded().Hash() // as the lock keeps it
		}
		cands := orphans[h]
		for i, from := range cands {
			if !p.claimed(from) && lock.Assets[from].Kind == string(a.Kind) {
				claim(a.Addr, from)
				orphans[h] = slices.Delete(cands, i, i+1)
				break
			}
		}
	}
}

// fileState is what the disk holds for one recorded output.
type fileState uint8

const (
	fileOK fileState = iota
	fileMissing
	fileEdited
)

// checkFiles compares every recorded output with the disk, hashing only
// files whose size and modification time the stat cache does not know,
// and returns the outputs that are not as recorded. Every entry's outputs
// are checked, those of entries to be deleted too: the stat cache keeps
// only the files a run looked up.
func (p *planner) checkFiles() map[string]fileState {
	states := map[string]fileState{}
	var mu sync.Mutex
	// The workers take whole entries: a list of every output, copied from
	// the lock, was the largest garbage of a plan.
	work := make(chan *lockfile.Entry, 64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				for _, o := range e.Outputs {
					if st := p.fileState(o); st != fileOK {
						mu.Lock()
						states[o.Path] = st
						mu.Unlock()
					}
				}
			}
		}()
	}
	for _, e := range p.ws.Lock.Assets {
		work <- e
	}
	close(work)
	wg.Wait()
	return states
}

func (p *planner) fileState(o lockfile.Output) fileState {
	name := p.ws.RecordedPath(o.Path)
	var fi os.FileInfo
	ok := false
	if p.ws.recordedOutputDir() == p.ws.Config.OutputDir {
		fi, ok = p.ws.Config.OutputLstat(o.Path)
	}
	if !ok {
		var err error
		if fi, err = os.Lstat(name); err != nil || !fi.Mode().IsRegular() {
			return fileMissing
		}
	}
	if fi.Size() == o.Bytes {
		sum, err := p.ws.Stat.Sum(name, fi)
		if err != nil {
			return fileMissing
		}
		if sum == o.SHA256 {
			return fileOK
		}
	}
	if pointsTo(name, fi, o.SHA256, o.Bytes) {
		return fileOK
	}
	return fileEdited
}

// pointsTo reports whether the file name is a Git LFS pointer to the
// recorded bytes (sha, and size unless it is negative): a checkout made
// without LFS holds the output as the lock describes it, so plan needs no
// download to know it is there.
func pointsTo(name string, fi os.FileInfo, sha string, size int64) bool {
	if fi.Size() >= gitlfs.MaxSize {
		return false
	}
	ptr, ok, err := gitlfs.ReadFile(name)
	return err == nil && ok && ptr.SHA256 == sha && (size < 0 || ptr.Size == size)
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
// sha, asking the stat cache before hashing, or is a Git LFS pointer to
// them.
func (ws *Workspace) hasHash(name, sha string) bool {
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	sum, err := ws.Stat.Sum(name, fi)
	return err == nil && sum == sha || pointsTo(name, fi, sha, -1)
}

// assetChange decides the action for one config asset. Assets come in
// dependency order, so p.regen already knows about every upstream asset.
func (p *planner) assetChange(a *spec.Asset) *Change {
	c := &Change{Addr: a.Addr, Kind: a.Kind, Provider: a.Provider, Images: imageCount(a)}
	// The details are made on the stack, and kept only when they say
	// something: a no-op change is then the Change alone.
	var d Details
	p.decide(a, c, &d)
	if !d.IsZero() {
		kept := d
		c.Details = &kept
	}
	return c
}

// decide sets c's action and d, its details.
func (p *planner) decide(a *spec.Asset, c *Change, d *Details) {
	d.PrevAddr = p.prev[a.Addr]
	d.Overwrite = slices.Contains(p.opts.Replace, a.Addr)
	lockAddr := a.Addr
	if d.PrevAddr != "" {
		lockAddr = d.PrevAddr
	}
	e := p.ws.Lock.Assets[lockAddr]

	upstream, known := p.upstream(a)
	if known {
		c.SpecHash = effectiveHash(a.SpecHash, upstream)
	} else {
		d.KnownAfterApply = true
	}
	generate := func(act Action, reason string) {
		c.Action = act
		d.Reasons = append(d.Reasons, reason)
		p.regen[a.Addr] = true
		var staged *StagedAnswer
		if c.SpecHash != "" && p.ws.Staging.Has(a.Addr, c.SpecHash) {
			// Paid for by an interrupted apply: finish it, no request.
			c.Action = Recover
			d.Reasons = append(d.Reasons, "a paid answer from an interrupted apply is kept in staging")
			staged = p.ws.Staging.Answer(a.Addr)
		}
		if d.InTheWay = p.ws.filesInTheWay(a, e, staged); len(d.InTheWay) > 0 && !d.Overwrite {
			d.Reasons = append(d.Reasons, fmt.Sprintf("%s: not written by seedform, or edited by hand; apply will not overwrite it: move it away, or -replace=%s overwrites it",
				strings.Join(d.InTheWay, ", "), a.Addr))
		}
	}
	if e == nil {
		d.Attrs = newAttrs(configAttrs(a, requestNames(a.ProviderType)), a.Sensitive)
		generate(Create, "not yet generated")
		return
	}
	// An upstream asset renamed in this plan is the same content under a
	// new address: compare what the lock recorded under the new names.
	recorded, recordedUp, renamed := renameRefs(e, p.renamed())
	d.RefsRenamed = renamed
	meta := p.recordedMeta(lockAddr)
	// Most assets of a large config are up to date: compare what the
	// lock holds first, and list attributes only when something differs.
	if !unchanged(e, recorded, a, meta) {
		names := requestNames(a.ProviderType, recorded)
		d.Attrs = diffAttrs(recordedAttrs(e, recorded, names, a.References, meta), configAttrs(a, names), a.Lifecycle.IgnoreChanges, a.Sensitive)
	} else {
		shareStrings(a, e)
	}
	forced := forcedBy(d.Attrs)
	var why []string
	if slices.Contains(p.opts.Replace, a.Addr) {
		why = append(why, "replacement requested with -replace")
		d.Cause = CauseRequested
	}
	if len(forced) > 0 {
		why = append(why, strings.Join(forced, ", ")+" changed")
	}
	for _, f := range changedRefFiles(recorded, a.References) {
		why = append(why, "the content of reference "+f+" changed")
	}
	for _, dep := range a.DependsOn {
		if p.regen[dep] {
			why = append(why, fmt.Sprintf("%s will be regenerated first (known after apply)", dep))
		}
	}
	if len(why) == 0 && known && !sameUpstream(recordedUp, upstream) {
		why = append(why, "an upstream asset's output changed")
	}
	if len(why) > 0 {
		if d.Cause == "" {
			d.Cause = CauseCannotUpdate
		}
		d.Reasons = why[:len(why)-1]
		generate(Replace, why[len(why)-1])
		return
	}
	want := outputFiles(a, len(e.Outputs))
	oldDir, newDir := p.ws.recordedOutputDir(), p.ws.Config.OutputDir
	for i, o := range e.Outputs {
		st := p.files[o.Path]
		if st == fileOK && oldDir == newDir && o.Path == want[i] {
			continue // as recorded, in place: the common case needs no paths joined
		}
		mv := FileMove{From: path.Join(oldDir, o.Path), To: path.Join(newDir, want[i]), SHA256: o.SHA256}
		if st != fileOK {
			// Moved by an interrupted apply: finish or record the move,
			// neither drift nor a reason to pay again.
			if from, done, ok := p.movedFile(o, want[i]); ok {
				mv.Done = done
				if !done {
					mv.From = from
				}
				d.Moves = append(d.Moves, mv)
				continue
			}
		}
		switch st {
		case fileMissing:
			generate(Create, fmt.Sprintf("output %s is missing", o.Path))
			return
		case fileEdited:
			d.Drift = append(d.Drift, o.Path)
			// The edit moves with the file, and stays drift at its new
			// place: the move checks the content it was planned with.
			if sum, _, err := lockfile.HashFile(p.ws.RecordedPath(o.Path)); err == nil {
				mv.SHA256 = sum
			}
		}
		if mv.From != mv.To {
			d.Moves = append(d.Moves, mv)
		}
	}
	// Nothing forces a request: the remaining changes are local.
	// Only ignored attributes may differ: keep what the lock has (the
	// same string when nothing differs, rather than an equal copy).
	c.SpecHash = e.SpecHash
	d.MetaChanged = !p.manifestCurrent(a, lockAddr, e, want)
	if d.PrevAddr != "" || len(d.Moves) > 0 {
		// A move rewrites the manifest entry anyway: say "meta" only when
		// the meta itself changed.
		d.MetaChanged = !p.metaCurrent(a, lockAddr)
	}
	lifecycleChanged := e.PreventDestroy != a.Lifecycle.PreventDestroy
	switch {
	case len(d.Drift) > 0 && p.opts.RefreshOnly:
		c.Action = Accept
		d.Reasons = append(d.Reasons, "outputs edited by hand are accepted as they are")
	case d.PrevAddr != "" || len(d.Moves) > 0:
		c.Action = Move
		if d.PrevAddr != "" {
			d.Reasons = append(d.Reasons, "moved from "+d.PrevAddr)
		}
		if len(d.Moves) > 0 {
			d.Reasons = append(d.Reasons, "output path changed")
		}
	case d.MetaChanged:
		c.Action = Update
		if slices.ContainsFunc(d.Attrs, func(at AttrChange) bool { return at.Name == "meta" }) {
			d.Reasons = append(d.Reasons, "meta changed: the manifest entry is rewritten")
		} else if p.ws.manifestEntry(a.Addr) == nil {
			d.Reasons = append(d.Reasons, "the manifest has no entry for it: the entry is written again (no image is generated)")
		} else {
			d.Reasons = append(d.Reasons, "its manifest entry does not match the lock: the entry is written again (no image is generated)")
		}
	case d.RefsRenamed:
		c.Action = Update
		d.Reasons = append(d.Reasons, "an asset it references is renamed in this plan: only its lock entry changes, to the new name; its files stay as they are")
	case lifecycleChanged:
		// The lock keeps prevent_destroy so that removing the block is
		// still refused: it must follow the config.
		c.Action = Update
		d.Reasons = append(d.Reasons, fmt.Sprintf("lifecycle.prevent_destroy changes to %v", a.Lifecycle.PreventDestroy))
	default:
		c.Action = NoOp
	}
	if len(d.Drift) > 0 && c.Action != Accept {
		d.Reasons = append(d.Reasons, "outputs edited by hand are left alone: -replace="+a.Addr+" regenerates, -refresh-only accepts the edit")
	}
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
func renameRefs(e *lockfile.Entry, renames map[string]string) (schema.Values, map[string]string, bool) {
	in, up, changed := e.Spec, e.Upstream, false
	if len(renames) == 0 {
		return in, up, false // decoding every asset's references for nothing was garbage
	}
	refs := recordedRefs(in)
	for i, r := range refs {
		if to, ok := renames[r.Asset]; ok && r.Asset != "" {
			refs[i].Asset = to
			changed = true
		}
	}
	if changed {
		if err := in.Set(schema.AttrReferences, refs); err != nil {
			panic(err) // references always encode
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
	m := p.ws.manifestEntry(a.Addr)
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

// unchanged reports whether the lock records a exactly as configured:
// the same spec, path or dir, provider instance and meta.
func unchanged(e *lockfile.Entry, recorded schema.Values, a *spec.Asset, meta json.RawMessage) bool {
	return e.Provider == a.Provider && e.Path == a.Path && e.Dir == a.Dir && jsonEqual(meta, a.Meta) &&
		recordsRequest(recorded, a)
}

// shareStrings points a's path and spec hash at the lock's equal strings,
// so that one copy of each is kept rather than two: at 100,000 up-to-date
// assets the config's copies were 14 MB of what a plan held to its end.
func shareStrings(a *spec.Asset, e *lockfile.Entry) {
	if a.SpecHash == e.SpecHash {
		a.SpecHash = e.SpecHash
	}
	if a.Path == e.Path {
		a.Path = e.Path
	}
}

// recordsRequest reports whether recorded, a request as the lock keeps
// it, is a.Recorded(). Without sensitive attributes that is a.Request(),
// whose hash the loader took already (a.SpecHash): building the request
// of every asset to compare it was most of what a no-op plan allocated.
// Both maps are canonical, so their JSON, and so their hash, is the same
// exactly when they are. The hash is of the request only: upstream
// content (folded into the lock's spec_hash) and spec_version are not
// compared here, as they were not by comparing the maps.
func recordsRequest(recorded schema.Values, a *spec.Asset) bool {
	if len(a.Sensitive) > 0 {
		return recorded.Equal(a.Recorded()) // redacted: its hash is not a.SpecHash
	}
	return recorded.Hash() == a.SpecHash
}

// recordedRefs reads the references a recorded request holds; the lock
// reader has checked their shape.
func recordedRefs(req schema.Values) []spec.HashedRef {
	var refs []spec.HashedRef
	if _, err := req.Decode(schema.AttrReferences, &refs); err != nil {
		return nil
	}
	return refs
}

// changedRefFiles names the reference files whose content differs from
// what the recorded reference at the same place had, in the recorded
// request req.
func changedRefFiles(req schema.Values, now []spec.Reference) []string {
	if !slices.ContainsFunc(now, func(r spec.Reference) bool { return r.File != "" }) {
		return nil // no file to compare: spare decoding the recorded references
	}
	recorded := recordedRefs(req)
	var out []string
	for i, r := range now {
		if i < len(recorded) && r.File != "" && recorded[i].SHA256 != "" && recorded[i].SHA256 != r.SHA256 {
			out = append(out, r.File)
		}
	}
	return out
}

// recordedMeta is the meta the manifest holds for addr.
func (p *planner) recordedMeta(addr string) json.RawMessage {
	if m := p.ws.manifestEntry(addr); m != nil {
		return m.Meta
	}
	return nil
}

// metaCurrent reports whether the manifest has a's meta under lockAddr.
func (p *planner) metaCurrent(a *spec.Asset, lockAddr string) bool {
	m := p.ws.manifestEntry(lockAddr)
	return m != nil && jsonEqual(m.Meta, a.Meta)
}

func jsonEqual(a, b json.RawMessage) bool {
	isNull := func(m json.RawMessage) bool { return len(m) == 0 || string(m) == "null" }
	if isNull(a) || isNull(b) {
		return isNull(a) == isNull(b)
	}
	// Both are compact already on a no-op plan (the manifest's meta as
	// read, the config's as evaluated): no need to compact them again.
	if bytes.Equal(a, b) {
		return true
	}
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func (p *planner) deleteChange(addr string, e *lockfile.Entry) *Change {
	c := &Change{Addr: addr, Action: Delete, Kind: spec.Kind(e.Kind), Provider: e.Provider, Details: &Details{}}
	if p.opts.Destroy {
		c.Details.Reasons = []string{"destroy"}
		return c
	}
	cause := p.deleteCause(addr)
	c.Details.Cause = cause
	c.Details.Reasons = []string{map[Cause]string{
		CauseNoConfig:   "no longer in the configuration",
		CauseNoKey:      "its for_each no longer has this key",
		CauseNoIndex:    "its count no longer reaches this index",
		CauseRepetition: "its block's count or for_each changed",
	}[cause]}
	return c
}

// deleteCause says why addr, in the lock only, is to be deleted: its
// block is gone, or it no longer has this instance.
func (p *planner) deleteCause(addr string) Cause {
	block, key, keyed := strings.Cut(addr, "[")
	var sibling string
	for _, a := range p.ws.Config.Assets {
		if inBlock(a.Addr, block) {
			sibling = a.Addr
			break
		}
	}
	_, sibKey, sibKeyed := strings.Cut(sibling, "[")
	switch {
	case sibling == "" || !keyed && !sibKeyed:
		return CauseNoConfig
	case keyed != sibKeyed || keyed && key[0] == '"' != (sibKey[0] == '"'):
		return CauseRepetition
	case key[0] == '"':
		return CauseNoKey
	}
	return CauseNoIndex
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
	detail := fmt.Sprintf("%s has lifecycle.prevent_destroy set, and this plan would %s it (%s). "+
		"Set prevent_destroy = false (or remove it) and apply first if this is what you want.", c.Addr, verb, strings.Join(c.Info().Reasons, "; "))
	if rng == nil {
		// The block is gone: the protection lives on in the lock.
		detail = fmt.Sprintf("%s was generated with lifecycle.prevent_destroy set, which %s keeps after its block is removed, "+
			"and this plan would %s it (%s). To delete it, put its block back with prevent_destroy = false, apply, "+
			"then remove the block.", c.Addr, lockfile.FileName, verb, strings.Join(c.Info().Reasons, "; "))
	}
	p.diags = append(p.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Asset cannot be " + map[string]string{"delete": "deleted", "regenerate": "regenerated"}[verb],
		Detail:   detail,
		Subject:  rng,
	})
}

func imageCount(a *spec.Asset) int {
	if a.Kind == spec.KindImageSet {
		return a.MaxImages
	}
	return 1
}

// topoOrder returns assets with every dependency before its dependents,
// keeping address order among independent ones; byAddr maps each address
// to its asset. The spec package has already refused cycles.
func topoOrder(assets []*spec.Asset, byAddr map[string]*spec.Asset) []*spec.Asset {
	if !slices.ContainsFunc(assets, func(a *spec.Asset) bool { return len(a.DependsOn) > 0 }) {
		return assets // already in order: most configs have no dependencies
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
