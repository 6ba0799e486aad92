package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seedform/seedform/benchmarks/fixture"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
	"github.com/seedform/seedform/spec"
)

// scale picks n for a full run, or small for -short (CI runs every
// benchmark once in short mode so that they cannot rot).
func scale(n, small int) int {
	if testing.Short() {
		return small
	}
	return n
}

// upToDate writes a config of n placeholder assets with its lock,
// manifest and files.
func upToDate(b *testing.B, n int) string {
	dir := b.TempDir()
	if err := fixture.WriteConfig(dir, fixture.UpToDate(n)); err != nil {
		b.Fatal(err)
	}
	if err := fixture.WriteUpToDate(dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// loadAndPlan loads dir, opens its workspace and plans it, as every
// seedform command that plans does.
func loadAndPlan(b *testing.B, dir string) (*pipeline.Workspace, *pipeline.Plan) {
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	ws, err := pipeline.OpenWorkspace(cfg)
	if err != nil {
		b.Fatal(err)
	}
	plan, diags := pipeline.MakePlan(ws, pipeline.Options{})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	return ws, plan
}

// planOnce is what `seedform plan` does: load, open the workspace, plan,
// save the stat cache.
func planOnce(b *testing.B, dir string) *pipeline.Plan {
	ws, plan := loadAndPlan(b, dir)
	if err := ws.Stat.Save(); err != nil {
		b.Fatal(err)
	}
	return plan
}

func benchPlan(b *testing.B, n int) {
	dir := upToDate(b, n)
	planOnce(b, dir) // the first plan hashes every file and fills the stat cache
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if p := planOnce(b, dir); p.HasChanges() {
			b.Fatalf("%d up-to-date assets planned changes", n)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N)/float64(n), "us/asset")
}

// BenchmarkPlan10k plans 10,000 up-to-date assets in process (the CLI
// adds process start-up; see BENCHMARKS.md). Target: 0.5 s.
func BenchmarkPlan10k(b *testing.B) { benchPlan(b, scale(10000, 500)) }

// BenchmarkPlan100k checks that plan stays linear: us/asset should match
// BenchmarkPlan10k's. Target: 5 s.
func BenchmarkPlan100k(b *testing.B) { benchPlan(b, scale(100000, 2000)) }

type quietHook struct{}

func (quietHook) Started(*pipeline.Change)                              {}
func (quietHook) ImageReady(*pipeline.Change, int, int, int)            {}
func (quietHook) Finished(*pipeline.Change, *pipeline.Result)           {}
func (quietHook) Stopping()                                             {}
func (quietHook) Retrying(*pipeline.Change, int, time.Duration, string) {}
func (quietHook) Warning(string, string)                                {}
func (quietHook) DiskFull(*pipeline.Change, int, string, error)         {}

// BenchmarkApplySmallImages applies n small images with no latency
// against seedreamtest: seedform's own overhead per asset (request,
// download, hashing, staging, recording). Target: 2,000 in under 5 s.
func BenchmarkApplySmallImages(b *testing.B) {
	n := scale(2000, 100)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		srv := seedreamtest.New()
		dir := b.TempDir()
		p := fixture.Params{N: n, BaseURL: srv.BaseURL(), Parallelism: 16, ResponseFormat: "url",
			Model: fixture.SmallModel, Size: fixture.SmallSize}
		if err := fixture.WriteConfig(dir, p); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		applyAll(b, dir, srv, 16)
		b.StopTimer()
		if got := srv.Count(); got != n {
			b.Fatalf("%d requests for %d assets", got, n)
		}
		srv.Close()
		os.RemoveAll(filepath.Join(dir, "tiles"))
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "us/asset")
}

// applyAll plans and applies dir as `seedform apply -auto-approve` does.
func applyAll(b *testing.B, dir string, srv *seedreamtest.Server, parallelism int) {
	ws, plan := loadAndPlan(b, dir)
	client, err := seedream.NewClient(seedream.Config{BaseURL: srv.BaseURL(), APIKey: "bench", Parallelism: parallelism})
	if err != nil {
		b.Fatal(err)
	}
	res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: parallelism, Providers: map[string]provider.Provider{"seedream": provider.NewSeedream(client)}, Hook: quietHook{},
	})
	if err != nil {
		b.Fatal(err)
	}
	if res.Failed() > 0 {
		b.Fatal(fmt.Sprintf("%d assets failed", res.Failed()))
	}
}

// BenchmarkMoveOutputDir moves every file of n up-to-date assets to a new
// output directory: one local change per asset, whose records must share
// group commits (one after another, n changes wrote the lock n times).
func BenchmarkMoveOutputDir(b *testing.B) {
	n := scale(4000, 200)
	for b.Loop() {
		b.StopTimer()
		dir := upToDate(b, n)
		f, err := os.OpenFile(filepath.Join(dir, "main.sf.hcl"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintln(f, `seedform { output_dir = "moved" }`)
		f.Close()
		b.StartTimer()
		ws, plan := loadAndPlan(b, dir)
		res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{Hook: quietHook{}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Failed() > 0 || len(res.Results) != n {
			b.Fatalf("%d results, %d failed, for %d moves: %v %s", len(res.Results), res.Failed(), n, res.Results[0].Err, res.Results[0].Skipped)
		}
	}
}
