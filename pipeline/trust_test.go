package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/schema"
	"github.com/seedform/seedform/spec"
)

// shot is one image an answerProvider returns: its slot and its bytes.
type shot struct {
	index int
	body  string
}

// answerProvider answers each call with the images shots gives for the
// asset, written to the staging directory, journaled through Paid as a
// b64_json answer is (each image whole on disk when the answer is seen).
type answerProvider struct {
	shots func(a *schema.Asset, call int) []shot
	// err is returned with the images.
	err error

	mu    sync.Mutex
	calls map[string]int
}

func (p *answerProvider) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	p.mu.Lock()
	if p.calls == nil {
		p.calls = map[string]int{}
	}
	p.calls[req.Asset.Addr]++
	call := p.calls[req.Asset.Addr]
	p.mu.Unlock()
	res := &provider.Result{}
	var paid []provider.PaidItem
	for i, s := range p.shots(req.Asset, call) {
		name := filepath.Join(req.StageDir, fmt.Sprintf("part-%d", i))
		if err := os.WriteFile(name, []byte(s.body), 0o644); err != nil {
			return nil, err
		}
		sum, size, _ := lockfile.HashFile(name)
		im := provider.Image{Index: s.index, TempPath: name, Width: 8, Height: 8, Format: "png", SHA256: sum, Bytes: size}
		res.Images = append(res.Images, im)
		paid = append(paid, provider.PaidItem{Index: s.index, Image: &im})
	}
	if req.Paid != nil {
		if err := req.Paid(paid); err != nil {
			return res, err
		}
	}
	return res, p.err
}

func (p *answerProvider) count(addr string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[addr]
}

// checkLockTrue fails unless every file the lock in dir names holds the
// sha256 the lock records for it.
func checkLockTrue(t *testing.T, dir string) *lockfile.Lock {
	t.Helper()
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatalf("the lock does not parse: %v", err)
	}
	outDir := lock.OutputDir
	for addr, ent := range lock.Assets {
		for _, o := range ent.Outputs {
			name := filepath.Join(dir, outDir, o.Path)
			sum, _, err := lockfile.HashFile(name)
			if err != nil || sum != o.SHA256 {
				t.Errorf("the lock lies: %s names %s with sha256 %.12s, the file has %.12s (%v)", addr, o.Path, o.SHA256, sum, err)
			}
		}
	}
	return lock
}

