package pipeline_test

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/spec"
)

func TestZZHeap(t *testing.T) {
	dir := os.Getenv("HEAPDIR")
	if dir == "" {
		t.Skip()
	}
	cfg, _ := spec.NewLoader().Load(dir, spec.Options{})
	runtime.GC()
	f0, _ := os.Create("/tmp/heap-spec.prof")
	pprof.WriteHeapProfile(f0)
	f0.Close()
	ws, err := pipeline.OpenWorkspace(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := pipeline.MakePlan(ws, pipeline.Options{})
	runtime.GC()
	f, _ := os.Create("/tmp/heap.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(plan)
	runtime.KeepAlive(ws)
}
