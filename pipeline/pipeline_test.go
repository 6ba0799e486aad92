package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seedform/seedform/lockfile"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

// fakeProvider writes a small file per image; it fails for addresses in
// fail and counts calls.
type fakeProvider struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]error
	// block, when set, is waited on before each call returns.
	block chan struct{}
	// billed, when set, is the usage.generated_images each answer reports.
	billed int
}

func (f *fakeProvider) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, req.Asset.Addr)
	err := f.fail[req.Asset.Addr]
	f.mu.Unlock()
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	n := 1
	if req.Asset.Kind == spec.KindImageSet {
		n = req.Asset.MaxImages
	}
	res := &provider.Result{GeneratedImages: f.billed}
	for i := range n {
		name := filepath.Join(req.StageDir, fmt.Sprintf("img-%d", i))
		data := []byte(fmt.Sprintf("%s %s %d", req.Asset.Addr, req.SpecHash, i))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return nil, err
		}
		sum, size, _ := lockfile.HashFile(name)
		res.Images = append(res.Images, provider.Image{Index: i, TempPath: name, Width: 8, Height: 8,
			Format: req.Asset.OutputFormat, SHA256: sum, Bytes: size})
	}
	return res, nil
}

func (f *fakeProvider) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := append([]string(nil), f.calls...)
	sort.Strings(c)
	return c
}

type nopHook struct{}

func (nopHook) Started(*Change)                              {}
func (nopHook) ImageReady(*Change, int, int, int)            {}
func (nopHook) Finished(*Change, *Result)                    {}
func (nopHook) Stopping()                                    {}
func (nopHook) Retrying(*Change, int, time.Duration, string) {}
func (nopHook) Warning(string, string)                       {}
func (nopHook) DiskFull(*Change, int, string, error)         {}

func image(name, prompt string, deps ...string) *spec.Asset {
	a := &spec.Asset{
		Common: &spec.Common{Kind: spec.KindImage, Name: name, Provider: "fake", ProviderType: "placeholder", OutputFormat: "png"},
		Addr:   "image." + name, Prompt: prompt, Path: name + ".png", DependsOn: deps,
	}
	mustSet(a, "size", "8x8")
	mustSet(a, "watermark", true)
	for _, d := range deps {
		a.References = append(a.References, spec.Reference{Asset: d})
	}
	a.SpecHash = a.Request().Hash()
	return a
}

func mustSet(a *spec.Asset, name string, v any) {
	if err := a.Attrs.Set(name, v); err != nil {
		panic(err)
	}
}

func config(dir string, assets ...*spec.Asset) *spec.Config {
	return &spec.Config{
		Dir: dir, OutputDir: "out", Manifest: "out/manifest.json",
		Providers: []*spec.Provider{{Type: "placeholder", Addr: "fake", Parallelism: 4}},
		Assets:    assets, Digest: "test",
	}
}

