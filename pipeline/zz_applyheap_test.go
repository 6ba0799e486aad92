package pipeline_test

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/seedform/seedform/benchmarks/fixture"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/spec"
)

type heapHook struct {
	quietHook
	n int
}

func (h *heapHook) Finished(*pipeline.Change, *pipeline.Result) {
	h.n++
	if h.n%2000 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		println(h.n, "heapsys", m.HeapSys>>20, "heapinuse", m.HeapInuse>>20, "idle", m.HeapIdle>>20, "released", m.HeapReleased>>20, "stack", m.StackSys>>20, "other", (m.Sys-m.HeapSys-m.StackSys)>>20, "live", m.HeapAlloc>>20)
	}
	if h.n == 9000 {
		runtime.GC()
		f, _ := os.Create("/tmp/applyheap.prof")
		pprof.WriteHeapProfile(f)
		f.Close()
	}
}

func TestZZApplyHeap(t *testing.T) {
	if os.Getenv("APPLYHEAP") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	if err := fixture.WriteConfig(dir, fixture.Params{N: 10000, Placeholder: true, Size: "64x64"}); err != nil {
		t.Fatal(err)
	}
	cfg, _ := spec.NewLoader().Load(dir, spec.Options{})
	ws, err := pipeline.OpenWorkspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := pipeline.MakePlan(ws, pipeline.Options{})
	_, err = pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: 16, Providers: map[string]provider.Provider{"placeholder": provider.NewPlaceholder()}, Hook: &heapHook{},
	})
	if err != nil {
		t.Fatal(err)
	}
}
