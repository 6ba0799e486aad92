package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seedform/seedform/imagefile"
	"github.com/seedform/seedform/openai"
	"github.com/seedform/seedform/openai/openaitest"
	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/provider"
	"github.com/seedform/seedform/seedream"
	"github.com/seedform/seedform/seedream/seedreamtest"
)

// diskHook records what the engine says of a full disk, and calls
// onFull, if set, each time.
type diskHook struct {
	nopHook
	onFull func()
	mu     sync.Mutex
	calls  []diskFullCall
}

type diskFullCall struct {
	addr string
	held int
	dir  string
	err  error
}

func (h *diskHook) DiskFull(c *pipeline.Change, held int, dir string, err error) {
	h.mu.Lock()
	h.calls = append(h.calls, diskFullCall{c.Addr, held, dir, err})
	h.mu.Unlock()
	if h.onFull != nil {
		h.onFull()
	}
}

func (h *diskHook) reported() []diskFullCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]diskFullCall(nil), h.calls...)
}

// fillDisk makes every image file written under the victim's staging
// directory fail with ENOSPC while full is set, as a disk another writer
// filled between the pre-flight check and the answer would.
func fillDisk(t *testing.T, ws *pipeline.Workspace, victim string, full *atomic.Bool) {
	t.Helper()
	full.Store(true)
	t.Cleanup(imagefile.InjectFault(&imagefile.Fault{Dir: ws.Staging.Dir(victim), Write: func() error {
		if full.Load() {
			return syscall.ENOSPC
		}
		return nil
	}}))
}

// TestPaidImageHeldWhileDiskFull: a b64_json answer (Seedream JSON,
// Seedream streamed set, OpenAI) whose images the disk refuses mid-write
// is held in memory, reported, written once space returns, and recorded;
// the fake server counts exactly one generation request for it, and
// nothing is left in staging.
func TestPaidImageHeldWhileDiskFull(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, victim, addr string
		openai             bool
		images             int
	}{
		{"seedream b64_json", victimImage, "image.victim", false, 1},
		{"seedream streamed b64_json set", victimSet, "image_set.victim", false, 2},
		{"openai b64_json", openaiVictimImage, "image.victim", true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var (
				providers map[string]provider.Provider
				requests  func() int
			)
			if tt.openai {
				srv := openaitest.New()
				defer srv.Close()
				srv.SetAPIKey(faultAPIKey)
				writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(openaiFaultConfig, srv.BaseURL(), tt.addr, tt.victim))
				client, err := openai.NewClient(openai.Config{BaseURL: srv.BaseURL(), APIKey: faultAPIKey, MaxRetries: 2,
					MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 5 * time.Second, MaxImageBytes: 8 << 20})
				if err != nil {
					t.Fatal(err)
				}
				providers = map[string]provider.Provider{"openai": provider.NewOpenAI(client)}
				requests = func() int { return openaiVictimRequests(srv) }
			} else {
				srv := seedreamtest.New()
				defer srv.Close()
				srv.SetAPIKey(faultAPIKey)
				writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(faultConfig, srv.BaseURL(), "b64_json", tt.addr, tt.victim))
				providers = map[string]provider.Provider{"seedream": provider.NewSeedream(faultClient(t, srv, "b64_json"))}
				requests = func() int { return victimRequests(srv) }
			}
			ws, plan := openAndPlan(t, dir)
			var full atomic.Bool
			fillDisk(t, ws, tt.addr, &full)
			// Space is freed as soon as the engine says it is holding.
			hook := &diskHook{onFull: func() { full.Store(false) }}
			res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{Parallelism: 4, Providers: providers, Hook: hook})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			for _, r := range res.Results {
				if r.Err != nil || r.Skipped != "" {
					t.Errorf("%s: %v %s, want done", r.Addr, r.Err, r.Skipped)
				}
			}
			calls := hook.reported()
			if len(calls) != 1 || calls[0].addr != tt.addr || calls[0].held != tt.images ||
				!errors.Is(calls[0].err, syscall.ENOSPC) || calls[0].dir == "" || !strings.HasPrefix(ws.Staging.Dir(tt.addr), calls[0].dir) {
				t.Errorf("DiskFull reports %+v, want one for %d held image(s) of %s naming the staging directory", calls, tt.images, tt.addr)
			}
			if n := requests(); n != 1 {
				t.Errorf("the victim cost %d generation requests, want 1", n)
			}
			lock := checkLockMatchesDisk(t, dir)
			if n := len(outputsOf(lock.Assets[tt.addr])); n != tt.images {
				t.Errorf("%s records %d image(s), want %d", tt.addr, n, tt.images)
			}
			checkStagingEmptyAt(t, dir)
			if c := makePlan(t, dir).Change(tt.addr); c == nil || c.Action != pipeline.NoOp {
				t.Errorf("next plan for %s: %+v, want no change", tt.addr, c)
			}
		})
	}
}