// run plans cfg in dir and applies the plan with prov.
func run(t *testing.T, cfg *spec.Config, prov provider.Provider, opts Options) (*Plan, *ApplyResult) {
	t.Helper()
	plan := mustPlan(t, cfg, opts)
	ws := mustOpen(t, cfg)
	res, err := Apply(context.Background(), ws, plan, ApplyOptions{
		Parallelism: 4, Providers: map[string]provider.Provider{"fake": prov}, Hook: nopHook{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan, res
}

func mustOpen(t *testing.T, cfg *spec.Config) *Workspace {
	t.Helper()
	ws, err := OpenWorkspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func mustPlan(t *testing.T, cfg *spec.Config, opts Options) *Plan {
	t.Helper()
	plan, diags := MakePlan(mustOpen(t, cfg), opts)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return plan
}

func actions(p *Plan) map[string]Action {
	m := map[string]Action{}
	for _, c := range p.Changes {
		m[c.Addr] = c.Action
	}
	return m
}

func TestPlanActions(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{}
	base := []*spec.Asset{image("a", "A"), image("b", "B"), image("c", "C", "image.b"), image("gone", "G")}
	_, res := run(t, config(dir, base...), prov, Options{})
	if res.Failed() != 0 {
		t.Fatalf("first apply failed: %+v", res.Results)
	}

	moved := image("a", "A")
	moved.Path = "sub/a.png"
	meta := image("b", "B")
	meta.Meta = []byte(`{"alt":"x"}`)
	changedC := image("c", "C2", "image.b")
	renamed := image("g2", "G") // same spec as the removed image.gone

	tests := []struct {
		name   string
		assets []*spec.Asset
		opts   Options
		want   map[string]Action
	}{
		{"nothing changed", base, Options{}, map[string]Action{
			"image.a": NoOp, "image.b": NoOp, "image.c": NoOp, "image.gone": NoOp}},
		{"path, meta and prompt", []*spec.Asset{moved, meta, changedC, image("gone", "G")}, Options{}, map[string]Action{
			"image.a": Move, "image.b": Update, "image.c": Replace, "image.gone": NoOp}},
		{"upstream regenerated cascades", []*spec.Asset{image("a", "A"), image("b", "B2"), image("c", "C", "image.b"), image("gone", "G")}, Options{},
			map[string]Action{"image.a": NoOp, "image.b": Replace, "image.c": Replace, "image.gone": NoOp}},
		{"removed and renamed", []*spec.Asset{image("a", "A"), image("b", "B"), image("c", "C", "image.b"), renamed}, Options{},
			map[string]Action{"image.a": NoOp, "image.b": NoOp, "image.c": NoOp, "image.g2": Move}},
		{"removed", []*spec.Asset{image("a", "A"), image("b", "B"), image("c", "C", "image.b")}, Options{},
			map[string]Action{"image.a": NoOp, "image.b": NoOp, "image.c": NoOp, "image.gone": Delete}},
		{"replace flag", base, Options{Replace: []string{"image.a"}}, map[string]Action{
			"image.a": Replace, "image.b": NoOp, "image.c": NoOp, "image.gone": NoOp}},
		{"target takes dependencies", []*spec.Asset{image("a", "A2"), image("b", "B2"), image("c", "C", "image.b"), image("gone", "G")},
			Options{Targets: []string{"image.c"}}, map[string]Action{"image.b": Replace, "image.c": Replace}},
		{"destroy", base, Options{Destroy: true}, map[string]Action{
			"image.a": Delete, "image.b": Delete, "image.c": Delete, "image.gone": Delete}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := actions(mustPlan(t, config(dir, tt.assets...), tt.opts))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("actions (-want +got):\n%s", d)
			}
		})
	}
}

func TestPlanIgnoreChangesAndForcedBy(t *testing.T) {
	dir := t.TempDir()
	_, _ = run(t, config(dir, image("a", "A")), &fakeProvider{}, Options{})

	changed := image("a", "A new")
	mustSet(changed, "size", "16x16")
	changed.SpecHash = changed.Request().Hash()
	p := mustPlan(t, config(dir, changed), Options{})
	if d := cmp.Diff([]string{"prompt", "size"}, p.Changes[0].ForcedBy()); d != "" {
		t.Errorf("forced by (-want +got):\n%s", d)
	}
	changed.Lifecycle.IgnoreChanges = []string{"prompt", "size"}
	p = mustPlan(t, config(dir, changed), Options{})
	if p.Changes[0].Action != NoOp {
		t.Errorf("with ignore_changes: %s, want no-op", p.Changes[0].Action)
	}
	changed.Lifecycle.IgnoreChanges = []string{"all"}
	p = mustPlan(t, config(dir, changed), Options{})
	if p.Changes[0].Action != NoOp {
		t.Errorf("with ignore_changes = all: %s, want no-op", p.Changes[0].Action)
	}
	want := []AttrChange{
		{Name: "prompt", Before: json.RawMessage(`"A"`), After: json.RawMessage(`"A new"`), ForcesReplacement: true},
		{Name: "size", Before: json.RawMessage(`"8x8"`), After: json.RawMessage(`"16x16"`), ForcesReplacement: true},
	}
	if d := cmp.Diff(want, SpecDiff(mustLock(t, dir).Assets["image.a"].Spec, changed.Request())); d != "" {
		t.Errorf("diffs (-want +got):\n%s", d)
	}
}

func TestPlanDriftAndMissing(t *testing.T) {
	dir := t.TempDir()
	cfg := config(dir, image("a", "A"), image("b", "B"))
	run(t, cfg, &fakeProvider{}, Options{})
	if err := os.WriteFile(filepath.Join(dir, "out", "a.png"), []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "out", "b.png")); err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, cfg, Options{})
	if c := p.Change("image.a"); c.Action != NoOp || len(c.Info().Drift) != 1 {
		t.Errorf("edited output: %s drift %v, want no-op with drift", c.Action, c.Info().Drift)
	}
	if c := p.Change("image.b"); c.Action != Create {
		t.Errorf("missing output: %s, want create", c.Action)
	}
}