// TestAnyAnswerShapeIsRecorded: answers with more images than the asset
// takes, a slot twice, slots far out of range, never panic; the asset is
// recorded from what came back, every extra paid image is kept and
// reported, and the next apply pays for nothing.
func TestAnyAnswerShapeIsRecorded(t *testing.T) {
	t.Parallel()
	single := image("single", "one image, three answered")
	twice := image("twice", "slot 0 twice")
	far := image("far", "out of range")
	set := image("set", "a set of two, four answered")
	set.Kind, set.Addr, set.Path, set.Dir, set.MaxImages = spec.KindImageSet, "image_set.set", "", "set", 2
	set.SpecHash = set.Request().Hash()
	prov := &answerProvider{shots: func(a *schema.Asset, _ int) []shot {
		switch a.Addr {
		case "image.single":
			return []shot{{2, "third"}, {0, "first"}, {1, "second"}}
		case "image.twice":
			return []shot{{0, "zero"}, {0, "zero again"}, {0, "zero"}}
		case "image.far":
			return []shot{{41, "forty-two"}}
		default:
			return []shot{{0, "s0"}, {1, "s1"}, {2, "s2"}, {7, "s7"}}
		}
	}}
	dir := t.TempDir()
	cfg := config(dir, single, twice, far, set)
	_, res := run(t, cfg, prov, Options{})
	byAddr := map[string]*Result{}
	for _, r := range res.Results {
		byAddr[r.Addr] = r
		if r.Err != nil {
			t.Errorf("%s: %v", r.Addr, r.Err)
		}
	}
	read := func(rel string) string {
		b, _ := os.ReadFile(filepath.Join(dir, "out", rel))
		return string(b)
	}
	for rel, want := range map[string]string{"single.png": "first", "twice.png": "zero", "far.png": "forty-two", "set/1.png": "s0", "set/2.png": "s1"} {
		if got := read(rel); got != want {
			t.Errorf("out/%s holds %q, want %q", rel, got, want)
		}
	}
	kept, _ := filepath.Glob(filepath.Join(dir, StateDirName, "kept", "*"))
	var keptBodies []string
	for _, k := range kept {
		b, _ := os.ReadFile(k)
		keptBodies = append(keptBodies, string(b))
	}
	for _, want := range []string{"second", "third", "zero again", "s2", "s7"} {
		if !strings.Contains(strings.Join(keptBodies, "|"), want) {
			t.Errorf("the extra paid image %q was thrown away; kept: %q", want, keptBodies)
		}
	}
	for _, addr := range []string{"image.single", "image.twice", "image_set.set"} {
		if r := byAddr[addr]; r == nil || len(r.Notes) == 0 {
			t.Errorf("%s: the extra images are not reported: %+v", addr, r)
		}
	}
	lock := checkLockTrue(t, dir)
	if n := len(lock.Assets["image_set.set"].Outputs); n != 2 {
		t.Errorf("the set records %d images, want max_images 2", n)
	}
	run(t, cfg, prov, Options{})
	for _, a := range cfg.Assets {
		if n := prov.count(a.Addr); n != 1 {
			t.Errorf("%s was paid for %d times", a.Addr, n)
		}
	}
}

// TestRecoveryOfSeveralImagesForOneImage: a journaled answer that holds
// two images for an image (a kill before recording) is recovered, not a
// panic on every later apply.
func TestRecoveryOfSeveralImagesForOneImage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := image("a", "A")
	cfg := config(dir, a)
	stageAnswer(t, cfg, a, []shot{{0, "one"}, {1, "two"}}, true)
	p := mustPlan(t, cfg, Options{})
	if c := p.Change(a.Addr); c.Action != Recover {
		t.Fatalf("plan: %s, want recover", c.Action)
	}
	prov := &answerProvider{shots: func(*schema.Asset, int) []shot { return []shot{{0, "new"}} }}
	_, res := run(t, cfg, prov, Options{})
	if r := res.Results[0]; r.Err != nil || len(r.Notes) == 0 {
		t.Fatalf("recovery: %v, notes %q", r.Err, r.Notes)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "a.png")); string(b) != "one" || prov.count(a.Addr) != 0 {
		t.Errorf("out/a.png = %q after %d call(s), want the first staged image and no call", b, prov.count(a.Addr))
	}
	checkStagingEmpty(t, dir)
}

// stageAnswer journals an answer for a as a killed apply leaves it: the
// images' files in staging with their hashes (finished) or only their
// slots (cut before they were whole).
func stageAnswer(t *testing.T, cfg *spec.Config, a *spec.Asset, shots []shot, finished bool) {
	t.Helper()
	ws := mustOpen(t, cfg)
	dir, err := ws.Staging.Begin(a.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ans := &StagedAnswer{Addr: a.Addr, SpecHash: a.SpecHash, Provider: a.Provider, Created: time.Now().UTC()}
	for i, s := range shots {
		name := fmt.Sprintf("seedream-%d.part", i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s.body), 0o644); err != nil {
			t.Fatal(err)
		}
		it := StagedItem{Index: s.index}
		if finished {
			sum, size, _ := lockfile.HashFile(filepath.Join(dir, name))
			it = StagedItem{Index: s.index, File: name, SHA256: sum, Bytes: size, Width: 8, Height: 8, Format: "png"}
		}
		ans.Items = append(ans.Items, it)
	}
	if err := ws.Staging.Journal(ans); err != nil {
		t.Fatal(err)
	}
}