// TestInterruptWhileHoldingSaysImageLost: an apply stopped (second
// interrupt) while the disk still refuses a held paid image says which
// asset's image was lost and why, as a disk error, never as an unusable
// image; the next apply, with room again, says the staged answer could
// not be finished and generates the asset again, and converges.
func TestInterruptWhileHoldingSaysImageLost(t *testing.T) {
	t.Parallel()
	srv, dir, client := b64Victim(t)
	providers := map[string]provider.Provider{"seedream": provider.NewSeedream(client)}

	ws, plan := openAndPlan(t, dir)
	var full atomic.Bool
	fillDisk(t, ws, "image.victim", &full)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hook := &diskHook{onFull: cancel} // the user gives up while the disk is full
	res, _ := pipeline.Apply(ctx, ws, plan, pipeline.ApplyOptions{Parallelism: 4, Providers: providers, Hook: hook})
	v := resultsByAddr(res)["image.victim"]
	if v == nil || v.Err == nil {
		t.Fatalf("image.victim: %+v, want an error", v)
	}
	msg := v.Err.Error()
	for _, want := range []string{"paid image 1 of image.victim was lost", "disk was still full", "no space left on device"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "unusable image") || errors.Is(v.Err, context.Canceled) {
		t.Errorf("the error %q is not told as a disk error", msg)
	}
	if n := victimRequests(srv); n != 1 {
		t.Errorf("the victim cost %d generation requests, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "victim.jpeg")); !os.IsNotExist(err) {
		t.Errorf("out/victim.jpeg: %v, want nothing written", err)
	}

	// Room again: the answer journaled without its image is dropped, said
	// so, and the asset generated again.
	full.Store(false)
	res = applyOnce(t, dir, client)
	v = resultsByAddr(res)["image.victim"]
	if v.Err != nil || len(v.Outputs) != 1 || len(v.Notes) == 0 || !strings.Contains(strings.Join(v.Notes, "\n"), "could not be finished") {
		t.Errorf("the next apply: %v, %d output(s), notes %q; want the asset generated again, saying why", v.Err, len(v.Outputs), v.Notes)
	}
	if n := victimRequests(srv); n != 2 {
		t.Errorf("the victim cost %d generation requests in all, want 2", n)
	}
	checkLockMatchesDisk(t, dir)
	checkStagingEmptyAt(t, dir)
}

// TestNoRequestWithoutRoomForTheAnswer: when the staging file system has
// less free space than the answers need, no generation request is sent,
// apply ends with an error naming the directory, the bytes free and
// needed and the way out, and every asset is left for the next apply,
// which with room again generates them all.
func TestNoRequestWithoutRoomForTheAnswer(t *testing.T) {
	t.Parallel()
	srv, dir, client := b64Victim(t)

	var free atomic.Int64
	free.Store(3 << 20)
	defer imagefile.InjectFault(&imagefile.Fault{Dir: dir, Free: func() (int64, bool) { return free.Load(), true }})()
	ws, plan := openAndPlan(t, dir)
	res, err := pipeline.Apply(context.Background(), ws, plan, pipeline.ApplyOptions{
		Parallelism: 4, Providers: map[string]provider.Provider{"seedream": provider.NewSeedream(client)}, Hook: nopHook{},
	})
	var short *pipeline.DiskShortError
	if !errors.As(err, &short) || res == nil || res.DiskShort == nil || !res.Stopped {
		t.Fatalf("apply: %v (result %+v), want a DiskShortError and a stopped apply", err, res)
	}
	staging := filepath.Join(dir, pipeline.StateDirName, "staging")
	// faultClient caps an image at 1 MiB: one 512x512 image needs 1 MB
	// and the margin.
	for _, want := range []string{"on " + staging, "3 MB free", "9 MB needed", "Free 6 MB on " + staging + " and run apply again", "nothing was paid for the assets not started"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not say %q", err, want)
		}
	}
	if n := srv.Count(); n != 0 {
		t.Errorf("%d generation request(s) were sent, want none", n)
	}
	for _, r := range res.Results {
		if r.Err != nil || !r.Interrupted || r.Skipped == "" {
			t.Errorf("%s: %v %q, want not started", r.Addr, r.Err, r.Skipped)
		}
	}

	free.Store(1 << 40)
	res = applyOnce(t, dir, client)
	for _, r := range res.Results {
		if r.Err != nil || r.Skipped != "" {
			t.Errorf("with room again, %s: %v %s", r.Addr, r.Err, r.Skipped)
		}
	}
	if n := srv.Count(); n != 3 {
		t.Errorf("%d generation request(s) in all, want 3", n)
	}
	checkLockMatchesDisk(t, dir)
}

func openaiVictimRequests(srv *openaitest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if p, _ := r.Body["prompt"].(string); strings.Contains(p, "The victim") {
			n++
		}
	}
	return n
}

// checkStagingEmptyAt checks that no staged answer is left in dir.
func checkStagingEmptyAt(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, pipeline.StateDirName, "staging"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("staging still holds %s", e.Name())
	}
}

// b64Victim is a config of the one victim image, answered in b64_json by
// a fake server closed when the test ends, and a client of it.
func b64Victim(t *testing.T) (*seedreamtest.Server, string, *seedream.Client) {
	t.Helper()
	srv := seedreamtest.New()
	t.Cleanup(srv.Close)
	srv.SetAPIKey(faultAPIKey)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.sf.hcl"), fmt.Sprintf(faultConfig, srv.BaseURL(), "b64_json", "image.victim", victimImage))
	return srv, dir, faultClient(t, srv, "b64_json")
}
