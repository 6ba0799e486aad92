package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/seedform/seedform/cost"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// Hook is told what apply does, as it happens. The engine never prints;
// the human and JSON views implement Hook. Calls come from many
// goroutines at once.
type Hook interface {
	// Started is called when work on a change begins.
	Started(c *Change)
	// ImageReady is called as each generated image is on disk.
	ImageReady(c *Change, index, width, height int)
	// Finished is called once per change that was started or skipped.
	Finished(c *Change, r *Result)
	// Retrying is called before a provider retries a transient failure
	// of c: the attempt to come, the wait before it and the failure.
	Retrying(c *Change, attempt int, wait time.Duration, reason string)
	// Stopping is called once when a stop request is first seen.
	Stopping()
	// Warning is called for a problem that does not stop the apply,
	// such as local state that could not be read or saved.
	Warning(summary, detail string)
	// DiskFull is called when the disk refuses what c's paid answer
	// must keep, and again while it goes on: held of its images wait in
	// memory (0 when only the journal waits), and no request starts until
	// space is freed on dir or the apply is cancelled. err is the disk's.
	DiskFull(c *Change, held int, dir string, err error)
}

// Result is the outcome of one change.
type Result struct {
	Addr    string
	Action  Action
	Err     error  // nil when the change is done
	Skipped string // why it never started, "" when it ran
	// Interrupted is set on a skip that an interrupt caused, directly or
	// through a dependency: not a failure, the next apply does it.
	Interrupted bool
	Outputs     []lockfile.Output
	Failed      []lockfile.FailedSlot
	// Notes say what the change did that its action does not: extra paid
	// images kept aside, a staged answer dropped, a file left in place.
	Notes   []string
	Elapsed time.Duration
}

// ApplyOptions configure one apply.
type ApplyOptions struct {
	// Parallelism bounds all provider calls in flight; each provider
	// instance's own parallelism bounds its share.
	Parallelism int
	// Providers maps provider instance addresses to implementations.
	Providers map[string]provider.Provider
	// Stop, when closed, starts nothing new; calls in flight finish and
	// are recorded. Cancelling ctx stops those too.
	Stop <-chan struct{}
	Hook Hook
	// Budget, when set, is the running budget consulted before each
	// request starts; a refusal stops the apply as Stop does.
	Budget *cost.Gate
	// Shard, when set, applies one shard of a saved plan (plan is then
	// the whole plan): see ShardRun.
	Shard *ShardRun
}

// ApplyResult is what an apply did.
type ApplyResult struct {
	Results []*Result // sorted by address
	Stopped bool
	// Budget is how the running budget ended, nil without one.
	Budget *BudgetReport
	// DiskShort, when set, is why too little free disk space stopped the
	// apply before it paid for more: Apply returns it as its error too.
	DiskShort *DiskShortError
}

// Failed counts the changes that failed or were skipped.
func (r *ApplyResult) Failed() int {
	n := 0
	for _, res := range r.Results {
		if res.Err != nil || res.Skipped != "" {
			n++
		}
	}
	return n
}

