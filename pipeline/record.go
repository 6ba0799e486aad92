package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// maxImages is the most images an asset records: an image's one, a
// set's max_images (the API's ceiling of 15 when none is set).
func maxImages(a *spec.Asset) int {
	if n := imageCount(a); n > 0 {
		return n
	}
	return 15
}

// placement splits the images an answer brought into those the asset
// records, in slot order, and the extras: a second image for an image, a
// set's images past max_images, a slot answered twice with different
// bytes. The same bytes twice are one image. Nothing paid for is lost:
// the caller keeps the extras aside.
func placement(a *spec.Asset, images []provider.Image) (keep, extra, same []provider.Image) {
	sorted := append([]provider.Image(nil), images...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Index < sorted[j].Index })
	seen := map[string]bool{}
	for _, im := range sorted {
		switch {
		case seen[im.SHA256]:
			same = append(same, im)
		case len(keep) < maxImages(a):
			keep = append(keep, im)
		default:
			extra = append(extra, im)
		}
		seen[im.SHA256] = true
	}
	return keep, extra, same
}

// oldFile is a file of an asset's previous generation, relative to the
// config directory, with the content the lock recorded.
type oldFile struct{ rel, sha string }

// previousFiles are the files the asset's previous generation left:
// those its lock entry names, and those a staged answer journaled as
// about to be replaced before a kill took the entry out of the lock.
func (e *engine) previousFiles(prevAddr string, ans *StagedAnswer) []oldFile {
	var old []oldFile
	if ent := e.before[prevAddr]; ent != nil {
		for _, o := range ent.Outputs {
			old = append(old, oldFile{path.Join(e.ws.recordedOutputDir(), o.Path), o.SHA256})
		}
	}
	if ans != nil {
		for _, f := range ans.Replaces {
			old = append(old, oldFile{f.Path, f.SHA256})
		}
	}
	return old
}

// record moves finished images into place and records the asset. The
// lock never names a file whose content is not what it records: when the
// new images replace or remove files the lock names, the entry leaves
// the lock first (the staged answer, journaled as replacing them, lets a
// run killed in between finish the work), then the old files go, the new
// ones move into place, and the new entry is written.
func (e *engine) record(a *spec.Asset, c *Change, hash string, upstream map[string]string, res *provider.Result) ([]lockfile.Output, []lockfile.FailedSlot, error) {
	keep, extra, same := placement(a, res.Images)
	paths := outputFiles(a, len(keep))
	prevAddr := c.Addr
	if prev := c.Info().PrevAddr; prev != "" {
		prevAddr = prev
	}
	ans := e.ws.Staging.Answer(a.Addr)
	old := e.previousFiles(prevAddr, ans)
	replaced := map[string]string{} // config-relative path -> recorded sha
	for _, f := range old {
		replaced[f.rel] = f.sha
	}
	dests := make([]string, len(keep))
	newAt := map[string]bool{}
	for i, p := range paths {
		rel := path.Join(e.ws.Config.OutputDir, p)
		dest, err := e.ws.outputTarget(rel)
		if err != nil {
			return nil, nil, err
		}
		if err := e.mayOverwrite(c, rel, dest, keep[i].SHA256, replaced[rel]); err != nil {
			return nil, nil, err
		}
		dests[i] = dest
		newAt[rel] = true
	}
	if err := e.unrecordPrevious(a, prevAddr, old, newAt, keep); err != nil {
		return nil, nil, err
	}
	for _, f := range old {
		// Only the superseded image itself: another asset's file may
		// have moved onto the path since.
		if !newAt[f.rel] && e.ws.hasHash(e.ws.ConfigPath(f.rel), f.sha) {
			if err := e.removeFile(f.rel); err != nil {
				e.note(a.Addr, fmt.Sprintf("could not delete the previous image %s: %v", f.rel, err))
			}
		}
	}
	outs := make([]lockfile.Output, len(keep))
	var dirs []string // to sync before the lock names the files
	for i, im := range keep {
		if im.TempPath != dests[i] {
			if err := moveFile(im.TempPath, dests[i]); err != nil {
				return nil, nil, fmt.Errorf("writing %s: %w", paths[i], err)
			}
		}
		dirs = append(dirs, filepath.Dir(dests[i]))
		outs[i] = lockfile.Output{Path: paths[i], SHA256: im.SHA256, Bytes: im.Bytes, Width: im.Width, Height: im.Height, Format: im.Format}
		if fi, err := os.Stat(dests[i]); err == nil {
			e.ws.Stat.Written(dests[i], fi, im.SHA256)
		}
	}
	if err := e.keepExtras(a, extra); err != nil {
		return nil, nil, err
	}
	if len(same) > 0 {
		e.note(a.Addr, fmt.Sprintf("the answer held %d image(s) twice; each is recorded once", len(same)))
	}
	var failed []lockfile.FailedSlot
	for _, f := range res.Failed {
		failed = append(failed, lockfile.FailedSlot{Index: f.Index, Code: f.Code, Message: f.Message})
	}
	ent := &lockfile.Entry{
		Kind: string(a.Kind), SpecHash: hash, Spec: a.Recorded(), SpecVersion: specVersion(a), Path: a.Path, Dir: a.Dir,
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
	// A regeneration took the old entry out first (unrecordPrevious), so
	// that the lock never names a file apply is overwriting.
	var drop []string
	if prevAddr != a.Addr {
		drop = append(drop, prevAddr)
	}
	err := e.rec.Set(dirs, a.Addr, ent, &lockfile.ManifestEntry{Files: outs, Meta: a.Meta}, drop...)
	if err != nil {
		return nil, nil, fmt.Errorf("recording in the lock: %w", err)
	}
	e.charge(modelOf(a, res), billed, false)
	e.placed(a.Addr)
	if err := e.ws.Staging.Done(a.Addr); err != nil {
		return outs, failed, fmt.Errorf("cleaning staging: %w", err)
	}
	return outs, failed, nil
}

// filesInTheWay lists, relative to the config directory, the files at
// a's output paths that a generation would overwrite and that are
// neither the previous generation's recorded images (prev, the lock
// entry it replaces; replaced, files a staged answer journaled as
// replaced) nor images a staged answer already placed (staged, by
// sha256): a user's own file, or an output edited by hand.
func (ws *Workspace) filesInTheWay(a *spec.Asset, prev *lockfile.Entry, ans *StagedAnswer) []string {
	ours := map[string]map[string]bool{} // config-relative path -> contents seedform wrote there
	add := func(rel, sha string) {
		if ours[rel] == nil {
			ours[rel] = map[string]bool{}
		}
		ours[rel][sha] = true
	}
	if prev != nil {
		for _, o := range prev.Outputs {
			add(path.Join(ws.recordedOutputDir(), o.Path), o.SHA256)
		}
	}
	staged := map[string]bool{}
	if ans != nil {
		for _, f := range ans.Replaces {
			add(f.Path, f.SHA256)
		}
		for _, it := range ans.Items {
			staged[it.SHA256] = it.SHA256 != ""
		}
	}
	var in []string
	for _, out := range outputFiles(a, maxImages(a)) {
		rel := path.Join(ws.Config.OutputDir, out)
		name := ws.ConfigPath(rel)
		fi, err := os.Lstat(name)
		if err != nil {
			continue
		}
		if fi.Mode().IsRegular() {
			if sum, ok := ws.currentHash(name, fi); ok && (ours[rel][sum] || staged[sum]) {
				continue
			}
		}
		in = append(in, rel)
	}
	return in
}

// currentHash is the sha256 of the regular file name (as fi describes
// it), from the stat cache when it knows the file.
func (ws *Workspace) currentHash(name string, fi os.FileInfo) (string, bool) {
	if sum, ok := ws.Stat.SHA256(name, fi); ok {
		return sum, true
	}
	sum, _, err := lockfile.HashFile(name)
	return sum, err == nil
}

// inTheWayError is the refusal to overwrite files at an asset's output
// paths, with the ways out.
func inTheWayError(addr string, files []string) error {
	return fmt.Errorf("%s: not written by seedform, or edited by hand since; nothing was overwritten (or paid for): move it away and apply again, or apply with -replace=%s to overwrite it",
		strings.Join(files, ", "), addr)
}

// mayOverwrite refuses to replace a file at dest that is neither absent,
// the new image itself, nor the image this asset's previous generation
// left there, unless the user asked for the asset to be replaced.
func (e *engine) mayOverwrite(c *Change, rel, dest, newSHA, recordedSHA string) error {
	fi, err := os.Lstat(dest)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is in the way and is not a file; move it away and apply again", rel)
	}
	if e.ws.hasHash(dest, newSHA) || (recordedSHA != "" && e.ws.hasHash(dest, recordedSHA)) || c.Info().Overwrite {
		return nil
	}
	return fmt.Errorf("%s: not written by seedform, or edited by hand since; the paid image is kept in staging: move the file away and apply again, or apply with -replace=%s to overwrite it", rel, c.Addr)
}

