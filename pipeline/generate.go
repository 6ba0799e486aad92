package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
)

// generate runs the generating changes in dependency order. A failed
// change skips its dependents but not independent work. It reports
// whether a stop request cut the run short.
func (e *engine) generate(ctx context.Context, changes []*Change) ([]*Result, bool) {
	if len(changes) == 0 {
		return nil, false
	}
	pending := make(map[string]*Change, len(changes))
	for _, c := range changes {
		pending[c.Addr] = c
	}
	waitingOn := map[string]int{}
	dependents := map[string][]*Change{}
	for _, c := range changes {
		for _, d := range e.byAddr[c.Addr].DependsOn {
			if pending[d] != nil {
				waitingOn[c.Addr]++
				dependents[d] = append(dependents[d], c)
			}
		}
	}
	global := make(chan struct{}, e.opts.Parallelism)
	perProvider := map[string]chan struct{}{}
	for _, p := range e.ws.Config.Providers {
		n := p.Parallelism
		if n < 1 {
			n = 1
		}
		perProvider[p.Addr] = make(chan struct{}, n)
	}

	done := make(chan *Result)
	var stopOnce sync.Once
	stopped := false
	isStopped := func() bool {
		select {
		case <-e.opts.Stop:
			stopOnce.Do(func() { stopped = true; e.opts.Hook.Stopping() })
			return true
		case <-ctx.Done():
			return true
		case <-e.overBudget:
			stopOnce.Do(func() { stopped = true })
			return true
		case <-e.diskStop:
			stopOnce.Do(func() { stopped = true })
			return true
		default:
			return false
		}
	}
	// Say at once that an interrupt was heard: the next slot to free up,
	// where isStopped is asked, may be minutes away.
	// The watcher is waited for before returning, so that Stopping never
	// follows the end of the apply and stopped is read after it is set.
	watched, watcherDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watcherDone)
		select {
		case <-e.opts.Stop:
			isStopped()
		case <-watched:
		}
	}()
	// Ready changes wait in their provider's queue, and a goroutine is
	// started only for a change that holds its slots: a goroutine per
	// change, each waiting for one of 16 slots, made the stacks of an
	// apply of 100,000 assets most of its memory.
	queues := map[string][]*Change{}
	var providers []string // in the order their first change was ready
	queued, running := 0, 0
	freed := make(chan struct{}, 1)
	start := func(c *Change) {
		running++
		sem := perProvider[c.Provider]
		go func() {
			// The slots bound provider calls, not recording: they are
			// handed back as soon as the call returns, so that assets
			// finishing while the lock is written join the next group
			// commit instead of waiting for a slot. Holding them would
			// cap each commit at the parallelism and make an apply of n
			// assets write the lock n/parallelism times (quadratic).
			var once sync.Once
			release := func() {
				once.Do(func() {
					<-global
					<-sem
					select {
					case freed <- struct{}{}:
					default: // a wake-up is already waiting
					}
				})
			}
			defer release()
			// While paid images wait in memory for the disk, a new
			// request would be paid for and find the disk full too.
			select {
			case <-e.holds.released():
			case <-e.opts.Stop:
			case <-ctx.Done():
			}
			if isStopped() || (c.Action.Generates() && e.ws.Staging.Answer(c.Addr) == nil && e.checkSpace(e.byAddr[c.Addr]) != nil) || !e.reserveStart(c) {
				done <- &Result{Addr: c.Addr, Action: c.Action, Skipped: e.notStarted(), Interrupted: true}
				return
			}
			done <- e.runOne(ctx, c, release)
		}()
	}
	// dispatch starts every queued change that a free slot allows, one
	// per provider in turn, so that no provider takes all the shared
	// slots. Only this goroutine takes slots: a free one stays free.
	dispatch := func() {
		for started := true; started; {
			started = false
			for _, p := range providers {
				sem := perProvider[p]
				if len(queues[p]) == 0 || len(global) == cap(global) || len(sem) == cap(sem) {
					continue
				}
				global <- struct{}{}
				sem <- struct{}{}
				c := queues[p][0]
				queues[p] = queues[p][1:]
				queued--
				start(c)
				started = true
			}
		}
	}
	var results []*Result
	var finish func(c *Change, r *Result)
	ready := func(c *Change) {
		if ctx.Err() != nil {
			finish(c, &Result{Addr: c.Addr, Action: c.Action, Skipped: "interrupted", Interrupted: true})
			return
		}
		if _, ok := queues[c.Provider]; !ok {
			providers = append(providers, c.Provider)
		}
		queues[c.Provider] = append(queues[c.Provider], c)
		queued++
	}
	var skip func(c *Change, why string, interrupted bool)
	skip = func(c *Change, why string, interrupted bool) {
		r := &Result{Addr: c.Addr, Action: c.Action, Skipped: why, Interrupted: interrupted}
		results = append(results, r)
		e.opts.Hook.Finished(c, r)
		for _, d := range dependents[c.Addr] {
			if waitingOn[d.Addr] >= 0 {
				waitingOn[d.Addr] = -1
				skip(d, "dependency "+c.Addr+" did not complete", interrupted)
			}
		}
	}
	// finish takes a change's result and readies what waited on it.
	finish = func(c *Change, r *Result) {
		results = append(results, r)
		if r.Skipped != "" {
			e.opts.Hook.Finished(c, r) // runOne reports the others
		}
		for _, d := range dependents[c.Addr] {
			if waitingOn[d.Addr] < 0 {
				continue
			}
			if r.Err != nil || r.Skipped != "" {
				waitingOn[d.Addr] = -1
				skip(d, "dependency "+c.Addr+" did not complete", r.Interrupted || errors.Is(r.Err, context.Canceled))
				continue
			}
			waitingOn[d.Addr]--
			if waitingOn[d.Addr] == 0 {
				ready(d)
			}
		}
	}
	for _, c := range e.interleaved(changes) {
		if waitingOn[c.Addr] == 0 {
			ready(c)
		}
	}
	cancelled := ctx.Done()
	for running > 0 || queued > 0 {
		dispatch()
		select {
		case r := <-done:
			running--
			finish(pending[r.Addr], r)
		case <-freed:
		case <-cancelled:
			// What waits for a slot is interrupted, as a request
			// waiting for one would be.
			cancelled = nil
			for _, p := range providers {
				q := queues[p]
				queues[p] = nil
				queued -= len(q)
				for _, c := range q {
					finish(c, &Result{Addr: c.Addr, Action: c.Action, Skipped: "interrupted", Interrupted: true})
				}
			}
		}
	}
	close(watched)
	<-watcherDone
	isStopped()
	return results, stopped
}

