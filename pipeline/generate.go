package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
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
	running := 0
	launch := func(c *Change) {
		running++
		go func() {
			sem := perProvider[c.Provider]
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				done <- &Result{Addr: c.Addr, Action: c.Action, Skipped: "interrupted", Interrupted: true}
				return
			}
			select {
			case global <- struct{}{}:
			case <-ctx.Done():
				<-sem
				done <- &Result{Addr: c.Addr, Action: c.Action, Skipped: "interrupted", Interrupted: true}
				return
			}
			// The slots bound provider calls, not recording: they are
			// handed back as soon as the call returns, so that assets
			// finishing while the lock is written join the next group
			// commit instead of waiting for a slot. Holding them would
			// cap each commit at the parallelism and make an apply of n
			// assets write the lock n/parallelism times (quadratic).
			var once sync.Once
			release := func() { once.Do(func() { <-global; <-sem }) }
			defer release()
			if isStopped() || !e.reserve(c) {
				done <- &Result{Addr: c.Addr, Action: c.Action, Skipped: e.notStarted(), Interrupted: true}
				return
			}
			done <- e.runOne(ctx, c, release)
		}()
	}
	var results []*Result
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
	for _, c := range changes {
		if waitingOn[c.Addr] == 0 {
			launch(c)
		}
	}
	for running > 0 {
		r := <-done
		running--
		c := pending[r.Addr]
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
				launch(d)
			}
		}
	}
	close(watched)
	<-watcherDone
	isStopped()
	return results, stopped
}