// Apply carries out plan. The caller holds the process lock and made plan
// from ws. Local changes (deletes, moves, manifest updates) come first;
// then generation runs in dependency order with bounded concurrency. Each
// finished asset is in the lock and manifest before its dependents start.
func Apply(ctx context.Context, ws *Workspace, plan *Plan, opts ApplyOptions) (*ApplyResult, error) {
	if opts.Parallelism < 1 {
		opts.Parallelism = 10
	}
	// Apply writes the manifest: it reads it, if the plan did not need to.
	manifest, err := ws.Manifest()
	if err != nil {
		return nil, err
	}
	if opts.Shard != nil {
		if plan, err = opts.Shard.prepare(ws, plan); err != nil {
			return nil, err
		}
	}
	e := &engine{
		ws: ws, opts: opts, byAddr: map[string]*spec.Asset{},
		outputs: map[string][]lockfile.Output{}, inOutputDir: map[string]bool{},
		overBudget: make(chan struct{}), ledger: newLedger(plan), held: map[string]cost.Amount{},
		diskStop: make(chan struct{}), holds: newHolds(),
	}
	for _, a := range ws.Config.Assets {
		e.byAddr[a.Addr] = a
	}
	// The recorder changes ws.Lock as assets finish; the engine reads the
	// entries as they were when the plan was made.
	e.before = make(map[string]*lockfile.Entry, len(ws.Lock.Assets))
	for addr, ent := range ws.Lock.Assets {
		e.before[addr] = ent
		e.outputs[addr] = ent.Outputs
	}
	if len(ws.Lock.Assets) == 0 {
		// Nothing recorded, nothing to move: the first record writes it.
		ws.Lock.OutputDir = ws.Config.OutputDir
	}
	e.renames = map[string]string{}
	for _, c := range plan.Changes {
		if prev := c.Info().PrevAddr; prev != "" {
			e.renames[prev] = c.Addr
		}
	}
	e.rec = lockfile.NewRecorder(ws.LockPath(), ws.ManifestPath(), ws.Lock, manifest)
	e.rec.Confine(ws.Dir)
	e.rec.UseJournal(ws.JournalPath(), ws.lockFileDigest, ws.journaled > 0)
	if opts.Shard != nil {
		opts.Shard.record(ws, e.rec)
	}
	if err := ws.Staging.Remove(plan.OrphanTemps); err != nil {
		return nil, fmt.Errorf("removing leftover staging files: %w", err)
	}
	// Temp files of lock, manifest and .gitignore writes that a killed
	// run left.
	if err := errors.Join(lockfile.RemoveTemps(ws.LockPath()), lockfile.RemoveTemps(ws.ManifestPath()),
		lockfile.RemoveTemps(filepath.Join(ws.StateDir(), gitignore))); err != nil {
		return nil, fmt.Errorf("removing leftover temp files: %w", err)
	}
	// Whatever happens next, the servers' answers so far are worth
	// remembering: an interrupted or failed apply learned as much.
	e.loadCapacity()
	defer e.rememberCapacity()
	res := &ApplyResult{}
	var gen, deletes, moves, others []*Change
	for _, c := range plan.Changes {
		switch c.Action {
		case NoOp:
		case Create, Replace, Recover:
			gen = append(gen, c)
		case Delete:
			deletes = append(deletes, c)
		case Move:
			moves = append(moves, c)
		default:
			others = append(others, c)
		}
	}
	// Deletes first: they free paths that moves may land on. Then every
	// file move, in an order where none lands on a file still to leave.
	res.Results = append(res.Results, e.localAll(deletes)...)
	e.moveErrs = e.moveFiles(moves)
	res.Results = append(res.Results, e.localAll(append(moves, others...))...)
	genResults, stopped := e.generate(ctx, gen)
	res.Results = append(res.Results, genResults...)
	res.Stopped = stopped
	res.Budget = e.budgetReport()
	var short error
	if e.diskStopped() {
		res.DiskShort, short = e.diskShort, e.diskShort
	}
	if err := e.writeBill(); err != nil {
		return res, errors.Join(err, e.rec.Close(), ws.Stat.Save())
	}
	if ws.Lock.OutputDir != ws.Config.OutputDir && (ws.recordedOutputDir() == ws.Config.OutputDir || e.allPlaced()) {
		// Only once every recorded file is under the new folder: until
		// then the lock names the old one, and the next plan finds what
		// did move at its new place (a targeted or refresh-only apply, a
		// failed move or an interrupt leave some behind).
		if err := e.rec.Update(func(l *lockfile.Lock, _ *lockfile.Manifest) { l.OutputDir = ws.Config.OutputDir }); err != nil {
			return res, errors.Join(err, e.rec.Close(), ws.Stat.Save())
		}
	}
	sort.Slice(res.Results, func(i, j int) bool { return res.Results[i].Addr < res.Results[j].Addr })
	err = errors.Join(short, e.rec.Close(), ws.Stat.Save())
	if err == nil {
		err = ws.rememberWritten(e.rec)
	}
	return res, err
}