func checkStagingEmpty(t *testing.T, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, StateDirName, "staging", "*"))
	if len(left) > 0 {
		t.Errorf("staging is not empty: %v", left)
	}
}

// TestRecoveryAlwaysConverges: every journal state a kill can leave ends
// on the next apply in the images finished from staging, or the answer
// dropped (and said so) and the asset generated again; staging ends
// empty either way, and the apply after that has nothing to do.
func TestRecoveryAlwaysConverges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		kind     spec.Kind
		shots    []shot
		finished bool
		want     []string // the recorded files' contents
		calls    int
	}{
		{"b64 answer journaled before its images were whole", spec.KindImage, []shot{{0, "cut"}}, false, []string{"fresh 0"}, 1},
		{"streamed set cut between images", spec.KindImageSet, []shot{{0, "first"}, {1, "second"}}, true, []string{"first", "second"}, 0},
		{"slots with no image at all", spec.KindImageSet, []shot{{0, ""}, {1, ""}}, false, []string{"fresh 0", "fresh 1", "fresh 2"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			a := image("a", "A")
			if tt.kind == spec.KindImageSet {
				a.Kind, a.Addr, a.Path, a.Dir, a.MaxImages = spec.KindImageSet, "image_set.a", "", "a", 3
				a.SpecHash = a.Request().Hash()
			}
			cfg := config(dir, a)
			stageAnswer(t, cfg, a, tt.shots, tt.finished)
			prov := &answerProvider{shots: func(a *schema.Asset, _ int) []shot {
				n := 1
				if a.Kind == spec.KindImageSet {
					n = 3
				}
				var s []shot
				for i := range n {
					s = append(s, shot{i, fmt.Sprintf("fresh %d", i)})
				}
				return s
			}}
			_, res := run(t, cfg, prov, Options{})
			r := res.Results[0]
			if r.Err != nil {
				t.Fatalf("apply after the kill: %v", r.Err)
			}
			if tt.calls > 0 && !strings.Contains(strings.Join(r.Notes, " "), "dropped") {
				t.Errorf("the dropped answer is not reported: notes %q", r.Notes)
			}
			if got := prov.count(a.Addr); got != tt.calls {
				t.Errorf("%d generation call(s), want %d", got, tt.calls)
			}
			lock := checkLockTrue(t, dir)
			var got []string
			for _, o := range lock.Assets[a.Addr].Outputs {
				b, _ := os.ReadFile(filepath.Join(dir, "out", o.Path))
				got = append(got, string(b))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("recorded %q, want %q", got, tt.want)
			}
			checkStagingEmpty(t, dir)
			if p := mustPlan(t, cfg, Options{}); p.HasChanges() {
				t.Errorf("the apply after did not converge: %v", actions(p))
			}
		})
	}
}

// TestLockNeverLiesDuringRegeneration: when a regeneration is cut after
// its answer is paid and before it is recorded (here the lock's write
// fails; in the crash test, a kill), every file the lock names still
// holds the sha256 it records, and the next apply finishes the paid
// answer with no new request.
func TestLockNeverLiesDuringRegeneration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prov := &answerProvider{shots: func(a *schema.Asset, call int) []shot {
		return []shot{{0, fmt.Sprintf("%s call %d", a.Prompt, call)}}
	}}
	run(t, config(dir, image("a", "old prompt")), prov, Options{})
	cfg := config(dir, image("a", "new prompt"))
	ws := mustOpen(t, cfg)
	plan, diags := MakePlan(ws, Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	// The manifest's folder becomes a file and the journal a folder: every
	// write of the lock, whole or journaled, fails.
	cfg.Manifest = "blocked/manifest.json"
	if err := os.WriteFile(filepath.Join(dir, "blocked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(ws.JournalPath(), "blocked"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), ws, plan, ApplyOptions{Parallelism: 1, Providers: map[string]provider.Provider{"fake": prov}, Hook: nopHook{}})
	if err == nil && res.Results[0].Err == nil {
		t.Fatal("the regeneration was recorded although the lock cannot be written")
	}
	checkLockTrue(t, dir)

	cfg.Manifest = "out/manifest.json"
	if err := os.RemoveAll(ws.JournalPath()); err != nil {
		t.Fatal(err)
	}
	_, res2 := run(t, cfg, prov, Options{})
	if r := res2.Results[0]; r.Err != nil || r.Action != Recover {
		t.Fatalf("the next apply: %s %v, want a recovery", r.Action, r.Err)
	}
	if n := prov.count("image.a"); n != 2 {
		t.Errorf("%d calls, want 2: the paid regeneration was paid again", n)
	}
	checkLockTrue(t, dir)
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "a.png")); string(b) != "new prompt call 2" {
		t.Errorf("out/a.png = %q, want the paid regeneration", b)
	}
	checkStagingEmpty(t, dir)
}