// unrecordPrevious takes the previous entry out of the lock and manifest
// before any file it names changes, after journaling those files as
// replaced by the staged answer.
func (e *engine) unrecordPrevious(a *spec.Asset, prevAddr string, old []oldFile, newAt map[string]bool, keep []provider.Image) error {
	if e.before[prevAddr] == nil || len(old) == 0 {
		return nil
	}
	newSHA := map[string]string{}
	for i, p := range outputFiles(a, len(keep)) {
		newSHA[path.Join(e.ws.Config.OutputDir, p)] = keep[i].SHA256
	}
	changes := false
	for _, f := range old {
		if !newAt[f.rel] || newSHA[f.rel] != f.sha {
			changes = true
		}
	}
	if !changes {
		return nil
	}
	if ans := e.ws.Staging.Answer(a.Addr); ans != nil {
		next := *ans
		next.Replaces = nil
		for _, f := range old {
			next.Replaces = append(next.Replaces, StagedFile{Path: f.rel, SHA256: f.sha})
		}
		if err := e.ws.Staging.Journal(&next); err != nil {
			return err
		}
	}
	return e.rec.Forget(prevAddr)
}

// keepExtras moves images the asset does not record into the state
// directory, named by content, and says so: they are paid for.
func (e *engine) keepExtras(a *spec.Asset, extra []provider.Image) error {
	if len(extra) == 0 {
		return nil
	}
	for _, im := range extra {
		rel := keptPath(im.SHA256, im.Format)
		dest := e.ws.ConfigPath(rel)
		if err := e.ws.confine(dest); err != nil {
			return err
		}
		if err := moveFile(im.TempPath, dest); err != nil {
			return fmt.Errorf("keeping an extra image: %w", err)
		}
	}
	e.note(a.Addr, fmt.Sprintf("the answer held %d more image(s) than the asset records; kept in %s/kept/, not recorded", len(extra), StateDirName))
	return nil
}