// interleaved orders changes block by block in turn: the first instance
// of each block, then the second of each, and so on, so that a small
// block does not wait behind all of a large one.
func (e *engine) interleaved(changes []*Change) []*Change {
	nth := make(map[*Change]int, len(changes))
	seen := map[string]int{}
	for _, c := range changes {
		a := e.byAddr[c.Addr]
		block := string(a.Kind) + "." + a.Name
		nth[c] = seen[block]
		seen[block]++
	}
	out := slices.Clone(changes)
	slices.SortStableFunc(out, func(a, b *Change) int { return cmp.Compare(nth[a], nth[b]) })
	return out
}

// runOne generates (or recovers) one asset and records it. release frees
// the asset's in-flight slots; it is called once the provider is done.
func (e *engine) runOne(ctx context.Context, c *Change, release func()) *Result {
	start := time.Now()
	e.opts.Hook.Started(c)
	r := &Result{Addr: c.Addr, Action: c.Action}
	r.Outputs, r.Failed, r.Err = e.produce(ctx, c, release)
	r.Notes = e.notesOf(c.Addr)
	r.Elapsed = time.Since(start)
	e.opts.Hook.Finished(c, r)
	return r
}

func (e *engine) produce(ctx context.Context, c *Change, release func()) ([]lockfile.Output, []lockfile.FailedSlot, error) {
	a := e.byAddr[c.Addr]
	upstream := map[string]string{}
	for _, d := range a.DependsOn {
		outs := e.getOutputs(d)
		if len(outs) == 0 {
			return nil, nil, fmt.Errorf("upstream %s has no outputs", d)
		}
		upstream[d] = outputsDigest(outs)
	}
	hash := effectiveHash(a.SpecHash, upstream)
	if err := e.checkDestinations(a, c); err != nil {
		// Checked before paying: the image would have nowhere to go.
		return nil, nil, err
	}

	var res *provider.Result
	var genErr error
	// A paid answer for this very spec may be staged although the plan
	// did not know it (its hash was known only after apply, or a saved
	// plan's shard is run again after a kill): finish it, never pay twice.
	if c.Action == Recover || e.ws.Staging.Has(a.Addr, hash) {
		res, genErr = e.recover(ctx, a, hash)
		if errors.Is(genErr, errUnfinishable) {
			// Nothing of the answer can ever be placed: say so, and pay
			// for the asset once more rather than fail on every apply,
			// within the budget like any request.
			if !e.reserve(c, e.generationMax(a)) {
				return nil, nil, fmt.Errorf("the paid answer kept in staging could not be finished (%w), and generating the asset again could cross the budget", genErr)
			}
			e.note(a.Addr, fmt.Sprintf("the paid answer kept in staging could not be finished (%v): dropped it and generated the asset again", genErr))
			res, genErr = e.call(ctx, c, a, hash, release)
		}
	} else {
		res, genErr = e.call(ctx, c, a, hash, release)
	}
	release()
	if res == nil || len(res.Images) == 0 {
		if genErr == nil {
			genErr = errors.New("the provider returned no image")
			if res != nil && len(res.Failed) > 0 {
				genErr = fmt.Errorf("every image failed: %s", slotErrors(res.Failed))
			}
		}
		return nil, nil, genErr
	}
	// Images came back and are paid for: keep them even when the call
	// also reported an error (a stream cut after some images).
	outs, failed, err := e.record(a, c, hash, upstream, res)
	if err != nil {
		return nil, nil, err
	}
	if genErr != nil {
		return outs, failed, fmt.Errorf("kept %d image(s), but: %w", len(outs), genErr)
	}
	return outs, failed, nil
}