// TestNothingOutsideIsTouched: symbolic links planted in the config
// directory (an output folder, the lock's output_dir, .seedform, a folder
// leading into .git) never make apply delete, move or write a file
// outside it or in a folder that is not the outputs'.
func TestNothingOutsideIsTouched(t *testing.T) {
	t.Parallel()
	outsideFile := func(t *testing.T, body string) string {
		name := filepath.Join(t.TempDir(), "a.png")
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return name
	}
	mustExist := func(t *testing.T, name, body string) {
		t.Helper()
		if b, err := os.ReadFile(name); err != nil || string(b) != body {
			t.Errorf("the file outside was touched: %q %v", b, err)
		}
	}
	t.Run("output folder replaced by a link, block removed", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		prov := &fakeProvider{}
		run(t, config(dir, image("a", "A")), prov, Options{})
		body, _ := os.ReadFile(filepath.Join(dir, "out", "a.png"))
		outside := outsideFile(t, string(body))
		os.Rename(filepath.Join(dir, "out"), filepath.Join(dir, "real-out"))
		if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "out")); err != nil {
			t.Fatal(err)
		}
		_, res := run(t, config(dir), prov, Options{})
		if len(res.Results) != 1 || res.Results[0].Err == nil || !strings.Contains(res.Results[0].Err.Error(), "outside") {
			t.Errorf("the delete through the link was not refused: %+v", res.Results)
		}
		mustExist(t, outside, string(body))
	})
	t.Run("a regeneration through a link", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		prov := &fakeProvider{}
		run(t, config(dir, image("a", "A")), prov, Options{})
		outside := outsideFile(t, "theirs")
		os.RemoveAll(filepath.Join(dir, "out"))
		if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "out")); err != nil {
			t.Fatal(err)
		}
		_, res := run(t, config(dir, image("a", "A2")), prov, Options{})
		if res.Results[0].Err == nil {
			t.Errorf("the write through the link was not refused")
		}
		mustExist(t, outside, "theirs")
	})
	t.Run(".seedform is a link", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		elsewhere := t.TempDir()
		if err := os.Symlink(elsewhere, filepath.Join(dir, StateDirName)); err != nil {
			t.Fatal(err)
		}
		_, err := OpenWorkspace(config(dir, image("a", "A")))
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("OpenWorkspace: %v, want the link refused", err)
		}
		if _, err := lockfile.Acquire(filepath.Join(dir, StateDirName), 0, "test"); err == nil {
			t.Errorf("the process lock was taken through the link")
		}
		if ents, _ := os.ReadDir(elsewhere); len(ents) > 0 {
			t.Errorf("files written through the link: %v", ents)
		}
	})
	t.Run("outputs into .git", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
		if err := os.Symlink(filepath.Join(dir, ".git"), filepath.Join(dir, "out")); err != nil {
			t.Fatal(err)
		}
		_, res := run(t, config(dir, image("a", "A")), &fakeProvider{}, Options{})
		if res.Results[0].Err == nil {
			t.Errorf("an output was written into .git")
		}
		if ents, _ := os.ReadDir(filepath.Join(dir, ".git")); len(ents) > 0 {
			t.Errorf(".git holds %v", ents)
		}
	})
}

