package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"

	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// errUnfinishable marks a staged answer of which nothing can ever be
// placed: its images were never whole on disk and cannot be downloaded
// (b64_json or a stream cut by a kill), or their URLs failed for good.
var errUnfinishable = errors.New("nothing of it can be placed")

// recover finishes a journaled answer: finished files are found by their
// hashes (in staging, at their destinations, or kept aside), URLs not
// yet downloaded are fetched. No generation request is sent. When no
// image can be had and none ever will, the answer is dropped from
// staging and the error wraps errUnfinishable.
func (e *engine) recover(ctx context.Context, a *spec.Asset, hash string) (*provider.Result, error) {
	ans := e.ws.Staging.Answer(a.Addr)
	if ans == nil || ans.SpecHash != hash {
		return nil, errors.New("the staged answer is gone")
	}
	dir := e.ws.Staging.Dir(a.Addr)
	res := &provider.Result{Model: ans.Model}
	if u := ans.Usage; u != nil {
		res.GeneratedImages, res.InputTokens, res.OutputTokens, res.TotalTokens = u.GeneratedImages, u.InputTokens, u.OutputTokens, u.TotalTokens
		res.InputImages, res.ToolUsage, res.RequestID = u.InputImages, u.ToolUsage, u.RequestID
	}
	var errs, gone []error
	downloaded := false
	for _, it := range ans.Items {
		if it.ErrorCode != "" {
			res.Failed = append(res.Failed, provider.SlotError{Index: it.Index, Code: it.ErrorCode, Message: it.ErrorMessage})
			continue
		}
		if it.SHA256 != "" {
			if name := e.findFinished(a, dir, it); name != "" {
				res.Images = append(res.Images, stagedImage(it, name))
				continue
			}
		}
		if it.URL == "" {
			// A b64_json or streamed image the kill caught before it was
			// whole, or whose file has since gone: nowhere to get it.
			gone = append(gone, fmt.Errorf("image %d never reached the disk whole", it.Index+1))
			continue
		}
		dl, ok := e.opts.Providers[a.Provider].(provider.Downloader)
		if !ok {
			errs = append(errs, fmt.Errorf("provider %s cannot download %s", a.Provider, it.URL))
			continue
		}
		im, err := dl.Download(ctx, it.URL, dir, it.Index)
		switch {
		case errors.Is(err, provider.ErrAnswerLost):
			gone = append(gone, fmt.Errorf("image %d: %w", it.Index+1, err))
		case err != nil:
			errs = append(errs, fmt.Errorf("image %d: %w", it.Index+1, err))
		default:
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
			return res, errors.Join(append(errs, err)...)
		}
	}
	if len(res.Images) == 0 && len(errs) == 0 {
		// Every slot failed, or none can ever be fetched: there is
		// nothing to wait for. What can never be fetched was paid for by
		// an apply that died before billing it.
		if len(gone) > 0 {
			if cerr := e.chargeLost(a, modelOf(a, res), e.billedFor(a, billedImages(res, ans.Items))); cerr != nil {
				return res, cerr
			}
		}
		if derr := e.ws.Staging.Done(a.Addr); derr != nil {
			return res, derr
		}
		if len(res.Failed) > 0 && len(gone) == 0 {
			return res, nil // the caller reports the failed slots
		}
		return nil, fmt.Errorf("%w: %w", errUnfinishable, errors.Join(gone...))
	}
	return res, errors.Join(append(errs, gone...)...)
}

// findFinished looks for a journaled image by its hash: its staged file,
// any of the asset's output paths (an apply killed after moving it there,
// before recording it), or where extra images are kept. It returns the
// file's path, or "".
func (e *engine) findFinished(a *spec.Asset, dir string, it StagedItem) string {
	if it.File != "" && filepath.IsLocal(it.File) {
		if name := filepath.Join(dir, it.File); e.ws.hasHash(name, it.SHA256) {
			return name
		}
	}
	for _, out := range outputFiles(a, maxImages(a)) {
		if name := e.ws.OutputPath(out); e.ws.hasHash(name, it.SHA256) {
			return name
		}
	}
	if name := e.ws.ConfigPath(keptPath(it.SHA256, it.Format)); e.ws.hasHash(name, it.SHA256) {
		return name
	}
	return ""
}

func stagedImage(it StagedItem, name string) provider.Image {
	return provider.Image{Index: it.Index, TempPath: name,
		Width: it.Width, Height: it.Height, Format: it.Format, SHA256: it.SHA256, Bytes: it.Bytes}
}

// keptPath is where an extra image an answer held is kept, relative to
// the config directory: in the state directory, named by its content.
func keptPath(sha, format string) string {
	if format == "" {
		format = "img"
	}
	return path.Join(StateDirName, "kept", sha+"."+format)
}