// checkDestinations refuses, before anything is paid for, an asset whose
// output paths are held by a file a failed move left behind, or by a file
// seedform did not write there unless the user asked to replace it.
func (e *engine) checkDestinations(a *spec.Asset, c *Change) error {
	for _, out := range outputFiles(a, imageCount(a)) {
		rel := path.Join(e.ws.Config.OutputDir, out)
		if holder := e.stuck[rel]; holder != "" {
			return fmt.Errorf("%s still holds %s's output, whose move failed", out, holder)
		}
	}
	if c.Info().Overwrite {
		return nil
	}
	prevAddr := c.Addr
	if prev := c.Info().PrevAddr; prev != "" {
		prevAddr = prev
	}
	if in := e.ws.filesInTheWay(a, e.before[prevAddr], e.ws.Staging.Answer(a.Addr)); len(in) > 0 {
		return inTheWayError(a.Addr, in)
	}
	return nil
}

func slotErrors(fs []provider.SlotError) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += "; "
		}
		s += fmt.Sprintf("image %d: %s %s", f.Index+1, f.Code, f.Message)
	}
	return s
}

// call sends the request, journaling the paid answer in staging. Once
// the answer is in, release frees the asset's slots: they bound requests
// awaiting an answer, and the journal, downloads, checks and fsyncs that
// follow need none, so the next request need not wait for them.
func (e *engine) call(ctx context.Context, c *Change, a *spec.Asset, hash string, release func()) (*provider.Result, error) {
	prov := e.opts.Providers[a.Provider]
	if prov == nil {
		return nil, fmt.Errorf("provider %s is not configured", a.Provider)
	}
	dir, err := e.ws.Staging.Begin(a.Addr)
	if err != nil {
		return nil, fmt.Errorf("preparing staging: %w", err)
	}
	refs, err := e.references(a)
	if err != nil {
		return nil, err
	}
	files, err := e.attrFiles(a)
	if err != nil {
		return nil, err
	}
	// Checked again here for a request the launch did not check (an
	// unfinishable staged answer generated again).
	if err := e.checkSpace(a); err != nil {
		return nil, errors.Join(err, e.ws.Staging.Done(a.Addr))
	}
	ans := &StagedAnswer{Addr: a.Addr, SpecHash: hash, Provider: a.Provider, Created: time.Now().UTC()}
	journaled := false
	req := &provider.Request{
		Asset: a.ForProvider(), SpecHash: hash, References: refs, Files: files, StageDir: dir,
		Events: imageEvents{e.opts.Hook, c},
		Paid: func(items []provider.PaidItem) error {
			for _, it := range items {
				if it.URL != "" && ans.URLsExpire.IsZero() {
					ans.URLsExpire = ans.Created.Add(urlLifetime(a))
				}
				si := StagedItem{Index: it.Index, URL: it.URL, ErrorCode: it.ErrorCode}
				if im := it.Image; im != nil {
					// Whole on disk already (b64_json): journaled with
					// its file, so that a kill from here on loses nothing.
					si = stagedItem(dir, *im, it.URL)
				}
				ans.Items = append(ans.Items, si)
				if it.RequestID != "" {
					// Journaled with the payment, so that an answer
					// finished after a crash still names its request.
					if ans.Usage == nil {
						ans.Usage = &lockfile.Usage{}
					}
					ans.Usage.RequestID = it.RequestID
				}
			}
			journaled = true
			release()
			// A full disk may refuse the journal too: the answer is
			// paid for, so it waits for room as its images do.
			return e.untilDiskFrees(ctx, c, heldIn(items), func() error { return e.ws.Staging.Journal(ans) })
		},
	}
	res, err := prov.Generate(ctx, req)
	billed := e.billedFor(a, billedImages(res, ans.Items))
	e.settle(c, billed)
	if res != nil {
		if herr := e.writeHeld(ctx, c, dir, res); herr != nil {
			err = errors.Join(herr, err)
		}
	}
	if res != nil && len(res.Images) > 0 {
		// Everything is on disk: journal the finished files, so that a
		// crash before recording is recovered without downloading again.
		ans.Complete = true
		ans.Model = res.Model
		ans.Items = stagedItems(dir, res, ans.Items)
		if res.RequestID == "" && ans.Usage != nil {
			res.RequestID = ans.Usage.RequestID
		}
		ans.Usage = usageOf(res)
		if jerr := e.untilDiskFrees(ctx, c, 0, func() error { return e.ws.Staging.Journal(ans) }); jerr != nil {
			return res, errors.Join(err, jerr)
		}
	} else if !journaled || errors.Is(err, provider.ErrAnswerLost) {
		// Nothing was paid for, or nothing of it can ever be fetched:
		// there is nothing to recover, but what was paid is billed.
		if cerr := e.chargeLost(a, modelOf(a, res), billed); cerr != nil {
			return res, errors.Join(err, cerr)
		}
		if derr := e.ws.Staging.Done(a.Addr); derr != nil {
			return res, errors.Join(err, derr)
		}
	}
	return res, err
}