// runOne generates (or recovers) one asset and records it. release frees
// the asset's in-flight slots; it is called once the provider is done.
func (e *engine) runOne(ctx context.Context, c *Change, release func()) *Result {
	start := time.Now()
	e.opts.Hook.Started(c)
	r := &Result{Addr: c.Addr, Action: c.Action}
	r.Outputs, r.Failed, r.Err = e.produce(ctx, c, release)
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
	for _, out := range outputFiles(a, imageCount(a)) {
		// Checked before paying: the image would have nowhere to go.
		if holder := e.stuck[path.Join(e.ws.Config.OutputDir, out)]; holder != "" {
			return nil, nil, fmt.Errorf("%s still holds %s's output, whose move failed", out, holder)
		}
	}

	var res *provider.Result
	var genErr error
	if c.Action == Recover {
		res, genErr = e.recover(ctx, a, hash)
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
	ans := &StagedAnswer{Addr: a.Addr, SpecHash: hash, Provider: a.Provider, Created: time.Now().UTC()}
	journaled := false
	req := &provider.Request{
		Asset: a, SpecHash: hash, References: refs, StageDir: dir,
		Events: imageEvents{e.opts.Hook, c},
		Paid: func(items []provider.PaidItem) error {
			for _, it := range items {
				ans.Items = append(ans.Items, StagedItem{Index: it.Index, URL: it.URL, ErrorCode: it.ErrorCode})
			}
			journaled = true
			release()
			return e.ws.Staging.Journal(ans)
		},
	}
	res, err := prov.Generate(ctx, req)
	billed := e.billedFor(a, billedImages(res, ans.Items))
	e.settle(c, billed)
	if res != nil && len(res.Images) > 0 {
		// Everything is on disk: journal the finished files, so that a
		// crash before recording is recovered without downloading again.
		ans.Complete = true
		ans.Model = res.Model
		ans.Items = stagedItems(dir, res, ans.Items)
		ans.Usage = usageOf(res)
		if jerr := e.ws.Staging.Journal(ans); jerr != nil {
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

type imageEvents struct {
	hook Hook
	c    *Change
}

func (ev imageEvents) ImageReady(index, w, h int) { ev.hook.ImageReady(ev.c, index, w, h) }

// stagedItems journals the finished files, keeping each slot's download
// URL from the first journal (paid) as a way back if a file is lost.
func stagedItems(dir string, res *provider.Result, paid []StagedItem) []StagedItem {
	urls := map[int]string{}
	for _, it := range paid {
		urls[it.Index] = it.URL
	}
	var items []StagedItem
	for _, im := range res.Images {
		// A recovered image may be at its destination already: then it
		// is found there by its hash, and File stays empty.
		rel, err := filepath.Rel(dir, im.TempPath)
		if err != nil || !filepath.IsLocal(rel) {
			rel = ""
		}
		items = append(items, StagedItem{Index: im.Index, URL: urls[im.Index], File: rel, SHA256: im.SHA256, Bytes: im.Bytes,
			Width: im.Width, Height: im.Height, Format: im.Format})
	}
	for _, f := range res.Failed {
		items = append(items, StagedItem{Index: f.Index, ErrorCode: f.Code, ErrorMessage: f.Message})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Index < items[j].Index })
	return items
}

func usageOf(res *provider.Result) *lockfile.Usage {
	u := &lockfile.Usage{GeneratedImages: res.GeneratedImages, OutputTokens: res.OutputTokens, TotalTokens: res.TotalTokens,
		InputImages: res.InputImages, ToolUsage: res.ToolUsage, RequestID: res.RequestID}
	if u.GeneratedImages == 0 && u.OutputTokens == 0 && u.TotalTokens == 0 && u.InputImages == 0 &&
		len(u.ToolUsage) == 0 && u.RequestID == "" {
		return nil
	}
	return u
}

// recover finishes a journaled answer: finished files are checked, URLs
// not yet downloaded are fetched. No generation request is sent.
func (e *engine) recover(ctx context.Context, a *spec.Asset, hash string) (*provider.Result, error) {
	ans := e.ws.Staging.Answer(a.Addr)
	if ans == nil || ans.SpecHash != hash {
		return nil, errors.New("the staged answer is gone")
	}
	dir := e.ws.Staging.Dir(a.Addr)
	res := &provider.Result{Model: ans.Model}
	if u := ans.Usage; u != nil {
		res.GeneratedImages, res.OutputTokens, res.TotalTokens = u.GeneratedImages, u.OutputTokens, u.TotalTokens
		res.InputImages, res.ToolUsage, res.RequestID = u.InputImages, u.ToolUsage, u.RequestID
	}
	// Where each image goes: record places the k-th image (by index) at
	// the k-th output path. An apply killed after moving an image there,
	// before recording it, left it in place of the staged file.
	images := 0
	for _, it := range ans.Items {
		if it.ErrorCode == "" {
			images++
		}
	}
	dests := outputFiles(a, images)
	var errs []error
	downloaded := false
	k := -1
	for _, it := range ans.Items {
		if it.ErrorCode == "" {
			k++
		}
		staged := filepath.Join(dir, it.File)
		switch {
		case it.ErrorCode != "":
			res.Failed = append(res.Failed, provider.SlotError{Index: it.Index, Code: it.ErrorCode, Message: it.ErrorMessage})
		case it.File != "" && e.ws.hasHash(staged, it.SHA256):
			res.Images = append(res.Images, stagedImage(it, staged))
		case it.SHA256 != "" && e.ws.hasHash(e.ws.OutputPath(dests[k]), it.SHA256):
			res.Images = append(res.Images, stagedImage(it, e.ws.OutputPath(dests[k])))
		case it.URL != "":
			dl, ok := e.opts.Providers[a.Provider].(provider.Downloader)
			if !ok {
				errs = append(errs, fmt.Errorf("provider %s cannot download %s", a.Provider, it.URL))
				continue
			}
			im, err := dl.Download(ctx, it.URL, dir, it.Index)
			if err != nil {
				errs = append(errs, fmt.Errorf("image %d: %w", it.Index+1, err))
				continue
			}
			res.Images = append(res.Images, im)
			downloaded = true
		}
	}
	if downloaded {
		// As after a call: a crash from here on, once the images start
		// moving into place, must find them by their hashes.
		done := *ans
		done.Complete = true
		done.Items = stagedItems(dir, res, ans.Items)
		if err := e.ws.Staging.Journal(&done); err != nil {
			errs = append(errs, err)
			return res, errors.Join(errs...)
		}
	}
	err := errors.Join(errs...)
	if len(res.Images) == 0 && errors.Is(err, provider.ErrAnswerLost) {
		// Paid for by an apply that died before billing it.
		if cerr := e.chargeLost(a, modelOf(a, res), e.billedFor(a, billedImages(res, ans.Items))); cerr != nil {
			return res, errors.Join(err, cerr)
		}
		if derr := e.ws.Staging.Done(a.Addr); derr != nil {
			return res, errors.Join(err, derr)
		}
	}
	return res, err
}

func stagedImage(it StagedItem, name string) provider.Image {
	return provider.Image{Index: it.Index, TempPath: name,
		Width: it.Width, Height: it.Height, Format: it.Format, SHA256: it.SHA256, Bytes: it.Bytes}
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
			refs = append(refs, provider.Ref{File: abs})
		case r.URL != "":
			refs = append(refs, provider.Ref{URL: r.URL})
		case r.Asset != "":
			for _, o := range e.getOutputs(r.Asset) {
				abs, err := filepath.Abs(e.ws.OutputPath(o.Path))
				if err != nil {
					return nil, err
				}
				refs = append(refs, provider.Ref{File: abs})
			}
		}
	}
	return refs, nil
}

// record moves finished images into place and records the asset.
func (e *engine) record(a *spec.Asset, c *Change, hash string, upstream map[string]string, res *provider.Result) ([]lockfile.Output, []lockfile.FailedSlot, error) {
	images := append([]provider.Image(nil), res.Images...)
	sort.Slice(images, func(i, j int) bool { return images[i].Index < images[j].Index })
	paths := outputFiles(a, len(images))
	outs := make([]lockfile.Output, len(images))
	var dirs []string // to sync before the lock names the files
	for i, im := range images {
		dest := e.ws.OutputPath(paths[i])
		if err := moveFile(im.TempPath, dest); err != nil {
			return nil, nil, fmt.Errorf("writing %s: %w", paths[i], err)
		}
		dirs = append(dirs, filepath.Dir(dest))
		outs[i] = lockfile.Output{Path: paths[i], SHA256: im.SHA256, Bytes: im.Bytes, Width: im.Width, Height: im.Height, Format: im.Format}
		if fi, err := os.Stat(dest); err == nil {
			e.ws.Stat.Written(dest, fi, im.SHA256)
		}
	}
	// Files of the previous generation that the new one does not reuse.
	keep := map[string]bool{}
	for _, p := range paths {
		keep[p] = true
	}
	prevAddr := c.Addr
	if c.PrevAddr != "" {
		prevAddr = c.PrevAddr
	}
	if old := e.before[prevAddr]; old != nil {
		for _, o := range old.Outputs {
			moved := !keep[o.Path] || e.ws.recordedOutputDir() != e.ws.Config.OutputDir
			// Only the superseded image itself: another asset's file may
			// have moved onto the path since.
			if moved && e.ws.hasHash(e.ws.RecordedPath(o.Path), o.SHA256) {
				_ = e.removeRecorded(o.Path) // best effort: the new files are in place
			}
		}
	}
	var failed []lockfile.FailedSlot
	for _, f := range res.Failed {
		failed = append(failed, lockfile.FailedSlot{Index: f.Index, Code: f.Code, Message: f.Message})
	}
	ent := &lockfile.Entry{
		Kind: string(a.Kind), SpecHash: hash, Spec: a.HashInput(), Path: a.Path, Dir: a.Dir,
		Provider: a.Provider, Model: res.Model, Outputs: outs, Failed: failed,
		PreventDestroy: a.Lifecycle.PreventDestroy, CreatedAt: time.Now().UTC().Truncate(time.Second),
		Usage: usageOf(res),
	}
	billed := e.billedFor(a, billedImages(res, nil))
	if !billed.Free() {
		ent.Billed = &billed
	}
	if len(upstream) > 0 {
		ent.Upstream = upstream
	}
	e.setOutputs(a.Addr, outs)
	err := e.rec.UpdateAfterSync(dirs, func(l *lockfile.Lock, m *lockfile.Manifest) {
		delete(l.Assets, prevAddr)
		delete(m.Assets, prevAddr)
		l.Assets[a.Addr] = ent
		m.Assets[a.Addr] = &lockfile.ManifestEntry{Files: outs, Meta: a.Meta}
		e.charge(l, modelOf(a, res), billed, false)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("recording in the lock: %w", err)
	}
	e.placed(a.Addr)
	if err := e.ws.Staging.Done(a.Addr); err != nil {
		return outs, failed, fmt.Errorf("cleaning staging: %w", err)
	}
	return outs, failed, nil
}