// TestDeleteOnlyTheRecordedImage: removing a block deletes its output
// only while it holds the recorded image; an edited one stays, said so.
func TestDeleteOnlyTheRecordedImage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run(t, config(dir, image("a", "A")), &fakeProvider{}, Options{})
	name := filepath.Join(dir, "out", "a.png")
	if err := os.WriteFile(name, []byte("the user's own"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, res := run(t, config(dir), &fakeProvider{}, Options{})
	if r := res.Results[0]; r.Err != nil || len(r.Notes) == 0 {
		t.Errorf("delete: %v, notes %q; want the edited file left and said so", r.Err, r.Notes)
	}
	if b, _ := os.ReadFile(name); string(b) != "the user's own" {
		t.Errorf("the edited file was deleted")
	}
}

// TestNoSilentOverwrite: a file seedform did not write at a new asset's
// output path, or an output edited by hand whose spec changed, is named
// in the plan and never overwritten (nor paid for) unless the user asks
// with -replace; a path change of an edited output moves it, edit and
// all, instead of failing on every apply.
func TestNoSilentOverwrite(t *testing.T) {
	t.Parallel()
	write := func(t *testing.T, name, body string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string { b, _ := os.ReadFile(name); return string(b) }
	refuses := func(t *testing.T, cfg *spec.Config, name, body string) {
		t.Helper()
		p := mustPlan(t, cfg, Options{})
		c := p.Change("image.a")
		if len(c.Info().InTheWay) != 1 || !strings.Contains(strings.Join(c.Info().Reasons, " "), "-replace=image.a") {
			t.Errorf("the plan does not name the file in the way: %v, reasons %q", c.Info().InTheWay, c.Info().Reasons)
		}
		prov := &fakeProvider{}
		_, res := run(t, cfg, prov, Options{})
		if r := res.Results[0]; r.Err == nil || !strings.Contains(r.Err.Error(), "-replace=image.a") {
			t.Errorf("apply: %v, want a refusal saying the way out", r.Err)
		}
		if got := read(name); got != body {
			t.Errorf("the file was overwritten: %q", got)
		}
		if len(prov.Calls()) != 0 {
			t.Errorf("%d request(s) paid for an image with nowhere to go", len(prov.Calls()))
		}
		run(t, cfg, prov, Options{Replace: []string{"image.a"}})
		if got := read(name); got == body || len(prov.Calls()) != 1 {
			t.Errorf("-replace did not overwrite the file (%d call(s))", len(prov.Calls()))
		}
	}
	t.Run("a user's file at a new asset's path", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		name := filepath.Join(dir, "out", "a.png")
		write(t, name, "the user's own")
		refuses(t, config(dir, image("a", "A")), name, "the user's own")
	})
	t.Run("an edited output whose spec changed", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run(t, config(dir, image("a", "A")), &fakeProvider{}, Options{})
		name := filepath.Join(dir, "out", "a.png")
		write(t, name, "retouched by hand")
		refuses(t, config(dir, image("a", "A changed")), name, "retouched by hand")
	})
	t.Run("a path move of an edited output", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		run(t, config(dir, image("a", "A")), &fakeProvider{}, Options{})
		write(t, filepath.Join(dir, "out", "a.png"), "retouched by hand")
		moved := image("a", "A")
		moved.Path = "b.png"
		_, res := run(t, config(dir, moved), &fakeProvider{}, Options{})
		if r := res.Results[0]; r.Err != nil {
			t.Fatalf("the move failed: %v", r.Err)
		}
		if got := read(filepath.Join(dir, "out", "b.png")); got != "retouched by hand" {
			t.Errorf("out/b.png = %q, want the edit moved along", got)
		}
		p := mustPlan(t, config(dir, moved), Options{})
		if c := p.Change("image.a"); c.Action != NoOp || len(c.Info().Drift) != 1 {
			t.Errorf("plan after the move: %s, drift %v; want only the drift reported", c.Action, c.Info().Drift)
		}
	})
}

