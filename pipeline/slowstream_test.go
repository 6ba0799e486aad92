package pipeline_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// readyHook calls onReady once, when the first image of addr is on disk.
type readyHook struct {
	nopHook
	addr    string
	once    sync.Once
	onReady func()
}

func (h *readyHook) ImageReady(c *pipeline.Change, _, _, _ int) {
	if c.Addr == h.addr {
		h.once.Do(h.onReady)
	}
}

// TestSlowStreamInterruptLosesNothing: an apply interrupted (first or
// second Ctrl-C) while a streamed b64_json set crawls, one image in and
// the next event still on its way, loses no paid image: what arrived is
// recorded or staged, and the next apply converges with no second
// request for the set and staging empty.
func TestSlowStreamInterruptLosesNothing(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		// hard is a second interrupt (the context cancelled): the stream
		// is cut; otherwise a first one: the stream finishes.
		hard bool
	}{{"first interrupt", false}, {"second interrupt", true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := seedreamtest.New()
			defer srv.Close()
			srv.SetAPIKey(faultAPIKey)
			srv.Inject(seedreamtest.Fault{Kind: seedreamtest.KindSlowEvents, Delay: 150 * time.Millisecond, PromptContains: "The victim"})
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(faultConfig, srv.BaseURL(), "b64_json", "image_set.victim", victimSet))
			client := faultClient(t, srv, "b64_json")

			ws, plan := openAndPlan(t, dir)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := make(chan struct{})
			hook := &readyHook{addr: "image_set.victim", onReady: func() { close(stop) }}
			if tt.hard {
				hook.onReady = func() { close(stop); cancel() }
			}
			start := time.Now()
			res, _ := pipeline.Apply(ctx, ws, plan, pipeline.ApplyOptions{Parallelism: 4, Stop: stop, Hook: hook,
				Providers: map[string]provider.Provider{"seedream": provider.NewSeedream(client)}})
			if res == nil {
				t.Fatal("no result")
			}
			if took := time.Since(start); tt.hard && took > 2*time.Second {
				t.Errorf("the interrupted apply took %v", took)
			}
			v := resultsByAddr(res)["image_set.victim"]
			if !tt.hard && (v.Err != nil || len(v.Outputs) != 2) {
				t.Errorf("after a first interrupt the set in flight: %v, %d output(s); want both images", v.Err, len(v.Outputs))
			}

			applyOnce(t, dir, client)
			if n := victimRequests(srv); n != 1 {
				t.Errorf("the set cost %d generation requests, want 1", n)
			}
			lock := checkLockMatchesDisk(t, dir)
			if n := len(outputsOf(lock.Assets["image_set.victim"])); n < 1 {
				t.Errorf("the set records %d image(s): the paid image that arrived is lost", n)
			}
			checkStagingEmptyAt(t, dir)
			if c := makePlan(t, dir).Change("image_set.victim"); c == nil || c.Action != pipeline.NoOp {
				t.Errorf("next plan for the set: %+v, want no change", c)
			}
		})
	}
}