type engine struct {
	ws     *Workspace
	opts   ApplyOptions
	byAddr map[string]*spec.Asset
	rec    *lockfile.Recorder
	before map[string]*lockfile.Entry // the lock's entries before this apply
	// renames maps lock addresses renamed by the plan to their new ones.
	renames map[string]string

	// moveErrs holds, by address, why a move change's files could not be
	// moved; stuck are the paths those files still hold.
	moveErrs map[string]error
	stuck    map[string]string // config-relative path -> address

	// overBudget is closed when the running budget refuses a request.
	overBudget chan struct{}
	budgetOnce sync.Once
	ledger     ledger

	// diskStop is closed, and diskShort set, when a request was not sent
	// for want of free disk space (checkSpace).
	diskStop  chan struct{}
	diskOnce  sync.Once
	diskShort *DiskShortError
	// holds counts answers whose paid images wait in memory for the disk.
	holds *holds

	mu      sync.Mutex
	notes   map[string][]string          // by address, for the change's Result
	outputs map[string][]lockfile.Output // current outputs by address
	// held is what the running budget holds for each request in flight.
	held map[string]cost.Amount
	// inOutputDir are the assets this apply recorded with their files
	// under the config's output directory.
	inOutputDir map[string]bool
}

// placed notes that addr is recorded with its files under the config's
// output directory.
func (e *engine) placed(addr string) {
	e.mu.Lock()
	e.inOutputDir[addr] = true
	e.mu.Unlock()
}

// allPlaced reports whether every recorded asset with files has them
// under the config's output directory. Called once no change runs.
func (e *engine) allPlaced() bool {
	for addr, ent := range e.ws.Lock.Assets {
		if len(ent.Outputs) > 0 && !e.inOutputDir[addr] {
			return false
		}
	}
	return true
}

// localAll carries out changes that send no request, many at a time so
// that their records share group commits: one after another, n changes
// would write the lock n times.
func (e *engine) localAll(changes []*Change) []*Result {
	results := make([]*Result, len(changes))
	var wg sync.WaitGroup
	sem := make(chan struct{}, localParallelism)
	for i, c := range changes {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i] = e.local(c)
		})
	}
	wg.Wait()
	return results
}

// localParallelism bounds the local changes under way: enough that a
// group commit carries hundreds of them, few enough to keep goroutines
// cheap when a hundred thousand assets move.
const localParallelism = 256

// local carries out a change that sends no request.
func (e *engine) local(c *Change) *Result {
	start := time.Now()
	e.opts.Hook.Started(c)
	r := &Result{Addr: c.Addr, Action: c.Action}
	switch c.Action {
	case Delete:
		r.Err = e.delete(c)
	case Move, Update:
		r.Err = e.moveOrUpdate(c)
	case Accept:
		r.Err = e.accept(c)
	}
	r.Notes = e.notesOf(c.Addr)
	r.Elapsed = time.Since(start)
	e.opts.Hook.Finished(c, r)
	return r
}

func (e *engine) delete(c *Change) error {
	ent := e.before[c.Addr]
	if ent == nil {
		return nil
	}
	for _, o := range ent.Outputs {
		rel := path.Join(e.ws.recordedOutputDir(), o.Path)
		name := e.ws.ConfigPath(rel)
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if !e.ws.hasHash(name, o.SHA256) {
			// Only the image seedform recorded is its to delete.
			e.note(c.Addr, fmt.Sprintf("left %s in place: it no longer holds the recorded image", rel))
			continue
		}
		if err := e.removeFile(rel); err != nil {
			return err
		}
	}
	return e.rec.Forget(c.Addr)
}

// removeFile deletes the file at rel (relative to the config directory),
// checking as it acts that the path stays inside the config directory,
// and then the folders it leaves empty.
func (e *engine) removeFile(rel string) error {
	name := e.ws.ConfigPath(rel)
	if err := e.ws.confine(name); err != nil {
		return err
	}
	if err := os.Remove(name); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("deleting %s: %w", rel, err)
	}
	e.pruneEmpty(filepath.Dir(name))
	return nil
}