// TestMoveAcrossFileSystems: an image staged on one file system moves to
// an output folder on another (rename fails there with EXDEV) by a synced
// copy, whole, and the staged file is gone.
func TestMoveAcrossFileSystems(t *testing.T) {
	t.Parallel()
	other, err := os.MkdirTemp("/dev/shm", "seedform-exdev-")
	if err != nil {
		t.Skipf("no second file system to move from: %v", err)
	}
	defer os.RemoveAll(other)
	from := filepath.Join(other, "staged.png")
	to := filepath.Join(t.TempDir(), "out", "a.png")
	if err := os.WriteFile(from, []byte("a paid image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(from, filepath.Join(filepath.Dir(to)+"-probe")); err == nil || !errors.Is(err, syscall.EXDEV) {
		t.Skipf("%s and the temp dir are one file system (%v)", other, err)
	}
	if err := moveFile(from, to); err != nil {
		t.Fatalf("moving across file systems: %v", err)
	}
	if b, _ := os.ReadFile(to); string(b) != "a paid image" {
		t.Errorf("the destination holds %q", b)
	}
	if _, err := os.Stat(from); !os.IsNotExist(err) {
		t.Errorf("the staged file is still there: %v", err)
	}
}

// TestStateFilesNeverFollowLinks: links a hostile clone can commit in
// place of seedform's own files (the lock, the process lock, staging, an
// answer's folder) are never written or read through: apply refuses or
// removes the link itself, and what it points to is untouched.
func TestStateFilesNeverFollowLinks(t *testing.T) {
	t.Parallel()
	outside := func(t *testing.T) (dir, file string) {
		dir = t.TempDir()
		file = filepath.Join(dir, "precious")
		if err := os.WriteFile(file, []byte("not seedform's"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir, file
	}
	untouched := func(t *testing.T, dir string) {
		t.Helper()
		ents, _ := os.ReadDir(dir)
		b, _ := os.ReadFile(filepath.Join(dir, "precious"))
		if len(ents) != 1 || string(b) != "not seedform's" {
			t.Errorf("the folder outside was touched: %d entries, %q", len(ents), b)
		}
	}
	link := func(t *testing.T, target, name string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("the lock is a link to a device", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		link(t, "/dev/zero", filepath.Join(dir, lockfile.FileName))
		done := make(chan error, 1)
		go func() { _, err := OpenWorkspace(config(dir, image("a", "A"))); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("OpenWorkspace: %v, want the device refused", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("reading the lock never ended")
		}
	})
	t.Run("the process lock is a link", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		out, file := outside(t)
		link(t, file, filepath.Join(dir, StateDirName, "lock"))
		if pl, err := lockfile.Acquire(filepath.Join(dir, StateDirName), 0, "apply"); err == nil {
			pl.Release()
			t.Error("the process lock was taken through a link")
		}
		untouched(t, out)
	})
	t.Run("staging is a link", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		out, _ := outside(t)
		link(t, out, filepath.Join(dir, StateDirName, "staging"))
		if _, err := OpenWorkspace(config(dir, image("a", "A"))); err == nil {
			t.Error("a staging folder that is a link was accepted")
		}
		untouched(t, out)
	})
	t.Run("an answer's folder is a link", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		out, _ := outside(t)
		a := image("a", "A")
		link(t, out, filepath.Join(dir, StateDirName, "staging", stageName(a.Addr)))
		_, res := run(t, config(dir, a), &fakeProvider{}, Options{})
		if r := res.Results[0]; r.Err != nil {
			t.Errorf("apply: %v", r.Err)
		}
		untouched(t, out)
		checkLockTrue(t, dir)
	})
}