func TestApplyFailureSkipsDependentsOnly(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{fail: map[string]error{"image.b": errors.New("boom")}}
	cfg := config(dir, image("a", "A"), image("b", "B"), image("c", "C", "image.b"), image("d", "D", "image.c"))
	_, res := run(t, cfg, prov, Options{})
	got := map[string]string{}
	for _, r := range res.Results {
		switch {
		case r.Err != nil:
			got[r.Addr] = "failed"
		case r.Skipped != "":
			got[r.Addr] = "skipped"
		default:
			got[r.Addr] = "done"
		}
	}
	want := map[string]string{"image.a": "done", "image.b": "failed", "image.c": "skipped", "image.d": "skipped"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"image.a", "image.b"}, prov.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lock.Assets["image.a"]; !ok || len(lock.Assets) != 1 {
		t.Errorf("lock holds %v, want only image.a", keys(lock.Assets))
	}
	// A second apply only retries what did not complete.
	prov.fail = nil
	prov.calls = nil
	_, res = run(t, cfg, prov, Options{})
	if d := cmp.Diff([]string{"image.b", "image.c", "image.d"}, prov.Calls()); d != "" || res.Failed() != 0 {
		t.Errorf("second apply calls (-want +got):\n%s", d)
	}
}

// TestApplyStopStartsNothingNew checks the first interrupt: calls in
// flight finish and are recorded; nothing new starts.
func TestApplyStopStartsNothingNew(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{block: make(chan struct{})}
	var assets []*spec.Asset
	for i := range 6 {
		assets = append(assets, image(fmt.Sprint("n", i), fmt.Sprint("N", i)))
	}
	// Waits on assets that are all in flight or not started: its skip is
	// the interrupt's doing too.
	assets = append(assets, image("after", "After", "image.n0", "image.n5"))
	cfg := config(dir, assets...)
	cfg.Providers[0].Parallelism = 2
	plan := mustPlan(t, cfg, Options{})
	ws := mustOpen(t, cfg)
	stop := make(chan struct{})
	done := make(chan *ApplyResult)
	go func() {
		res, err := Apply(context.Background(), ws, plan, ApplyOptions{Parallelism: 10,
			Providers: map[string]provider.Provider{"fake": prov}, Hook: nopHook{}, Stop: stop})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	for len(prov.Calls()) < 2 {
		runtime.Gosched()
	}
	close(stop)
	close(prov.block)
	res := <-done
	if !res.Stopped {
		t.Error("not reported as stopped")
	}
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(prov.Calls()) != 2 || len(lock.Assets) != 2 {
		t.Errorf("calls %v, lock %v: want the 2 in flight finished and recorded, nothing else", prov.Calls(), keys(lock.Assets))
	}
	skipped := 0
	for _, r := range res.Results {
		if r.Skipped != "" {
			skipped++
			if !r.Interrupted {
				t.Errorf("%s skipped (%s) is not marked as the interrupt's doing", r.Addr, r.Skipped)
			}
		}
	}
	if skipped != 5 {
		t.Errorf("%d skipped, want the 4 not started and their dependent", skipped)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestInterruptedSwapResumes: an apply swapping two assets' paths parks
// one file, moves the other and is killed before recording anything. The
// next plan finds both files by content: one already moved, one parked;
// it moves rather than regenerates, and reports no drift.
func TestInterruptedSwapResumes(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{}
	a, b := image("a", "A"), image("b", "B")
	run(t, config(dir, a, b), prov, Options{})
	out := func(name string) string { return filepath.Join(dir, "out", name) }
	shaA, _, err := lockfile.HashFile(out("a.png"))
	if err != nil {
		t.Fatal(err)
	}
	wantA, _ := os.ReadFile(out("a.png"))
	wantB, _ := os.ReadFile(out("b.png"))

	// The swap, as the kill left it: a parked, b moved to a's old path.
	park := filepath.Join(dir, filepath.FromSlash(parkingPath(shaA)))
	if err := os.MkdirAll(filepath.Dir(park), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out("a.png"), park); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out("b.png"), out("a.png")); err != nil {
		t.Fatal(err)
	}

	a2, b2 := image("a", "A"), image("b", "B")
	a2.Path, b2.Path = "b.png", "a.png"
	swapped := config(dir, a2, b2)
	p := mustPlan(t, swapped, Options{})
	want := map[string]*Change{
		"image.a": {Action: Move, Details: &Details{Moves: []FileMove{{From: parkingPath(shaA), To: "out/b.png", SHA256: shaA}}}},
		"image.b": {Action: Move, Details: &Details{Moves: []FileMove{{From: "out/b.png", To: "out/a.png", SHA256: p.Change("image.b").Info().Moves[0].SHA256, Done: true}}}},
	}
	for addr, w := range want {
		c := p.Change(addr)
		if diff := cmp.Diff(w.Info().Moves, c.Info().Moves); c.Action != w.Action || diff != "" || len(c.Info().Drift) > 0 {
			t.Errorf("%s: %s drift %v, moves (-want +got):\n%s", addr, c.Action, c.Info().Drift, diff)
		}
	}

	calls := len(prov.Calls())
	run(t, swapped, prov, Options{})
	if got := len(prov.Calls()); got != calls {
		t.Errorf("resuming the swap made %d provider calls", got-calls)
	}
	for name, want := range map[string][]byte{"b.png": wantA, "a.png": wantB} {
		if got, _ := os.ReadFile(out(name)); string(got) != string(want) {
			t.Errorf("out/%s = %q, want %q", name, got, want)
		}
	}
	if _, err := os.Stat(filepath.Dir(park)); !os.IsNotExist(err) {
		t.Errorf("the parking folder is left behind: %v", err)
	}
	if p := mustPlan(t, swapped, Options{}); p.HasChanges() {
		t.Errorf("plan after resuming has changes: %v", actions(p))
	}
}

// TestMoveRefusesToOverwrite: a move whose destination holds a file that
// is not leaving fails and keeps both files; nothing is lost.
func TestMoveRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	run(t, config(dir, image("a", "A")), &fakeProvider{}, Options{})
	stranger := filepath.Join(dir, "out", "taken.png")
	if err := os.WriteFile(stranger, []byte("not seedform's"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := image("a", "A")
	a.Path = "taken.png"
	_, res := run(t, config(dir, a), &fakeProvider{}, Options{})
	if len(res.Results) != 1 || res.Results[0].Err == nil {
		t.Fatalf("results %+v, want the move to fail", res.Results)
	}
	if got, _ := os.ReadFile(stranger); string(got) != "not seedform's" {
		t.Errorf("the file in the way was overwritten: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "a.png")); err != nil {
		t.Errorf("the image that could not move is gone: %v", err)
	}
	if p := mustPlan(t, config(dir, image("a", "A")), Options{}); p.HasChanges() {
		t.Errorf("the lock no longer matches a.png: %v", actions(p))
	}
}

// TestRefreshOnlyOnlyAccepts: -refresh-only records hand edits and
// changes nothing else, as Terraform's does.
func TestRefreshOnlyOnlyAccepts(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{}
	run(t, config(dir, image("a", "A"), image("b", "B")), prov, Options{})
	if err := os.WriteFile(filepath.Join(dir, "out", "a.png"), []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := image("b", "B, changed")
	cfg := config(dir, image("a", "A"), b, image("c", "C"))
	p, _ := run(t, cfg, prov, Options{RefreshOnly: true})
	want := map[string]Action{"image.a": Accept, "image.b": NoOp, "image.c": NoOp}
	if diff := cmp.Diff(want, actions(p)); diff != "" {
		t.Errorf("-refresh-only plan (-want +got):\n%s", diff)
	}
	if got := len(prov.Calls()); got != 2 {
		t.Errorf("%d provider calls in all, want the first apply's 2", got)
	}
	after := actions(mustPlan(t, cfg, Options{}))
	if after["image.a"] != NoOp || after["image.b"] != Replace || after["image.c"] != Create {
		t.Errorf("plan after -refresh-only: %v; want a accepted, b and c still to do", after)
	}
}

// TestPreventDestroyFollowsConfig: the lock keeps prevent_destroy so that
// removing the block is refused; setting or clearing it in the config
// updates the lock without regenerating.
func TestPreventDestroyFollowsConfig(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{}
	run(t, config(dir, image("a", "A")), prov, Options{})
	protected := image("a", "A")
	protected.Lifecycle.PreventDestroy = true
	if p, _ := run(t, config(dir, protected), prov, Options{}); p.Change("image.a").Action != Update {
		t.Errorf("setting prevent_destroy: %s, want update", p.Change("image.a").Action)
	}
	ws := mustOpen(t, config(dir))
	if _, diags := MakePlan(ws, Options{}); !diags.HasErrors() {
		t.Error("removing a protected block was not refused")
	}
	if p, _ := run(t, config(dir, image("a", "A")), prov, Options{}); p.Change("image.a").Action != Update {
		t.Errorf("clearing prevent_destroy: %s, want update", p.Change("image.a").Action)
	}
	if p := mustPlan(t, config(dir), Options{}); p.Change("image.a").Action != Delete {
		t.Errorf("removing the unprotected block: %s, want delete", p.Change("image.a").Action)
	}
	if got := len(prov.Calls()); got != 1 {
		t.Errorf("%d provider calls, want 1", got)
	}
}

// stopHook counts Stopping calls and signals the first.
type stopHook struct {
	nopHook
	mu    sync.Mutex
	n     int
	first chan struct{}
}

func (h *stopHook) Stopping() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n++; h.n == 1 {
		close(h.first)
	}
}

// TestStoppingReportedAtOnce: the interrupt is reported while every slot
// is still busy (the next one may free up minutes later), and only once.
func TestStoppingReportedAtOnce(t *testing.T) {
	dir := t.TempDir()
	prov := &fakeProvider{block: make(chan struct{})}
	cfg := config(dir, image("a", "A"), image("b", "B"), image("c", "C"))
	cfg.Providers[0].Parallelism = 1
	plan := mustPlan(t, cfg, Options{})
	ws := mustOpen(t, cfg)
	hook := &stopHook{first: make(chan struct{})}
	stop := make(chan struct{})
	done := make(chan *ApplyResult)
	go func() {
		res, err := Apply(context.Background(), ws, plan, ApplyOptions{Parallelism: 10,
			Providers: map[string]provider.Provider{"fake": prov}, Hook: hook, Stop: stop})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	for len(prov.Calls()) < 1 {
		runtime.Gosched()
	}
	close(stop)
	<-hook.first // with the only slot still busy: reported at once
	close(prov.block)
	res := <-done
	if !res.Stopped || hook.n != 1 {
		t.Errorf("stopped %v, Stopping called %d times; want true and once", res.Stopped, hook.n)
	}
}

func mustLock(t *testing.T, dir string) *lockfile.Lock {
	t.Helper()
	lock, err := lockfile.Read(filepath.Join(dir, lockfile.FileName))
	if err != nil {
		t.Fatal(err)
	}
	return lock
}