// pruneEmpty removes dir and its parents while they are empty folders
// (never a link), never going above the config directory.
func (e *engine) pruneEmpty(dir string) {
	for {
		rel, err := filepath.Rel(e.ws.Dir, dir)
		if err != nil || rel == "." || !filepath.IsLocal(rel) {
			return // the config directory itself, or outside it
		}
		if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || e.ws.confine(dir) != nil {
			return
		}
		if os.Remove(dir) != nil {
			return // not empty, or gone
		}
		dir = filepath.Dir(dir)
	}
}

func (e *engine) moveOrUpdate(c *Change) error {
	a := e.byAddr[c.Addr]
	from := c.Addr
	if prev := c.Info().PrevAddr; prev != "" {
		from = prev
	}
	old := e.before[from]
	if a == nil || old == nil {
		return fmt.Errorf("%s: nothing recorded to move", c.Addr)
	}
	if err := e.moveErrs[c.Addr]; err != nil {
		return err // its files stay where the lock says
	}
	ent := *old
	ent.Outputs = append([]lockfile.Output(nil), old.Outputs...)
	paths := outputFiles(a, len(ent.Outputs))
	for i := range ent.Outputs {
		ent.Outputs[i].Path = paths[i]
	}
	ent.Path, ent.Dir = a.Path, a.Dir
	ent.PreventDestroy = a.Lifecycle.PreventDestroy
	if c.Info().RefsRenamed {
		// The same content under the new names; what was recorded (and
		// ignore_changes kept) stays as it was.
		ent.Spec, ent.Upstream, _ = renameRefs(old, e.renames)
		ent.SpecHash = effectiveHash(ent.Spec.Hash(), ent.Upstream)
		if len(a.Sensitive) > 0 {
			// A redacted spec hashes to something else: the hash is the
			// configured spec's, which the renamed one equals.
			ent.SpecHash = effectiveHash(a.SpecHash, ent.Upstream)
		}
	}
	e.setOutputs(c.Addr, ent.Outputs)
	var dirs []string // where files moved to: synced before the lock names them
	for _, mv := range c.Info().Moves {
		dirs = append(dirs, filepath.Dir(e.ws.ConfigPath(mv.To)))
	}
	var drop []string
	if from != c.Addr {
		drop = []string{from}
	}
	err := e.rec.Set(dirs, c.Addr, &ent, &lockfile.ManifestEntry{Files: ent.Outputs, Meta: a.Meta}, drop...)
	if err == nil {
		e.placed(c.Addr)
	}
	return err
}

// moveFiles moves the files of every move change so that no file lands
// where another has yet to leave: a move waits for the file at its
// destination to move away first, and a cycle (assets swapping paths) is
// broken by parking one file under its sha256 in the state directory,
// where a plan after an interrupted apply finds it. A destination held by
// anything else is never overwritten: that move fails, naming the holder,
// and its asset's files stay where the lock says. The errors are returned
// by address.
func (e *engine) moveFiles(changes []*Change) map[string]error {
	type fileMove struct {
		addr string
		FileMove
	}
	var pending []*fileMove
	leaving := map[string]int{} // path -> moves yet to take a file from it
	for _, c := range changes {
		for _, mv := range c.Info().Moves {
			if !mv.Done && mv.From != mv.To {
				pending = append(pending, &fileMove{c.Addr, mv})
				leaving[mv.From]++
			}
		}
	}
	errs := map[string]error{}
	e.stuck = map[string]string{}
	move := func(m *fileMove, to string) bool {
		leaving[m.From]--
		err := e.moveOne(m.From, to, m.SHA256)
		if err != nil {
			errs[m.addr] = errors.Join(errs[m.addr], fmt.Errorf("moving %s to %s: %w", m.From, m.To, err))
			e.stuck[m.From] = m.addr
		}
		return err == nil
	}
	for len(pending) > 0 {
		var waiting []*fileMove
		for _, m := range pending {
			if leaving[m.To] > 0 {
				waiting = append(waiting, m)
				continue
			}
			move(m, m.To)
		}
		if len(waiting) == len(pending) {
			// Every move waits for another: park one to open the cycle.
			m := waiting[0]
			park := parkingPath(m.SHA256)
			if move(m, park) {
				m.From = park
				leaving[park]++
			} else {
				waiting = waiting[1:]
			}
		}
		pending = waiting
	}
	return errs
}