// heldIn counts the paid items whose image waits in memory.
func heldIn(items []provider.PaidItem) int {
	n := 0
	for _, it := range items {
		if it.Image != nil && it.Image.Held != nil {
			n++
		}
	}
	return n
}

type imageEvents struct {
	hook Hook
	c    *Change
}

func (ev imageEvents) ImageReady(index, w, h int) { ev.hook.ImageReady(ev.c, index, w, h) }

func (ev imageEvents) Retrying(attempt int, wait time.Duration, reason string) {
	ev.hook.Retrying(ev.c, attempt, wait, reason)
}

// stagedItems journals the finished files, keeping each slot's download
// URL from the first journal (paid) as a way back if a file is lost.
func stagedItems(dir string, res *provider.Result, paid []StagedItem) []StagedItem {
	urls := map[int]string{}
	for _, it := range paid {
		urls[it.Index] = it.URL
	}
	var items []StagedItem
	for _, im := range res.Images {
		items = append(items, stagedItem(dir, im, urls[im.Index]))
	}
	for _, f := range res.Failed {
		items = append(items, StagedItem{Index: f.Index, ErrorCode: f.Code, ErrorMessage: f.Message})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Index < items[j].Index })
	return items
}

// stagedItem journals one finished image. A recovered image may be at
// its destination already: then it is found there by its hash, and File
// stays empty.
func stagedItem(dir string, im provider.Image, url string) StagedItem {
	rel, err := filepath.Rel(dir, im.TempPath)
	if err != nil || !filepath.IsLocal(rel) {
		rel = ""
	}
	return StagedItem{Index: im.Index, URL: url, File: rel, SHA256: im.SHA256, Bytes: im.Bytes,
		Width: im.Width, Height: im.Height, Format: im.Format}
}

