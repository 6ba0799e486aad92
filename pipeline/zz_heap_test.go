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
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	println("heapsys", m.HeapSys>>20, "heapinuse", m.HeapInuse>>20, "idle", m.HeapIdle>>20, "released", m.HeapReleased>>20, "stack", m.StackSys>>20, "other", (m.Sys-m.HeapSys-m.StackSys)>>20, "alloc", m.HeapAlloc>>20, "total", m.TotalAlloc>>20, "numgc", m.NumGC)
	runtime.KeepAlive(plan)
	runtime.KeepAlive(ws)
}