// moveOne moves the file at from, which must hold sha, to the free path
// to (both relative to the config directory).
func (e *engine) moveOne(from, to, sha string) error {
	src := e.ws.ConfigPath(from)
	var dst string
	var err error
	if to == parkingPath(sha) {
		dst = e.ws.ConfigPath(to)
		err = e.ws.confine(dst)
	} else {
		dst, err = e.ws.outputTarget(to)
	}
	if err != nil {
		return err
	}
	if err := e.ws.confine(src); err != nil {
		return err
	}
	if _, err := os.Lstat(dst); err == nil {
		if holder := e.holder(to); holder != "" {
			return fmt.Errorf("%s still holds %s's output", to, holder)
		}
		return fmt.Errorf("%s exists and is not seedform's to overwrite: move it away, or change the path, and apply again", to)
	}
	if !e.ws.hasHash(src, sha) {
		return fmt.Errorf("%s no longer holds the recorded image (it was edited or replaced): run plan again; -refresh-only records the file as it is, -replace makes a new one", from)
	}
	if err := moveFile(src, dst); err != nil {
		return err
	}
	if fi, err := os.Lstat(dst); err == nil {
		e.ws.Stat.Written(dst, fi, sha) // a rename keeps size and time
	}
	e.pruneEmpty(filepath.Dir(src))
	return nil
}

// holder names the asset whose recorded output is at rel (relative to the
// config directory) before this apply, or "".
func (e *engine) holder(rel string) string {
	dir := e.ws.recordedOutputDir()
	for addr, ent := range e.before {
		for _, o := range ent.Outputs {
			if path.Join(dir, o.Path) == rel {
				return addr
			}
		}
	}
	return ""
}

// moveFile renames from to to, creating to's folder. Across file systems
// (an output folder on another mount) it copies to a synced temp file
// beside to, renames that into place and removes from.
func moveFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	err := os.Rename(from, to)
	if !errors.Is(err, syscall.EXDEV) {
		return err
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := lockfile.WriteFile(to, data); err != nil {
		return err
	}
	return os.Remove(from)
}

// accept records hand-edited outputs as they now are.
func (e *engine) accept(c *Change) error {
	a := e.byAddr[c.Addr]
	old := e.before[c.Addr]
	ent := *old
	ent.Outputs = append([]lockfile.Output(nil), old.Outputs...)
	for i, o := range ent.Outputs {
		name := e.ws.RecordedPath(o.Path)
		sum, size, err := lockfile.HashFile(name)
		if err != nil {
			return err
		}
		w, h, format, err := provider.ProbeFile(name)
		if err != nil {
			return fmt.Errorf("%s is no longer a readable image: %w", o.Path, err)
		}
		ent.Outputs[i] = lockfile.Output{Path: o.Path, SHA256: sum, Bytes: size, Width: w, Height: h, Format: format}
	}
	e.setOutputs(c.Addr, ent.Outputs)
	return e.rec.Set(nil, c.Addr, &ent, &lockfile.ManifestEntry{Files: ent.Outputs, Meta: a.Meta})
}

// note records something the change at addr did that its Result says.
func (e *engine) note(addr, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.notes == nil {
		e.notes = map[string][]string{}
	}
	e.notes[addr] = append(e.notes[addr], msg)
}

func (e *engine) notesOf(addr string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.notes[addr]
}

func (e *engine) setOutputs(addr string, outs []lockfile.Output) {
	e.mu.Lock()
	e.outputs[addr] = outs
	e.mu.Unlock()
}

func (e *engine) getOutputs(addr string) []lockfile.Output {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.outputs[addr]
}