func usageOf(res *provider.Result) *lockfile.Usage {
	u := &lockfile.Usage{GeneratedImages: res.GeneratedImages, InputTokens: res.InputTokens, OutputTokens: res.OutputTokens, TotalTokens: res.TotalTokens,
		InputImages: res.InputImages, ToolUsage: res.ToolUsage, RequestID: res.RequestID}
	if u.GeneratedImages == 0 && u.InputTokens == 0 && u.OutputTokens == 0 && u.TotalTokens == 0 && u.InputImages == 0 &&
		len(u.ToolUsage) == 0 && u.RequestID == "" {
		return nil
	}
	return u
}

// references resolves an asset's references to local files and URLs.
func (e *engine) references(a *spec.Asset) ([]provider.Ref, error) {
	var refs []provider.Ref
	for _, r := range a.References {
		switch {
		case r.File != "":
			abs, err := filepath.Abs(e.ws.ConfigPath(r.File))
			if err != nil {
				return nil, err
			}
			refs = append(refs, provider.Ref{File: abs, SHA256: r.SHA256})
		case r.URL != "":
			refs = append(refs, provider.Ref{URL: r.URL})
		case r.Asset != "":
			for _, o := range e.getOutputs(r.Asset) {
				abs, err := filepath.Abs(e.ws.OutputPath(o.Path))
				if err != nil {
					return nil, err
				}
				refs = append(refs, provider.Ref{File: abs, SHA256: o.SHA256})
			}
		}
	}
	return refs, nil
}

// attrFiles resolves a's File attributes to absolute paths.
func (e *engine) attrFiles(a *spec.Asset) (map[string]string, error) {
	t, ok := schema.Lookup(a.ProviderType)
	if !ok {
		return nil, nil
	}
	var out map[string]string
	for _, attr := range t.Schema().Attributes {
		f, ok := a.Attrs.File(attr.Name)
		if !attr.File || !ok {
			continue
		}
		abs, err := filepath.Abs(e.ws.ConfigPath(f.File))
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]string{}
		}
		out[attr.Name] = abs
	}
	return out, nil
}

// specVersion is the lock's spec_version for a's request: its provider
// type's, left out (0) when it is 1.
func specVersion(a *spec.Asset) int {
	if t, ok := schema.Lookup(a.ProviderType); ok && t.Schema().SpecVersion > 1 {
		return t.Schema().SpecVersion
	}
	return 0
}

// urlLifetime is how long the URLs of a's provider's answers live.
func urlLifetime(a *spec.Asset) time.Duration {
	if t, ok := schema.Lookup(a.ProviderType); ok && t.Schema().URLLifetime > 0 {
		return t.Schema().URLLifetime
	}
	return legacyURLLifetime
}
